//! The pipeline section (SPEC §3, §8): what happened in the fund's pipeline during the period,
//! and where its projects stand at the period end.
//!
//! A flow count counts the events of the fund's project streams effective within the period
//! (its first day to its last, both included) that survive the cut at the period end: each
//! step of a project happens at most once (a stage is never repeated), so for every count but
//! `due_diligence_reports`, `post_investment_reports` and `triggers_raised` the number of
//! events is the number of projects. Sub-fund projects (SPEC §10) count with the companies:
//! their review and commitment proposal count as a qualification review and a proposal.

use super::streams::{dated, within, Streams};
use crate::project::{ProjectEvent, ResearchOutcome, Stage, Status};
use crate::Money;
use chrono::NaiveDate;
use serde::Serialize;

/// Every stage, in pipeline order.
const STAGES: [Stage; 7] = [
    Stage::Application,
    Stage::Research,
    Stage::Establishment,
    Stage::DueDiligence,
    Stage::Decision,
    Stage::Implementation,
    Stage::PostInvestment,
];

/// Pipeline statistics of the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PipelineStats {
    /// Applications received in the period (`ProjectApplied`, `SubFundApplied`).
    pub applications: u32,
    /// Qualification reviews passed in the period: the project entered the pool
    /// (`QualificationReviewed` passed, `SubFundReviewed` passed).
    pub qualified: u32,
    /// Qualification reviews failed in the period (each also rejects the project and counts in
    /// `rejected`).
    pub not_qualified: u32,
    /// Research completed in the period with the project shortlisted for establishment
    /// (`ResearchCompleted` shortlisted; a follow-up keeps the project in research and is not
    /// counted).
    pub shortlisted: u32,
    /// Projects established (立项) in the period (`ProjectEstablished`).
    pub established: u32,
    /// Due-diligence reports recorded in the period, each of the four kinds of each project
    /// once (`DueDiligenceRecorded`).
    pub due_diligence_reports: u32,
    /// Proposals put to the committee in the period, after passing the limits
    /// (`InvestmentProposed`, `CommitmentProposed`).
    pub proposed: u32,
    /// The amounts of those proposals.
    pub proposed_amount: Money,
    /// Committee decisions recorded in the period that approved the proposal
    /// (`DecisionRecorded` approved).
    pub approved: u32,
    /// Committee decisions recorded in the period that did not (failed or lapsed; each also
    /// rejects the project and counts in `rejected`).
    pub not_approved: u32,
    /// Agreements signed in the period (`AgreementSigned`).
    pub agreements_signed: u32,
    /// The commitments of those agreements.
    pub committed: Money,
    /// Periodic post-investment reports received in the period (`PostInvestmentReported`).
    pub post_investment_reports: u32,
    /// Exit triggers raised in the period, detected or recorded (`ExitTriggerRaised`).
    pub triggers_raised: u32,
    /// Projects rejected in the period, at any stage (`ProjectRejected`, including those
    /// recorded with a failed review or a decision not approved).
    pub rejected: u32,
    /// Projects withdrawn by the applicant in the period (`ProjectWithdrawn`).
    pub withdrawn: u32,
    /// The fund's projects at the period end: applied on or before it.
    pub projects: u32,
    /// Of those, the active ones (neither rejected nor withdrawn).
    pub active: u32,
    /// Per stage at the period end, in pipeline order (every stage listed).
    pub stages: Vec<StageCount>,
}

/// How many projects stand at a stage at the period end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageCount {
    /// The stage.
    pub stage: Stage,
    /// Active projects at this stage (post-investment: the portfolio under management).
    pub active: u32,
    /// Projects rejected at this stage, ever (by the period end).
    pub rejected: u32,
    /// Projects withdrawn at this stage, ever (by the period end).
    pub withdrawn: u32,
}

/// The statistics of `start..=end` from the fund's projects cut at `end`.
pub(super) fn pipeline(streams: &Streams<'_>, start: NaiveDate, end: NaiveDate) -> PipelineStats {
    let mut stats = PipelineStats {
        applications: 0,
        qualified: 0,
        not_qualified: 0,
        shortlisted: 0,
        established: 0,
        due_diligence_reports: 0,
        proposed: 0,
        proposed_amount: Money::ZERO,
        approved: 0,
        not_approved: 0,
        agreements_signed: 0,
        committed: Money::ZERO,
        post_investment_reports: 0,
        triggers_raised: 0,
        rejected: 0,
        withdrawn: 0,
        projects: 0,
        active: 0,
        stages: Vec::new(),
    };
    for project in streams.projects.values() {
        for (on, event) in dated(&project.events) {
            if within(on, start, end) {
                count(&mut stats, event);
            }
        }
    }
    let states: Vec<_> = streams.projects.values().map(|p| &p.state).collect();
    stats.projects = states.len() as u32;
    stats.active = states
        .iter()
        .filter(|s| s.status == Some(Status::Active))
        .count() as u32;
    stats.stages = STAGES
        .into_iter()
        .map(|stage| {
            let mut line = StageCount {
                stage,
                active: 0,
                rejected: 0,
                withdrawn: 0,
            };
            for state in &states {
                match &state.status {
                    Some(Status::Active) if state.stage == Some(stage) => line.active += 1,
                    Some(Status::Rejected { stage: at }) if *at == stage => line.rejected += 1,
                    Some(Status::Withdrawn { stage: at }) if *at == stage => line.withdrawn += 1,
                    _ => {}
                }
            }
            line
        })
        .collect();
    stats
}

fn count(stats: &mut PipelineStats, event: &ProjectEvent) {
    match event {
        ProjectEvent::ProjectApplied { .. } | ProjectEvent::SubFundApplied { .. } => {
            stats.applications += 1;
        }
        ProjectEvent::QualificationReviewed { eligibility, .. } => {
            review(stats, eligibility.passed);
        }
        ProjectEvent::SubFundReviewed { passed, .. } => review(stats, *passed),
        ProjectEvent::ResearchCompleted {
            outcome: ResearchOutcome::Shortlisted,
            ..
        } => stats.shortlisted += 1,
        ProjectEvent::ProjectEstablished { .. } => stats.established += 1,
        ProjectEvent::DueDiligenceRecorded { .. } => stats.due_diligence_reports += 1,
        ProjectEvent::InvestmentProposed { proposal, .. } => {
            stats.proposed += 1;
            stats.proposed_amount = stats.proposed_amount + proposal.amount;
        }
        ProjectEvent::CommitmentProposed { commitment, .. } => {
            stats.proposed += 1;
            stats.proposed_amount = stats.proposed_amount + *commitment;
        }
        ProjectEvent::DecisionRecorded { approved, .. } => {
            if *approved {
                stats.approved += 1;
            } else {
                stats.not_approved += 1;
            }
        }
        ProjectEvent::AgreementSigned { commitment, .. } => {
            stats.agreements_signed += 1;
            stats.committed = stats.committed + *commitment;
        }
        ProjectEvent::PostInvestmentReported { .. } => stats.post_investment_reports += 1,
        ProjectEvent::ExitTriggerRaised { .. } => stats.triggers_raised += 1,
        ProjectEvent::ProjectRejected { .. } => stats.rejected += 1,
        ProjectEvent::ProjectWithdrawn { .. } => stats.withdrawn += 1,
        ProjectEvent::ResearchCompleted { .. }
        | ProjectEvent::PaidInReported { .. }
        | ProjectEvent::SubFundInvestmentReported { .. }
        | ProjectEvent::SupervisoryActionRecorded { .. } => {}
    }
}

fn review(stats: &mut PipelineStats, passed: bool) {
    if passed {
        stats.qualified += 1;
    } else {
        stats.not_qualified += 1;
    }
}
