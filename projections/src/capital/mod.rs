//! The capital read model of each fund (SPEC §1, §2, §6, §7): the fund's totals and cash at
//! the custodian, each LP's capital account, each call with its allocation and payments per
//! LP, every movement at the custodian, the management-fee assessments with their segments,
//! the distributions with their allocation and payments per LP, and the fund's investments
//! (injections, Art. 11) and exits (Art. 16).
//!
//! Only confirmed movements move money: an LP payment brings cash in (and is paid-in
//! capital), exit proceeds bring cash in (received for their exit), a fee payment, a
//! distribution payment and an injection take cash out (an injection is then invested: the
//! investment's paid cost). An exit releases cost from its investment and records its
//! proceeds as soon as it is recorded. Arrears depend on the day asked, so they are computed
//! when read (allocated − paid after the due date), not stored; so are the cost not exited
//! and what is still to pay or collect.
//!
//! # Layout
//! - this file: the projection, turning fund events into writes;
//! - `sql`: the tables and the statements;
//! - `views`: the views the API shows, and `queries` and `investments`: the functions
//!   reading them (all re-exported here).

mod investments;
mod queries;
mod sql;
mod views;

pub use investments::{exits, investment, investments};
pub use queries::{
    call, calls, distribution, distributions, fee_assessment, fee_assessments, fund_capital,
    lp_account, lp_accounts, movements,
};
pub use views::{
    CallLpView, CallView, DistributionLpView, DistributionView, ExitView, FeeAssessmentView,
    FundCapital, InvestmentView, LpAccount, MovementView,
};

use crate::{Param, Projection, Write};
use domain::fund::custody::MovementKind;
use domain::fund::FundEvent;
use domain::{LpId, Money};
use eventstore::RecordedEvent;
use sql::{
    CALL, CALL_LP, CONFIRMED, DISTRIBUTION, DISTRIBUTION_LP, EXIT, FEE_ASSESSED, FUND_TOTALS,
    INJECTION_MATCHED, LP_SUBSCRIBED, MOVEMENT,
};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The capital projection.
pub struct CapitalProjection;

fn money(m: Money) -> Param {
    Box::new(m.as_decimal())
}

/// The wire name of a movement's kind, as stored in `rm_movements.kind`.
fn movement_kind(kind: &MovementKind) -> &'static str {
    match kind {
        MovementKind::LpPayment { .. } => "lp_payment",
        MovementKind::FeePayment { .. } => "fee_payment",
        MovementKind::Distribution { .. } => "distribution",
        MovementKind::Injection { .. } => "injection",
        MovementKind::ExitProceeds { .. } => "exit_proceeds",
    }
}

/// What a movement pays, as the columns of `rm_movements` (each `None` unless its kind has
/// it).
#[derive(Default)]
struct Pays {
    call_id: Option<Uuid>,
    lp_id: Option<Uuid>,
    fee_year: Option<i32>,
    distribution_id: Option<Uuid>,
    project_id: Option<Uuid>,
    exit_id: Option<Uuid>,
}

impl Pays {
    fn of(kind: &MovementKind) -> Self {
        match kind {
            MovementKind::LpPayment { call_id, lp } => Pays {
                call_id: Some(call_id.0),
                lp_id: Some(lp.0),
                ..Pays::default()
            },
            MovementKind::FeePayment { year } => Pays {
                fee_year: Some(*year),
                ..Pays::default()
            },
            MovementKind::Distribution {
                distribution_id,
                lp,
            } => Pays {
                lp_id: Some(lp.0),
                distribution_id: Some(distribution_id.0),
                ..Pays::default()
            },
            MovementKind::Injection { project_id } => Pays {
                project_id: Some(project_id.0),
                ..Pays::default()
            },
            MovementKind::ExitProceeds { exit_id } => Pays {
                exit_id: Some(exit_id.0),
                ..Pays::default()
            },
        }
    }
}

impl Projection for CapitalProjection {
    const NAME: &'static str = "capital";
    const STREAM_TYPES: &'static [&'static str] = &["fund"];
    const SCHEMA: &'static str = sql::SCHEMA;
    const DROP: &'static str = sql::DROP;
    const STATEMENTS: &'static [&'static str] = sql::STATEMENTS;

    fn writes(&self, event: &RecordedEvent) -> anyhow::Result<Vec<Write>> {
        let fund = Uuid::parse_str(&event.stream_id)?;
        let totals = |tranches: Money, subscribed: Money| {
            Write::new(
                FUND_TOTALS,
                vec![Box::new(fund), money(tranches), money(subscribed)],
            )
        };
        Ok(match event.decode::<FundEvent>()? {
            FundEvent::FundEstablished { .. } => vec![totals(Money::ZERO, Money::ZERO)],
            FundEvent::TrancheOpened { size, .. } => vec![totals(size, Money::ZERO)],
            // The exit recorded with it carries the proceeds the fund keeps.
            FundEvent::ConcessionApplied { .. } => Vec::new(),
            FundEvent::LpLinked { lp, fund: linked } => vec![Write::new(
                sql::LP_LINKED,
                vec![Box::new(fund), Box::new(lp.0), Box::new(linked.0)],
            )],
            FundEvent::LpSubscribed {
                lp,
                lp_name,
                lp_kind,
                amount,
                ..
            } => vec![
                totals(Money::ZERO, amount),
                Write::new(
                    LP_SUBSCRIBED,
                    vec![
                        Box::new(fund),
                        Box::new(lp.0),
                        Box::new(lp_name),
                        Box::new(kind_name(&serde_json::to_value(lp_kind)?)),
                        money(amount),
                    ],
                ),
            ],
            FundEvent::CapitalCalled {
                call_id,
                tranches,
                amount,
                called_on,
                due_on,
                allocations,
            } => {
                let tranches = tranches
                    .into_iter()
                    .map(i32::try_from)
                    .collect::<Result<Vec<i32>, _>>()?;
                let mut writes = vec![Write::new(
                    CALL,
                    vec![
                        Box::new(fund),
                        Box::new(call_id.0),
                        Box::new(tranches),
                        money(amount),
                        Box::new(called_on),
                        Box::new(due_on),
                    ],
                )];
                // One row per LP over the tranches called.
                let mut per_lp: BTreeMap<LpId, Money> = BTreeMap::new();
                for a in allocations {
                    let share = per_lp.entry(a.lp).or_default();
                    *share = *share + a.amount;
                }
                for (lp, allocated) in per_lp {
                    writes.push(Write::new(
                        CALL_LP,
                        vec![
                            Box::new(fund),
                            Box::new(call_id.0),
                            Box::new(lp.0),
                            money(allocated),
                        ],
                    ));
                }
                writes
            }
            FundEvent::MovementInstructed {
                movement_id,
                kind,
                amount,
                value_date,
            } => {
                let pays = Pays::of(&kind);
                vec![Write::new(
                    MOVEMENT,
                    vec![
                        Box::new(fund),
                        Box::new(movement_id.0),
                        Box::new(movement_kind(&kind)),
                        Box::new(pays.call_id),
                        Box::new(pays.lp_id),
                        Box::new(pays.fee_year),
                        Box::new(pays.distribution_id),
                        Box::new(pays.project_id),
                        Box::new(pays.exit_id),
                        money(amount),
                        Box::new(value_date),
                    ],
                )]
            }
            FundEvent::MovementConfirmed {
                movement_id,
                executed_on,
            } => vec![Write::new(
                CONFIRMED,
                vec![
                    Box::new(fund),
                    Box::new(movement_id.0),
                    Box::new(executed_on),
                ],
            )],
            FundEvent::FeeAssessed { year, assessment } => vec![Write::new(
                FEE_ASSESSED,
                vec![
                    Box::new(fund),
                    Box::new(year),
                    Box::new(assessment.period_from),
                    Box::new(assessment.period_to),
                    money(assessment.total),
                    // The segments as the event carries them.
                    Box::new(serde_json::to_value(&assessment.segments)?),
                    Box::new(event.recorded_at),
                ],
            )],
            FundEvent::DistributionDeclared {
                distribution_id,
                amount,
                declared_on,
                allocations,
            } => {
                let mut writes = vec![Write::new(
                    DISTRIBUTION,
                    vec![
                        Box::new(fund),
                        Box::new(distribution_id.0),
                        money(amount),
                        Box::new(declared_on),
                    ],
                )];
                // One row per LP (the domain allocates once per LP; summed if ever not).
                let mut per_lp: BTreeMap<LpId, (Money, Money)> = BTreeMap::new();
                for a in allocations {
                    let (paid_in, share) = per_lp.entry(a.lp).or_insert((a.paid_in, Money::ZERO));
                    *paid_in = (*paid_in).max(a.paid_in);
                    *share = *share + a.amount;
                }
                for (lp, (paid_in, allocated)) in per_lp {
                    writes.push(Write::new(
                        DISTRIBUTION_LP,
                        vec![
                            Box::new(fund),
                            Box::new(distribution_id.0),
                            Box::new(lp.0),
                            money(paid_in),
                            money(allocated),
                        ],
                    ));
                }
                writes
            }
            FundEvent::TermExtended { .. }
            | FundEvent::FundClosed { .. }
            | FundEvent::PhaseChanged { .. } => Vec::new(),
            FundEvent::InjectionMatched {
                project_id,
                commitment,
                required_cumulative,
                ..
            } => vec![Write::new(
                INJECTION_MATCHED,
                vec![
                    Box::new(fund),
                    Box::new(project_id.0),
                    money(commitment),
                    money(required_cumulative),
                ],
            )],
            FundEvent::ExitRecorded {
                exit_id,
                project_id,
                proceeds,
                cost_released,
                realised,
                on,
                resolution_id,
            } => vec![Write::new(
                EXIT,
                vec![
                    Box::new(fund),
                    Box::new(exit_id.0),
                    Box::new(project_id.0),
                    money(proceeds),
                    money(cost_released),
                    money(realised),
                    Box::new(on),
                    Box::new(resolution_id.0),
                ],
            )],
        })
    }
}

fn kind_name(value: &serde_json::Value) -> String {
    value.as_str().unwrap_or("other").to_owned()
}
