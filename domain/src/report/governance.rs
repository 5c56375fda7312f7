//! The governance sections (SPEC §4, §8, §9): the committee resolutions of the period and the
//! liability-exemption cases.
//!
//! A resolution's day is its event's day in China Standard Time (UTC+8), as
//! [`ResolutionEvent::effective_date`] gives it: a resolution opened at 01:00 on 1 January in
//! Kunshan (17:00 UTC on 31 December) was opened on 1 January.

use super::streams::{within, Streams};
use crate::committee::{FailedBecause, Mode, ResolutionEvent, Status, SubjectKind, Tally};
use crate::exemption::Condition;
use crate::{DomainEvent, ExemptionCaseId, Money, ProjectId, ResolutionId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// A committee resolution opened or decided in the period, with its count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResolutionLine {
    /// The resolution.
    pub resolution_id: ResolutionId,
    /// Investment, exit or other.
    pub kind: SubjectKind,
    /// Its title.
    pub title: String,
    /// What it refers to (a project id for an investment or exit).
    pub reference: String,
    /// The company of the project it refers to, when that is one of the fund's projects.
    pub company: Option<String>,
    /// The amount at stake.
    pub amount: Money,
    /// Written or on-site.
    pub mode: Mode,
    /// The day it was opened.
    pub opened_on: NaiveDate,
    /// Until when votes were taken.
    pub deadline: DateTime<Utc>,
    /// Voting seats.
    pub seats: u32,
    /// Approvals required to pass.
    pub quorum: u32,
    /// Seats that approved.
    pub approvals: u32,
    /// Seats that rejected.
    pub rejections: u32,
    /// Seats that abstained.
    pub abstentions: u32,
    /// Seats that recused themselves.
    pub recusals: u32,
    /// Held seats that had not voted by the period end (or by the outcome).
    pub not_voted: u32,
    /// Seats vacant when it was opened.
    pub vacant: u32,
    /// Observers' comments.
    pub observer_comments: u32,
    /// Open, passed, failed or lapsed at the period end.
    pub outcome: Status,
    /// The day of the outcome.
    pub decided_on: Option<NaiveDate>,
    /// Why it failed, if it did.
    pub failed_because: Option<FailedBecause>,
}

/// The resolutions of the fund opened or decided within `start..=end`, by decision day (the
/// opening day for those still open at the end), then id.
pub(super) fn resolutions(
    streams: &Streams<'_>,
    start: NaiveDate,
    end: NaiveDate,
) -> Vec<ResolutionLine> {
    let mut lines: Vec<ResolutionLine> = streams
        .resolutions
        .iter()
        .filter_map(|(id, cut)| {
            let opened = cut.state.opened.as_ref()?;
            let opened_on = cut
                .events
                .iter()
                .find(|e| matches!(e, ResolutionEvent::ResolutionOpened { .. }))?
                .effective_date()?;
            let outcome = cut.events.iter().find_map(|e| match e {
                ResolutionEvent::ResolutionPassed { tally, .. } => Some((e, *tally, None)),
                ResolutionEvent::ResolutionFailed { tally, because, .. } => {
                    Some((e, *tally, Some(*because)))
                }
                ResolutionEvent::ResolutionLapsed { tally, .. } => Some((e, *tally, None)),
                _ => None,
            });
            let decided_on = outcome.and_then(|(e, _, _)| e.effective_date());
            let in_period = |d: Option<NaiveDate>| d.is_some_and(|d| within(d, start, end));
            if !in_period(Some(opened_on)) && !in_period(decided_on) {
                return None;
            }
            let tally: Tally = outcome
                .map(|(_, t, _)| t)
                .or_else(|| cut.state.tally())
                .unwrap_or_default();
            Some(ResolutionLine {
                resolution_id: *id,
                kind: opened.subject.kind,
                title: opened.subject.title.clone(),
                reference: opened.subject.reference.clone(),
                company: streams.company_of_reference(&opened.subject.reference),
                amount: opened.amount,
                mode: opened.mode,
                opened_on,
                deadline: opened.deadline,
                seats: opened.seats.len() as u32,
                quorum: opened.quorum,
                approvals: tally.approvals,
                rejections: tally.rejections,
                abstentions: tally.abstentions,
                recusals: tally.recusals,
                not_voted: tally.outstanding,
                vacant: tally.vacant,
                observer_comments: cut
                    .events
                    .iter()
                    .filter(|e| matches!(e, ResolutionEvent::ObserverCommented { .. }))
                    .count() as u32,
                outcome: cut.state.status.unwrap_or(Status::Open),
                decided_on,
                failed_because: outcome.and_then(|(_, _, b)| b),
            })
        })
        .collect();
    lines.sort_by_key(|l| (l.decided_on.unwrap_or(l.opened_on), l.resolution_id));
    lines
}

/// Where a case's determination stands at the period end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeterminationStatus {
    /// Not determined yet.
    Pending,
    /// Exemption granted (the determination in force).
    Granted,
    /// Exemption denied (the determination in force).
    Denied,
}

/// A liability-exemption case opened by the period end (SPEC §9, Art. 22–23).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExemptionLine {
    /// The case.
    pub case_id: ExemptionCaseId,
    /// The loss-making project.
    pub project_id: ProjectId,
    /// Its company, when the project is one of the fund's.
    pub company: Option<String>,
    /// When the case was opened.
    pub opened_on: NaiveDate,
    /// The loss.
    pub loss: Money,
    /// The people covered.
    pub covered: u32,
    /// The day the evaluation that counts (the last one) judged up to; none before any.
    pub evaluated_on: Option<NaiveDate>,
    /// Procedural conditions of that evaluation that hold.
    pub conditions_met: u32,
    /// Those that do not.
    pub conditions_not_met: u32,
    /// The conditions not met, in order.
    pub failed_conditions: Vec<Condition>,
    /// Attestations signed.
    pub attestations: u32,
    /// Of those, the ones affirming both no personal gain and no violation of law.
    pub attestations_clean: u32,
    /// Covered people who have not attested.
    pub attestations_missing: u32,
    /// Pending, granted or denied.
    pub determination: DeterminationStatus,
    /// The day of the determination in force.
    pub determined_on: Option<NaiveDate>,
    /// Its document reference.
    pub reference: Option<String>,
    /// The authority that made it.
    pub determined_by: Option<String>,
    /// Determinations made, superseded ones included.
    pub determinations: u32,
    /// People granted Art. 23 exemptions by the determination in force.
    pub people_exempted: u32,
}

/// The fund's cases opened by the period end, by opening day, then id.
pub(super) fn exemptions(streams: &Streams<'_>) -> Vec<ExemptionLine> {
    let mut lines: Vec<ExemptionLine> = streams
        .cases
        .iter()
        .filter_map(|(id, cut)| {
            let case = &cut.state;
            let opened = case.opened.as_ref()?;
            let evaluation = case.evaluation();
            let determination = case.determination();
            let outcomes = evaluation.map_or(&[][..], |e| e.outcomes.as_slice());
            Some(ExemptionLine {
                case_id: *id,
                project_id: opened.project_id,
                company: streams.company(opened.project_id),
                opened_on: opened.opened_on,
                loss: opened.loss,
                covered: opened.covered.len() as u32,
                evaluated_on: evaluation.map(|e| e.evaluated_on),
                conditions_met: outcomes.iter().filter(|o| o.passed).count() as u32,
                conditions_not_met: outcomes.iter().filter(|o| !o.passed).count() as u32,
                failed_conditions: outcomes
                    .iter()
                    .filter(|o| !o.passed)
                    .map(|o| o.condition)
                    .collect(),
                attestations: case.attestations.len() as u32,
                attestations_clean: case.attestations.values().filter(|a| a.is_clean()).count()
                    as u32,
                attestations_missing: case.missing_attestations().len() as u32,
                determination: match determination {
                    None => DeterminationStatus::Pending,
                    Some(d) if d.granted => DeterminationStatus::Granted,
                    Some(_) => DeterminationStatus::Denied,
                },
                determined_on: determination.map(|d| d.on),
                reference: determination.map(|d| d.reference.clone()),
                determined_by: determination.map(|d| d.by.clone()),
                determinations: case.determinations.len() as u32,
                people_exempted: determination.map_or(0, |d| {
                    d.exemptions
                        .iter()
                        .filter(|p| !p.exemptions.is_empty())
                        .count() as u32
                }),
            })
        })
        .collect();
    lines.sort_by_key(|l| (l.opened_on, l.case_id));
    lines
}
