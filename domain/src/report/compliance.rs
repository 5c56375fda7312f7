//! The compliance section (SPEC §4, §5, §8, §10): limits and prohibitions as the events
//! recorded them, nothing re-judged.
//!
//! Every proposal of the fund recorded by the period end (`InvestmentProposed`,
//! `CommitmentProposed`) gives one line: the limits check recorded with it ([`LimitsCheck`]
//! for a company, [`CommitmentCheck`] for a sub-fund), whether an exception was approved (the
//! per-project limit lifted by the higher body's approval, Art. 10), the committee's decision
//! the project recorded and the resolution's mode and count, and whether the proposal fell in
//! the investment period of the fund's schedule (SPEC §5). Every check of the record is in
//! the line too, with its outcome and figures, under its name (`checks.stake_limit.stake`).
//! The fund-level figures are the policy limits
//! of the fund's terms, the committee as appointed at the period end and, for a guidance fund,
//! each sub-fund's local reinvestment (返投) against its target.

use super::portfolio::{fund_stake, Target};
use super::streams::{dated, Streams};
use crate::fund::phases::{self, Phase};
use crate::fund::{lifecycle, Fund};
use crate::guidance::{CommitmentCheck, GuidanceCheck, Reinvestment};
use crate::investment::{Check, LimitsCheck, Outcome};
use crate::project::ProjectEvent;
use crate::{Money, ProjectId, ResolutionId};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// Limits and prohibitions, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Compliance {
    /// The last day of the investment period (new investments only until then, SPEC §5).
    pub investment_period_ends: Option<NaiveDate>,
    /// The per-project limit of the fund's policy, inclusive (Art. 10).
    pub per_project_max: Money,
    /// The largest stake of the fund's policy, inclusive (Art. 10).
    pub max_stake: Decimal,
    /// The largest share of a sub-fund's size of the fund's policy, inclusive (SPEC §10).
    pub sub_fund_max_share: Decimal,
    /// The largest amount a written vote may decide (Art. 15(6)).
    pub written_vote_max: Money,
    /// Approvals that pass a resolution (Art. 14).
    pub approvals_to_pass: u32,
    /// Voting seats of the fund's policy.
    pub committee_seats: u32,
    /// Of those, the seats with a member appointed by the period end.
    pub committee_seats_held: u32,
    /// Observers recorded by the period end.
    pub committee_observers: u32,
    /// Proposals recorded by the period end: the lines.
    pub proposals: u32,
    /// Of those, the ones whose every check passed without an exception.
    pub within_limits: u32,
    /// Of those, the ones with an exception approved.
    pub exceptions_approved: u32,
    /// Of those, the ones proposed outside the investment period.
    pub outside_investment_period: u32,
    /// One line per proposal, by project id.
    pub lines: Vec<ComplianceLine>,
    /// Local reinvestment of each sub-fund whose agreement was signed, by project id.
    pub reinvestment: Vec<ReinvestmentLine>,
}

/// The committee's decision on a proposal, as the project recorded it by the period end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionStatus {
    /// Not recorded yet.
    Pending,
    /// Approved.
    Approved,
    /// Failed or lapsed.
    NotApproved,
}

/// A proposal and the limits checked on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComplianceLine {
    /// The project.
    pub project_id: ProjectId,
    /// Its company (the sub-fund's name).
    pub company: String,
    /// Company or sub-fund.
    pub target: Target,
    /// The day of the proposal.
    pub proposed_on: NaiveDate,
    /// The amount proposed (the commitment to a sub-fund).
    pub amount: Money,
    /// Whether that day falls in the investment period.
    pub in_investment_period: bool,
    /// Whether no recorded check failed or was left unevaluated.
    pub limits_passed: bool,
    /// Whether a check was passed by an approved exception (Art. 10: the per-project limit
    /// lifted by the 市国资委投资决策委员会).
    pub exception_approved: bool,
    /// The approval's reference, as recorded with the check.
    pub higher_approval_ref: Option<String>,
    /// The fund's stake after the investment, as checked (a company only).
    pub stake: Option<Decimal>,
    /// The largest other shareholder's stake, as checked (a company only).
    pub largest_other_stake: Option<Decimal>,
    /// The decision.
    pub decision: DecisionStatus,
    /// The day it was recorded.
    pub decided_on: Option<NaiveDate>,
    /// The resolution it names.
    pub resolution_id: Option<ResolutionId>,
    /// The resolution's mode, when its stream was given.
    pub mode: Option<crate::committee::Mode>,
    /// Its approvals by the period end, when its stream was given.
    pub approvals: Option<u32>,
    /// The approvals it required, when its stream was given.
    pub quorum: Option<u32>,
    /// Every check of the record, by its name (`check`).
    pub checks: BTreeMap<&'static str, CheckRecord>,
}

/// One recorded check: its outcome and figures (the fields of [`Check`] or [`GuidanceCheck`],
/// whose `check` names it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckRecord {
    /// How it came out.
    pub outcome: Outcome,
    /// What was checked, with the figures.
    #[serde(flatten)]
    pub check: RecordedCheck,
}

/// A check of a company's proposal or of a commitment to a sub-fund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum RecordedCheck {
    /// A limit or prohibition of a direct investment (Art. 10, 20).
    Investment(Check),
    /// A guidance limit of a commitment (SPEC §10).
    SubFund(GuidanceCheck),
}

/// A sub-fund's local reinvestment (返投) at the period end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReinvestmentLine {
    /// The project.
    pub project_id: ProjectId,
    /// The sub-fund.
    pub company: String,
    /// Its reinvestment against the target.
    #[serde(flatten)]
    pub reinvestment: Reinvestment,
}

/// The compliance section of `fund` (its state at the period end) and its streams.
pub(super) fn compliance(fund: &Fund, streams: &Streams<'_>) -> Compliance {
    let policy = fund.terms.as_ref().map(|t| t.policy.as_ref().clone());
    let policy = policy.unwrap_or_default();
    let spans = lifecycle::schedule(fund).unwrap_or_default();
    let investment_period_ends = spans
        .iter()
        .find(|s| s.phase == Phase::Investment)
        .and_then(|s| s.to);
    let mut lines = Vec::new();
    let mut reinvestment = Vec::new();
    for (id, cut) in &streams.projects {
        let state = &cut.state;
        if let Some(r) = state.reinvestment(policy.guidance.reinvestment_multiple) {
            reinvestment.push(ReinvestmentLine {
                project_id: *id,
                company: state.company.clone(),
                reinvestment: r,
            });
        }
        let Some((proposed_on, amount, record)) = proposal(&cut.events) else {
            continue;
        };
        let decision = dated(&cut.events).find_map(|(on, e)| match e {
            ProjectEvent::DecisionRecorded {
                resolution_id,
                approved,
                ..
            } => Some((on, *resolution_id, *approved)),
            _ => None,
        });
        let resolution = decision
            .and_then(|(_, r, _)| streams.resolutions.get(&r))
            .and_then(|r| Some((r.state.opened.as_ref()?, r.state.tally()?)));
        let outcomes = record.outcomes();
        let (stake, largest_other_stake) = record.stakes();
        lines.push(ComplianceLine {
            project_id: *id,
            company: state.company.clone(),
            target: match record {
                Record::Limits(_) => Target::Company,
                Record::Commitment(_) => Target::SubFund,
            },
            proposed_on,
            amount,
            in_investment_period: phases::phase_on(&spans, proposed_on) == Some(Phase::Investment),
            limits_passed: outcomes
                .iter()
                .all(|o| matches!(o, Outcome::Pass | Outcome::Approved)),
            exception_approved: outcomes.contains(&Outcome::Approved),
            higher_approval_ref: record.higher_approval_ref(),
            stake: stake.or_else(|| state.proposal.as_ref().and_then(fund_stake)),
            largest_other_stake,
            decision: match decision {
                None => DecisionStatus::Pending,
                Some((_, _, true)) => DecisionStatus::Approved,
                Some((_, _, false)) => DecisionStatus::NotApproved,
            },
            decided_on: decision.map(|(on, _, _)| on),
            resolution_id: decision.map(|(_, r, _)| r),
            mode: resolution.map(|(o, _)| o.mode),
            approvals: resolution.map(|(_, t)| t.approvals),
            quorum: resolution.map(|(o, _)| o.quorum),
            checks: record.checks(),
        });
    }
    let count = |f: fn(&ComplianceLine) -> bool| lines.iter().filter(|l| f(l)).count() as u32;
    Compliance {
        investment_period_ends,
        per_project_max: policy.investment.per_project_max,
        max_stake: policy.investment.max_stake,
        sub_fund_max_share: policy.guidance.sub_fund_max_share,
        written_vote_max: policy.committee.written_vote_max,
        approvals_to_pass: policy.committee.approvals_to_pass,
        committee_seats: policy.committee.seats.len() as u32,
        committee_seats_held: streams.committee.seats.len() as u32,
        committee_observers: streams.committee.observers.len() as u32,
        proposals: lines.len() as u32,
        within_limits: count(|l| l.limits_passed && !l.exception_approved),
        exceptions_approved: count(|l| l.exception_approved),
        outside_investment_period: count(|l| !l.in_investment_period),
        lines,
        reinvestment,
    }
}

/// The record of a proposal's checks.
#[derive(Clone, Copy)]
enum Record<'a> {
    Limits(&'a LimitsCheck),
    Commitment(&'a CommitmentCheck),
}

/// The project's proposal: its day, amount and record.
fn proposal<'a>(events: &'a [&'a ProjectEvent]) -> Option<(NaiveDate, Money, Record<'a>)> {
    dated(events).find_map(|(on, e)| match e {
        ProjectEvent::InvestmentProposed {
            proposal, limits, ..
        } => Some((on, proposal.amount, Record::Limits(limits))),
        ProjectEvent::CommitmentProposed {
            commitment, check, ..
        } => Some((on, *commitment, Record::Commitment(check))),
        _ => None,
    })
}

impl Record<'_> {
    fn outcomes(self) -> Vec<Outcome> {
        match self {
            Record::Limits(r) => r.checks.iter().map(|c| c.outcome).collect(),
            Record::Commitment(r) => r.checks.iter().map(|c| c.outcome).collect(),
        }
    }

    fn higher_approval_ref(self) -> Option<String> {
        let Record::Limits(r) = self else {
            return None;
        };
        r.checks.iter().find_map(|c| match &c.check {
            Check::PerProjectLimit {
                higher_approval_ref,
                ..
            } => higher_approval_ref.clone(),
            _ => None,
        })
    }

    /// The fund's stake and the largest other, as the record checked them.
    fn stakes(self) -> (Option<Decimal>, Option<Decimal>) {
        let Record::Limits(r) = self else {
            return (None, None);
        };
        r.checks
            .iter()
            .find_map(|c| match &c.check {
                Check::NotLargestShareholder {
                    stake,
                    largest_other,
                } => Some((*stake, *largest_other)),
                _ => None,
            })
            .unwrap_or((None, None))
    }

    fn checks(self) -> BTreeMap<&'static str, CheckRecord> {
        let record = |check: RecordedCheck, outcome| (check.name(), CheckRecord { outcome, check });
        match self {
            Record::Limits(r) => r
                .checks
                .iter()
                .map(|c| record(RecordedCheck::Investment(c.check.clone()), c.outcome))
                .collect(),
            Record::Commitment(r) => r
                .checks
                .iter()
                .map(|c| record(RecordedCheck::SubFund(c.check.clone()), c.outcome))
                .collect(),
        }
    }
}

impl RecordedCheck {
    /// The check's name, as its `check` field is serialized.
    pub fn name(&self) -> &'static str {
        match self {
            RecordedCheck::Investment(check) => match check {
                Check::PositiveAmount { .. } => "positive_amount",
                Check::PermittedInstrument { .. } => "permitted_instrument",
                Check::PermittedIndustry { .. } => "permitted_industry",
                Check::PerProjectLimit { .. } => "per_project_limit",
                Check::CapTable { .. } => "cap_table",
                Check::StakeLimit { .. } => "stake_limit",
                Check::NotLargestShareholder { .. } => "not_largest_shareholder",
            },
            RecordedCheck::SubFund(check) => match check {
                GuidanceCheck::PositiveCommitment { .. } => "positive_commitment",
                GuidanceCheck::SubFundFacts { .. } => "sub_fund_facts",
                GuidanceCheck::PermittedFocus { .. } => "permitted_focus",
                GuidanceCheck::SubFundShare { .. } => "sub_fund_share",
                GuidanceCheck::NotLargestLp { .. } => "not_largest_lp",
            },
        }
    }
}
