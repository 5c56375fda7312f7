//! How a [`super::fund::Op`] becomes a fund command on the state at hand: its amounts
//! resolved against what the command can spend and its days against the fund's own dates.
//!
//! The rooms: the fund's size (establishment), the size not yet in tranches, the tranche's
//! unsubscribed size, the called tranches' uncalled capital, the due's room (a fee's also
//! within the cash available), the cash available (distribution), for an injection the
//! instructed amount plus the cash available (the required payment), the required payment
//! (the commitment) and the required payment not yet instructed within the cash (the amount),
//! for an exit the cost not exited on its day (on the days its injections were confirmed) and
//! that cost (the proceeds).

use super::fund::{Op, Pays, Policy};
use super::support::{id, shift, Day};
use chrono::{Datelike as _, NaiveDate};
use domain::fund::capital::{Lp, LpKind};
use domain::fund::custody::MovementKind;
use domain::fund::policy::{ConcessionPolicy, FundPolicy};
use domain::fund::{investments, lifecycle, Fund, FundCommand, FundTerms};
use domain::ResolutionId;
use domain::{CallId, DistributionId, ExitId, FundId, LpId, Money, MovementId, ProjectId};
use rust_decimal::Decimal;

/// The policy `p` stands for.
fn policy(p: Policy) -> FundPolicy {
    let mut policy = FundPolicy::default();
    match p {
        Policy::Default => {}
        Policy::Short => (policy.investment_months, policy.exit_months) = (1, 1),
        Policy::Concession(share, cap) => {
            policy.guidance.concession = Some(ConcessionPolicy {
                share: Decimal::new(share, 2),
                cap: cap.map(Money::from_yuan),
            });
        }
        Policy::Broken(0) => policy.exit_months = 0,
        Policy::Broken(1) => policy.fee_rate = Decimal::new(101, 2),
        Policy::Broken(_) => policy.fee_day_count_basis = 0,
    }
    policy
}

/// The kind each LP of the pool is registered with (LP 4 is a guidance fund).
fn lp_kind(lp: u8) -> LpKind {
    match lp {
        1 | 2 => LpKind::StateOwned,
        4 => LpKind::GuidanceFund,
        _ => LpKind::Other,
    }
}

/// The fund's own dates: establishment, the first and last day of each phase, and the days
/// money moved.
fn anchors(fund: &Fund) -> Vec<NaiveDate> {
    let Some(terms) = &fund.terms else {
        return vec![NaiveDate::from_ymd_opt(2021, 9, 1).unwrap_or_default()];
    };
    let mut anchors = vec![terms.establishment_date];
    for span in lifecycle::schedule(fund).unwrap_or_default() {
        anchors.push(span.from);
        anchors.extend(span.to);
    }
    anchors.extend(
        fund.custody
            .movements
            .values()
            .filter_map(|m| m.confirmed_on),
    );
    anchors
}

fn movement_kind(pays: Pays, fund: &Fund) -> MovementKind {
    let year = fund
        .terms
        .as_ref()
        .map_or(2021, |t| t.establishment_date.year());
    match pays {
        Pays::Lp(call, lp) => MovementKind::LpPayment {
            call_id: CallId(id(call)),
            lp: LpId(id(lp)),
        },
        Pays::Fee(offset) => MovementKind::FeePayment {
            year: year.saturating_add(offset),
        },
        Pays::Distribution(d, lp) => MovementKind::Distribution {
            distribution_id: DistributionId(id(d)),
            lp: LpId(id(lp)),
        },
        Pays::Injection(p) => MovementKind::Injection {
            project_id: ProjectId(id(p)),
        },
        Pays::Proceeds(exit) => MovementKind::ExitProceeds {
            exit_id: ExitId(id(exit)),
        },
    }
}

/// What the tranches numbered `numbers` have not called yet.
fn uncalled(fund: &Fund, numbers: &[u32]) -> Money {
    let mut numbers = numbers.to_vec();
    numbers.sort_unstable();
    numbers.dedup();
    fund.tranches
        .iter()
        .filter(|t| numbers.contains(&t.number))
        .map(|t| t.subscribed() - t.called())
        .sum()
}

/// The command `op` asks of `fund`.
pub fn command(op: &Op, fund: &Fund) -> FundCommand {
    let anchors = anchors(fund);
    let on = |d: &Day| d.on(&anchors);
    let year = fund
        .terms
        .as_ref()
        .map_or(2021, |t| t.establishment_date.year());
    let available = fund.custody.available();
    match op {
        Op::Establish {
            kind,
            size,
            on: day,
            names,
            policy: p,
        } => FundCommand::Establish {
            fund_id: FundId(id(1)),
            terms: FundTerms {
                name: names[0].clone(),
                kind: *kind,
                total_size: size.of(Money::from_yuan(300_000_000)),
                establishment_date: on(day),
                manager: names[1].clone(),
                custodian: names[2].clone(),
                city: names[3].clone(),
                policy: Box::new(policy(*p)),
            },
        },
        Op::OpenTranche {
            skip,
            size,
            on: day,
        } => {
            let opened: Money = fund.tranches.iter().map(|t| t.size).sum();
            let total = fund.terms.as_ref().map_or(Money::ZERO, |t| t.total_size);
            let next = fund.tranches.len() as i64 + 1 + i64::from(*skip);
            FundCommand::OpenTranche {
                number: u32::try_from(next).unwrap_or(u32::MAX),
                size: size.of(total - opened),
                subscription_date: on(day),
            }
        }
        Op::Subscribe {
            tranche,
            lp,
            rename,
            kind,
            amount,
        } => {
            let room = fund
                .tranches
                .iter()
                .find(|t| t.number == *tranche)
                .map_or(Money::ZERO, |t| t.size - t.subscribed());
            FundCommand::Subscribe {
                tranche: *tranche,
                lp: LpId(id(*lp)),
                identity: Lp {
                    name: rename.clone().unwrap_or_else(|| format!("LP {lp}")),
                    kind: kind.unwrap_or(lp_kind(*lp)),
                },
                amount: amount.of(room),
            }
        }
        Op::Call {
            call,
            tranches,
            amount,
            on: day,
            due_in,
        } => FundCommand::CallCapital {
            call_id: CallId(id(*call)),
            tranches: tranches.clone(),
            amount: amount.of(uncalled(fund, tranches)),
            called_on: on(day),
            due_on: shift(on(day), *due_in),
        },
        Op::Instruct {
            mv,
            pays,
            amount,
            on: day,
        } => {
            let kind = movement_kind(*pays, fund);
            let mut room = fund.custody.due(&kind).map_or(Money::ZERO, |d| d.room());
            if let MovementKind::FeePayment { .. } = kind {
                room = room.min(available);
            }
            FundCommand::InstructMovement {
                movement_id: MovementId(id(*mv)),
                kind,
                amount: amount.of(room),
                value_date: on(day),
            }
        }
        Op::Confirm { mv, on: day } => {
            let pending: Vec<MovementId> = fund.custody.pending().map(|(m, _)| *m).collect();
            let movement_id = mv.among(&pending, MovementId);
            FundCommand::ConfirmMovement {
                movement_id,
                executed_on: on(day),
            }
        }
        Op::Extend {
            months,
            resolution,
            on: day,
            approval,
        } => FundCommand::ExtendTerm {
            months: *months,
            resolution_ref: resolution.clone(),
            resolved_on: on(day),
            government_approval_ref: approval.clone(),
        },
        Op::Close { on: day, later } => FundCommand::CloseFund {
            closed_on: on(day),
            today: shift(on(day), *later),
        },
        Op::RecordPhases { today } => FundCommand::RecordPhaseChanges { today: on(today) },
        Op::AssessFee {
            year: offset,
            today,
        } => FundCommand::AssessFee {
            year: if offset.unsigned_abs() > 100 {
                *offset
            } else {
                year.saturating_add(*offset)
            },
            today: on(today),
        },
        Op::Link { lp, fund: to } => FundCommand::LinkLp {
            lp: LpId(id(*lp)),
            fund: FundId(id(*to)),
        },
        Op::Distribute {
            dist,
            amount,
            on: day,
        } => FundCommand::DeclareDistribution {
            distribution_id: DistributionId(id(*dist)),
            amount: amount.of(available),
            declared_on: on(day),
        },
        Op::Inject {
            mv,
            project,
            amount,
            on: day,
            required,
            commitment,
        } => {
            let project_id = ProjectId(id(*project));
            let instructed = fund
                .investments
                .get(&project_id)
                .map_or(Money::ZERO, |i| i.instructed);
            let required = required.of(instructed + available.max(Money::ZERO));
            FundCommand::InstructInjection {
                movement_id: MovementId(id(*mv)),
                project_id,
                amount: amount.of((required - instructed).min(available)),
                value_date: on(day),
                required_cumulative: required,
                commitment: commitment.of(required),
            }
        }
        Op::Exit {
            sub_fund,
            exit,
            project,
            proceeds,
            cost,
            on: day,
            resolution,
        } => {
            let invested: Vec<ProjectId> = fund.investments.keys().copied().collect();
            let project_id = project.among(&invested, ProjectId);
            // Around the days its injections were confirmed, if any.
            let kind = MovementKind::Injection { project_id };
            let paid: Vec<NaiveDate> = fund
                .custody
                .movements
                .values()
                .filter(|m| m.kind == kind)
                .filter_map(|m| m.confirmed_on)
                .collect();
            let on = day.on(if paid.is_empty() { &anchors } else { &paid });
            let cost = cost.of(investments::cost_not_exited_on(fund, project_id, on));
            let (exit_id, resolution_id) = (ExitId(id(*exit)), ResolutionId(id(*resolution)));
            let proceeds = proceeds.of(cost);
            if *sub_fund {
                FundCommand::RecordSubFundExit {
                    exit_id,
                    project_id,
                    proceeds,
                    cost_released: cost,
                    on,
                    resolution_id,
                }
            } else {
                FundCommand::RecordExit {
                    exit_id,
                    project_id,
                    proceeds,
                    cost_released: cost,
                    on,
                    resolution_id,
                }
            }
        }
    }
}
