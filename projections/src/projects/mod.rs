//! The projects read model (SPEC §3, Art. 13, 15): each fund's pipeline of projects, one row
//! per project as it stands (its stage and since when, active, rejected or withdrawn, the
//! qualification review's result, the due-diligence reports, the proposal, the committee's
//! decision, the agreement, the company's paid-in capital and, after the investment, its latest
//! periodic report, the exit triggers raised and the supervisory actions recorded), and one
//! step per event for its history.
//!
//! It reads one stream type, `project` (one stream per project, the project's id). The stage
//! a project is at moves as the aggregate's does: the qualification review passed → research;
//! research shortlisted → establishment (a follow-up stays in research); established → due
//! diligence; proposed → decision; approved → implementation; agreement signed → post-investment.
//! `stage_since` is the date of the step that entered the current stage; a rejection or
//! withdrawal keeps the stage it closed at and sets `stage_since` to the date it closed.
//!
//! A guidance fund's commitment to a sub-fund (SPEC §10) is a project row too: the sub-fund's
//! name is its company and its focus its industry; its review and its commitment move the
//! stage as a company's review and proposal do (no stake, no higher approval); the sub-fund's
//! investment reports add up to `sub_fund_invested` and, those in the guidance fund's city,
//! `sub_fund_invested_locally` (local reinvestment, 返投), both zero from the application and
//! absent (`NULL`) for a company.
//!
//! # Layout
//! - this file: the projection, turning project events into writes;
//! - `sql`: the tables and the statements;
//! - `views`: the views the API shows, and `queries`: the functions reading them (both
//!   re-exported here).

mod queries;
mod sql;
mod views;

pub use queries::{board, project, projects, projects_by_ids};
pub use views::{BoardCard, BoardColumn, ProjectFilter, ProjectStep, ProjectSummary, ProjectView};

use crate::{Param, Projection, Write};
use anyhow::Context;
use domain::project::{Project, ProjectEvent, ResearchOutcome, Stage};
use domain::{Aggregate, DomainEvent};
use eventstore::RecordedEvent;
use serde_json::{json, Value};
use sql::{
    ADVANCED, APPLIED, CLOSED, DECIDED, DUE_DILIGENCE, PAID_IN, PROPOSED, REPORTED, REVIEWED,
    SIGNED, STEP, SUB_FUND_INVESTED, SUPERVISED, TOUCHED, TRIGGERED,
};
use uuid::Uuid;

/// The projects projection.
pub struct ProjectsProjection;

/// The stages, in pipeline order (the board's columns).
pub const STAGES: [Stage; 7] = [
    Stage::Application,
    Stage::Research,
    Stage::Establishment,
    Stage::DueDiligence,
    Stage::Decision,
    Stage::Implementation,
    Stage::PostInvestment,
];

/// What the history shows of an event: its own fields, without the bulky records (the
/// application's facts, the limits checked) that the event log keeps.
fn summary(event: &ProjectEvent) -> anyhow::Result<Value> {
    Ok(match event {
        ProjectEvent::ProjectApplied { company, facts, .. } => json!({
            "company": company,
            "industry": facts.industry,
            "talent_programme": facts.talent_programme,
        }),
        ProjectEvent::SubFundApplied { sub_fund, .. } => json!({
            "company": sub_fund.name,
            "industry": sub_fund.focus,
            "manager": sub_fund.manager,
            "size": sub_fund.size,
        }),
        ProjectEvent::SubFundReviewed { check, passed, .. } => {
            json!({ "passed": passed, "check": check })
        }
        ProjectEvent::CommitmentProposed { commitment, .. } => {
            json!({ "amount": commitment })
        }
        ProjectEvent::SubFundInvestmentReported {
            company,
            city,
            amount,
            local,
            ..
        } => json!({ "company": company, "city": city, "amount": amount, "local": local }),
        ProjectEvent::QualificationReviewed { eligibility, .. } => {
            let failed: Vec<Value> = eligibility
                .failed()
                .map(|c| json!({ "code": c.code, "rule": c.rule, "reason": c.reason }))
                .collect();
            json!({ "passed": eligibility.passed, "failed": failed })
        }
        ProjectEvent::ResearchCompleted { outcome, note, .. } => {
            json!({ "outcome": outcome, "note": note })
        }
        ProjectEvent::PostInvestmentReported { report, .. } => json!({
            "period": report.period,
            "revenue": report.revenue,
            "net_assets": report.net_assets,
            "staff": report.staff,
            "rd_staff": report.rd_staff,
            "registered_city": report.registered_city,
            "going_concern": report.going_concern,
        }),
        ProjectEvent::ExitTriggerRaised {
            trigger,
            detected,
            note,
            ..
        } => json!({ "trigger": trigger, "clause": trigger.clause(), "detected": detected,
                     "note": note }),
        ProjectEvent::SupervisoryActionRecorded { action, reason, .. } => {
            json!({ "action": action, "reason": reason })
        }
        ProjectEvent::ProjectEstablished {
            partner_opinion_ref,
            ..
        } => json!({ "partner_opinion_ref": partner_opinion_ref }),
        ProjectEvent::DueDiligenceRecorded {
            kind,
            provider,
            document_ref,
            ..
        } => json!({ "kind": kind, "provider": provider, "document_ref": document_ref }),
        ProjectEvent::InvestmentProposed {
            proposal, price, ..
        } => json!({
            "amount": proposal.amount,
            "price": price,
            "fund_stake": fund_stake(proposal),
            "instrument": proposal.instrument,
            "industry": proposal.industry,
            "higher_approval_ref": proposal.higher_approval_ref,
        }),
        ProjectEvent::DecisionRecorded {
            resolution_id,
            approved,
            ..
        } => json!({ "resolution_id": resolution_id, "approved": approved }),
        ProjectEvent::AgreementSigned {
            commitment,
            registered_capital,
            other_shareholders,
            ..
        } => json!({
            "commitment": commitment,
            "registered_capital": registered_capital,
            "other_shareholders": other_shareholders,
        }),
        ProjectEvent::PaidInReported {
            paid_in,
            required_cumulative,
            ..
        } => json!({ "paid_in": paid_in, "required_cumulative": required_cumulative }),
        ProjectEvent::ProjectRejected { stage, reason, .. }
        | ProjectEvent::ProjectWithdrawn { stage, reason, .. } => {
            json!({ "stage": stage, "reason": reason })
        }
    })
}

/// The wire name of a unit variant (a trigger: `moved_out_of_city`).
fn wire(value: &impl serde::Serialize) -> anyhow::Result<String> {
    match serde_json::to_value(value)? {
        Value::String(name) => Ok(name),
        other => anyhow::bail!("not a unit variant: {other}"),
    }
}

/// The fund's stake after the investment, from the post-money cap table.
fn fund_stake(proposal: &domain::investment::Proposal) -> Option<rust_decimal::Decimal> {
    proposal
        .post_money_cap_table
        .iter()
        .find(|s| s.is_fund)
        .map(|s| s.stake)
}

impl ProjectsProjection {
    fn project_writes(event: &RecordedEvent) -> anyhow::Result<Vec<Write>> {
        let project = Uuid::parse_str(&event.stream_id)?;
        let id = || -> Param { Box::new(project) };
        let decoded = event.decode::<ProjectEvent>()?;
        let on = decoded
            .effective_date()
            .context("a project event without a date")?;
        let step = Write::new(
            STEP,
            vec![
                id(),
                Box::new(event.stream_version),
                Box::new(decoded.event_type()),
                Box::new(on),
                Box::new(summary(&decoded)?),
            ],
        );
        let update = match decoded {
            ProjectEvent::ProjectApplied {
                project_id,
                fund_id,
                company,
                facts,
                applied_on,
            } => Write::new(
                APPLIED,
                vec![
                    Box::new(project_id.0),
                    Box::new(fund_id.0),
                    Box::new(company),
                    Box::new(facts.industry),
                    Box::new(applied_on),
                    Box::new(false),
                ],
            ),
            // A sub-fund project: its name as the company, its focus as the industry.
            ProjectEvent::SubFundApplied {
                project_id,
                fund_id,
                sub_fund,
                applied_on,
            } => Write::new(
                APPLIED,
                vec![
                    Box::new(project_id.0),
                    Box::new(fund_id.0),
                    Box::new(sub_fund.name),
                    Box::new(sub_fund.focus),
                    Box::new(applied_on),
                    Box::new(true),
                ],
            ),
            ProjectEvent::SubFundReviewed { passed, on, .. } => Write::new(
                REVIEWED,
                vec![
                    id(),
                    Box::new(passed),
                    Box::new(i32::from(!passed)),
                    Box::new(on),
                ],
            ),
            ProjectEvent::CommitmentProposed { commitment, on, .. } => Write::new(
                PROPOSED,
                vec![
                    id(),
                    Box::new(commitment.as_decimal()),
                    Box::new(None::<rust_decimal::Decimal>),
                    Box::new(None::<String>),
                    Box::new(on),
                ],
            ),
            ProjectEvent::SubFundInvestmentReported { on, .. } => {
                Write::new(SUB_FUND_INVESTED, vec![id(), Box::new(on)])
            }
            ProjectEvent::QualificationReviewed { eligibility, on } => {
                let failed = i32::try_from(eligibility.failed().count())?;
                Write::new(
                    REVIEWED,
                    vec![
                        id(),
                        Box::new(eligibility.passed),
                        Box::new(failed),
                        Box::new(on),
                    ],
                )
            }
            ProjectEvent::PostInvestmentReported { report, on } => Write::new(
                REPORTED,
                vec![
                    id(),
                    Box::new(report.period),
                    Box::new(report.revenue.as_decimal()),
                    Box::new(report.net_assets.as_decimal()),
                    Box::new(i64::from(report.staff)),
                    Box::new(i64::from(report.rd_staff)),
                    Box::new(report.registered_city),
                    Box::new(report.going_concern),
                    Box::new(on),
                    Box::new(event.stream_version),
                ],
            ),
            ProjectEvent::ExitTriggerRaised { trigger, on, .. } => Write::new(
                TRIGGERED,
                vec![id(), Box::new(wire(&trigger)?), Box::new(on)],
            ),
            ProjectEvent::SupervisoryActionRecorded { on, .. } => {
                Write::new(SUPERVISED, vec![id(), Box::new(on)])
            }
            ProjectEvent::ResearchCompleted { outcome, on, .. } => match outcome {
                ResearchOutcome::Shortlisted => Write::new(
                    ADVANCED,
                    vec![id(), Box::new(Stage::Establishment.as_str()), Box::new(on)],
                ),
                ResearchOutcome::FollowUp => Write::new(TOUCHED, vec![id(), Box::new(on)]),
            },
            ProjectEvent::ProjectEstablished { on, .. } => Write::new(
                ADVANCED,
                vec![id(), Box::new(Stage::DueDiligence.as_str()), Box::new(on)],
            ),
            ProjectEvent::DueDiligenceRecorded { on, .. } => {
                Write::new(DUE_DILIGENCE, vec![id(), Box::new(on)])
            }
            ProjectEvent::InvestmentProposed { proposal, on, .. } => Write::new(
                PROPOSED,
                vec![
                    id(),
                    Box::new(proposal.amount.as_decimal()),
                    Box::new(fund_stake(&proposal)),
                    Box::new(proposal.higher_approval_ref),
                    Box::new(on),
                ],
            ),
            ProjectEvent::DecisionRecorded {
                resolution_id,
                approved,
                on,
            } => Write::new(
                DECIDED,
                vec![
                    id(),
                    Box::new(resolution_id.0),
                    Box::new(approved),
                    Box::new(on),
                ],
            ),
            ProjectEvent::AgreementSigned {
                commitment,
                registered_capital,
                signed_on,
                ..
            } => Write::new(
                SIGNED,
                vec![
                    id(),
                    Box::new(commitment.as_decimal()),
                    Box::new(registered_capital.as_decimal()),
                    Box::new(signed_on),
                ],
            ),
            ProjectEvent::PaidInReported {
                paid_in,
                required_cumulative,
                on,
            } => Write::new(
                PAID_IN,
                vec![
                    id(),
                    Box::new(paid_in.as_decimal()),
                    Box::new(required_cumulative.as_decimal()),
                    Box::new(on),
                ],
            ),
            ProjectEvent::ProjectRejected { stage, reason, on } => {
                closed(project, "rejected", stage, reason, on)
            }
            ProjectEvent::ProjectWithdrawn { stage, reason, on } => {
                closed(project, "withdrawn", stage, reason, on)
            }
        };
        Ok(vec![step, update])
    }
}

/// The closing write: `status`, the stage it closed at, why, when.
fn closed(
    project: Uuid,
    status: &'static str,
    stage: Stage,
    reason: String,
    on: chrono::NaiveDate,
) -> Write {
    Write::new(
        CLOSED,
        vec![
            Box::new(project),
            Box::new(status),
            Box::new(stage.as_str()),
            Box::new(reason),
            Box::new(on),
        ],
    )
}

impl Projection for ProjectsProjection {
    const NAME: &'static str = "projects";
    const STREAM_TYPES: &'static [&'static str] = &[Project::STREAM_TYPE];
    const SCHEMA: &'static str = sql::SCHEMA;
    const DROP: &'static str = sql::DROP;
    const STATEMENTS: &'static [&'static str] = sql::STATEMENTS;
    const SET_FORMS: &'static [crate::SetForm] = sql::SET_FORMS;

    fn writes(&self, event: &RecordedEvent) -> anyhow::Result<Vec<Write>> {
        if event.stream_type == Project::STREAM_TYPE {
            Self::project_writes(event)
        } else {
            Ok(Vec::new())
        }
    }
}
