//! The portfolio section (SPEC §5, §6, §8): every investment of the fund as of the period end
//! and its post-investment progress.
//!
//! An investment is a project of the fund whose agreement was signed by the period end, or
//! one the fund's stream holds money in (an injection or an exit), by project id. The money
//! (paid, cost not exited, proceeds, realised, MOIC) is the fund sections' line of the same
//! project ([`super::InvestmentLine`], joined by project id, not recomputed); the rest comes
//! from the project's stream as cut at the period end.

use super::sections::{InvestmentLine, Investments};
use super::streams::{dated, Cut, Streams};
use crate::investment::Proposal;
use crate::project::{Project, ProjectEvent, Stage, Status, Trigger};
use crate::{Money, ProjectId, ResolutionId};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeSet;

/// What a project invests in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// A company (direct equity).
    Company,
    /// A sub-fund (a guidance fund's commitment, SPEC §10).
    SubFund,
}

/// Where a project stands at the period end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    /// Moving through the pipeline (or in post-investment management).
    Active,
    /// Rejected.
    Rejected,
    /// Withdrawn by the applicant.
    Withdrawn,
}

impl ProjectStatus {
    /// The status of a project's state.
    pub fn of(status: &Status) -> Self {
        match status {
            Status::Active => ProjectStatus::Active,
            Status::Rejected { .. } => ProjectStatus::Rejected,
            Status::Withdrawn { .. } => ProjectStatus::Withdrawn,
        }
    }
}

/// The company's latest periodic report received on or before the period end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LatestReport {
    /// When it was received.
    pub on: NaiveDate,
    /// The period it covers, e.g. `2023-H1`.
    pub period: String,
    /// Revenue of the period.
    pub revenue: Money,
    /// Net assets at its end.
    pub net_assets: Money,
    /// Staff.
    pub staff: u32,
    /// R&D staff.
    pub rd_staff: u32,
    /// Equity rounds closed so far, the fund's included.
    pub financing_rounds: u32,
    /// Whether a further round is being raised.
    pub raising_round: bool,
    /// The city the company is registered in.
    pub registered_city: String,
    /// Whether it can continue as a going concern.
    pub going_concern: bool,
}

/// One investment and its post-investment progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortfolioLine {
    /// The project.
    pub project_id: ProjectId,
    /// The company (the sub-fund's name); none when the project's stream was not given.
    pub company: Option<String>,
    /// Company or sub-fund; none when the project's stream was not given.
    pub target: Option<Target>,
    /// The stage at the period end.
    pub stage: Option<Stage>,
    /// Active, rejected or withdrawn at the period end.
    pub status: Option<ProjectStatus>,
    /// The resolution whose approval the project recorded.
    pub resolution_id: Option<ResolutionId>,
    /// When the agreement was signed.
    pub signed_on: Option<NaiveDate>,
    /// The commitment: the agreement's, else the fund's line's.
    pub commitment: Money,
    /// The fund's stake after the investment, from the proposal's post-money cap table.
    pub stake: Option<Decimal>,
    /// The company's paid-in capital as last reported (the sub-fund's called capital).
    pub company_paid_in: Money,
    /// What the fund must have paid by then (Art. 11).
    pub required_cumulative: Money,
    /// The cost paid (the fund's line).
    pub paid: Money,
    /// The cost not exited (the fund's line).
    pub cost_not_exited: Money,
    /// The exits recorded.
    pub exits: u32,
    /// Those with zero proceeds (write-offs).
    pub write_offs: u32,
    /// The day of the last exit.
    pub last_exit_on: Option<NaiveDate>,
    /// The proceeds (the fund's line).
    pub proceeds: Money,
    /// The realised gain, negative for a loss (the fund's line).
    pub realised: Money,
    /// The multiple at cost (the fund's line).
    pub moic: Option<Decimal>,
    /// Whether something was paid and no cost is left: wholly exited.
    pub fully_exited: bool,
    /// Periodic reports received by the period end.
    pub reports: u32,
    /// The latest of them.
    pub latest_report: Option<LatestReport>,
    /// The exit triggers raised by the period end (Art. 16), in clause order.
    pub triggers: Vec<Trigger>,
    /// The day the last of them was raised.
    pub last_trigger_on: Option<NaiveDate>,
    /// Supervisory vetoes and terminations recorded (Art. 21).
    pub supervisory_actions: u32,
}

/// The portfolio lines, by project id.
pub(super) fn portfolio(streams: &Streams<'_>, investments: &Investments) -> Vec<PortfolioLine> {
    let signed = streams
        .projects
        .iter()
        .filter(|(_, p)| p.state.agreement.is_some())
        .map(|(id, _)| *id);
    let held = investments.lines.iter().map(|l| l.project_id);
    let ids: BTreeSet<ProjectId> = signed.chain(held).collect();
    ids.into_iter()
        .map(|id| {
            line(
                id,
                streams.projects.get(&id),
                investments.lines.iter().find(|l| l.project_id == id),
                investments,
            )
        })
        .collect()
}

fn line(
    id: ProjectId,
    project: Option<&Cut<'_, Project>>,
    money: Option<&InvestmentLine>,
    investments: &Investments,
) -> PortfolioLine {
    let state = project.map(|p| &p.state);
    let events: &[&ProjectEvent] = project.map_or(&[], |p| p.events.as_slice());
    let exits: Vec<_> = investments
        .exits
        .iter()
        .filter(|x| x.project_id == id)
        .collect();
    let agreement = state.and_then(|s| s.agreement.as_ref());
    let paid = money.map_or(Money::ZERO, |m| m.paid);
    let cost_not_exited = money.map_or(Money::ZERO, |m| m.cost_not_exited);
    let reports: Vec<(NaiveDate, &ProjectEvent)> = dated(events)
        .filter(|(_, e)| matches!(e, ProjectEvent::PostInvestmentReported { .. }))
        .collect();
    PortfolioLine {
        project_id: id,
        company: state.map(|s| s.company.clone()),
        target: state.map(|s| {
            if s.is_sub_fund() {
                Target::SubFund
            } else {
                Target::Company
            }
        }),
        stage: state.and_then(|s| s.stage),
        status: state.and_then(|s| s.status.as_ref()).map(ProjectStatus::of),
        resolution_id: approval(events),
        signed_on: agreement.map(|a| a.signed_on),
        commitment: agreement.map_or(money.map_or(Money::ZERO, |m| m.commitment), |a| {
            a.commitment
        }),
        stake: state.and_then(|s| s.proposal.as_ref()).and_then(fund_stake),
        company_paid_in: state.map_or(Money::ZERO, |s| s.company_paid_in),
        required_cumulative: state.map_or(Money::ZERO, |s| s.required_cumulative),
        paid,
        cost_not_exited,
        exits: exits.len() as u32,
        write_offs: exits.iter().filter(|x| !x.proceeds.is_positive()).count() as u32,
        last_exit_on: exits.iter().map(|x| x.on).max(),
        proceeds: money.map_or(Money::ZERO, |m| m.proceeds),
        realised: money.map_or(Money::ZERO, |m| m.realised),
        moic: money.and_then(|m| m.moic),
        fully_exited: paid.is_positive() && cost_not_exited == Money::ZERO,
        reports: reports.len() as u32,
        latest_report: reports.last().and_then(|(on, e)| latest(*on, e)),
        triggers: state.map_or(Vec::new(), |s| s.triggers.iter().copied().collect()),
        last_trigger_on: dated(events)
            .filter(|(_, e)| matches!(e, ProjectEvent::ExitTriggerRaised { .. }))
            .map(|(on, _)| on)
            .max(),
        supervisory_actions: events
            .iter()
            .filter(|e| matches!(e, ProjectEvent::SupervisoryActionRecorded { .. }))
            .count() as u32,
    }
}

/// The resolution of the project's approving decision.
pub(super) fn approval(events: &[&ProjectEvent]) -> Option<ResolutionId> {
    events.iter().rev().find_map(|e| match e {
        ProjectEvent::DecisionRecorded {
            resolution_id,
            approved: true,
            ..
        } => Some(*resolution_id),
        _ => None,
    })
}

/// The fund's row of the post-money cap table.
pub(super) fn fund_stake(proposal: &Proposal) -> Option<Decimal> {
    let mut rows = proposal.post_money_cap_table.iter().filter(|r| r.is_fund);
    match (rows.next(), rows.next()) {
        (Some(row), None) => Some(row.stake),
        _ => None,
    }
}

fn latest(on: NaiveDate, event: &ProjectEvent) -> Option<LatestReport> {
    let ProjectEvent::PostInvestmentReported { report, .. } = event else {
        return None;
    };
    Some(LatestReport {
        on,
        period: report.period.clone(),
        revenue: report.revenue,
        net_assets: report.net_assets,
        staff: report.staff,
        rd_staff: report.rd_staff,
        financing_rounds: report.financing_rounds.len() as u32,
        raising_round: report.raising_round,
        registered_city: report.registered_city.clone(),
        going_concern: report.going_concern,
    })
}
