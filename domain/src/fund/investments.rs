//! The fund-side money of its investments: injections into portfolio companies in step with
//! their paid-in capital (SPEC §2 investment level, Art. 11), exits with their proceeds and
//! released cost (SPEC §6, Art. 16), and the total cost of investments not yet exited
//! (未退出项目总投资成本) on which the exit-period management fee is charged (SPEC §7, Art. 7).
//! The fund stream holds all of the fund's money, so cash, cost and fees stay consistent in
//! one aggregate; the project stream holds the pipeline and the company's paid-in reports.
//!
//! # Injections (Art. 11, Art. 18)
//! `InstructInjection` carries the project's required cumulative payment after its last
//! paid-in report (`commitment × paid-in ÷ registered`, [`crate::investment::matching`]) and
//! the commitment, both looked up by the caller in the project stream. It is refused unless
//! - the amount is positive;
//! - the required cumulative payment is at most the commitment;
//! - what is already instructed for the project (confirmed or not) plus the amount is at most
//!   the required cumulative payment (`overpayment`, Art. 11). The required payment never
//!   decreases, so a stale figure can only refuse, never allow, too much;
//! - the cash at the custodian not yet committed ([`super::custody::Custody::available`])
//!   covers it (`insufficient_cash`, Art. 18): the cash is committed when instructed;
//! - the fund is open (not closed).
//!
//! It records `InjectionMatched` (the figures checked, for the audit trail and the state)
//! and a `MovementInstructed` of kind [`MovementKind::Injection`]. The generic
//! `InstructMovement` refuses that kind. The custodian confirms it with the ordinary
//! `ConfirmMovement`: the cash falls, the project's paid amount rises, and the cost not
//! exited rises from the day the money moved.
//!
//! # Exits (Art. 16)
//! `RecordExit` records a partial or whole exit decided by the committee (the caller checks
//! the resolution): the proceeds (zero for a write-off), the cost released and the realised
//! gain or loss `proceeds − cost_released`. The cost released must be positive and at most
//! the project's cost not yet exited on the exit's day: the injections confirmed with money
//! moved on or before that day, less every cost released before. The cost not exited falls by
//! it from that day. Positive proceeds become a due at the custodian, collected by movements
//! of kind [`MovementKind::ExitProceeds`] through the generic `InstructMovement` (checked
//! against the due like an LP's payment of a call) and confirmed by the custodian; a
//! write-off moves no money.
//!
//! # Cost basis (Art. 7)
//! [`Fund::cost_basis`] holds the total cost not exited as it changed, ordered by day, with
//! at most one change per day: changes on the same day merge into one with the final total.
//! A change dated before later ones (a confirmation entered late) moves the later totals too,
//! so every total is the sum of the confirmed injections less the cost released up to its
//! day; since an exit never releases more than its project's cost on its day, no total is
//! ever negative.

use super::custody::MovementKind;
use super::{open_terms, Fund, FundError, FundEvent};
use crate::fees::CostBasisChange;
use crate::{ExitId, Money, MovementId, ProjectId, ResolutionId};
use chrono::NaiveDate;

/// The fund's money in one portfolio company.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Investment {
    /// The commitment (投资额) as last checked.
    pub commitment: Money,
    /// The required cumulative payment under the paid-in ratio (Art. 11): the highest seen.
    pub required_cumulative: Money,
    /// Injections instructed, confirmed or not.
    pub instructed: Money,
    /// Injections confirmed by the custodian: the investment cost paid.
    pub paid: Money,
    /// Cost released by exits.
    pub cost_released: Money,
    /// Proceeds of the exits (recorded; what is collected is in the custody's dues).
    pub proceeds: Money,
}

impl Investment {
    /// The cost not yet exited: paid less released.
    pub fn cost_not_exited(&self) -> Money {
        self.paid - self.cost_released
    }

    /// The realised gain (negative: loss) of the exits so far.
    pub fn realised(&self) -> Money {
        self.proceeds - self.cost_released
    }
}

/// An exit recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exit {
    /// The project exited.
    pub project_id: ProjectId,
    /// What the buyer pays (zero for a write-off).
    pub proceeds: Money,
    /// The cost released.
    pub cost_released: Money,
    /// The day of the exit.
    pub on: NaiveDate,
    /// The committee resolution deciding it.
    pub resolution_id: ResolutionId,
}

/// `InstructInjection` (see the module documentation for the rules).
pub fn instruct_injection(
    fund: &Fund,
    movement_id: MovementId,
    project_id: ProjectId,
    amount: Money,
    value_date: NaiveDate,
    required_cumulative: Money,
    commitment: Money,
) -> Result<Vec<FundEvent>, FundError> {
    open_terms(fund)?;
    if fund.custody.movements.contains_key(&movement_id) {
        return Err(FundError::MovementAlreadyInstructed);
    }
    if !amount.is_positive() {
        return Err(FundError::NonPositiveAmount);
    }
    if required_cumulative > commitment {
        return Err(FundError::RequiredAboveCommitment {
            required_cumulative,
            commitment,
        });
    }
    let instructed = fund
        .investments
        .get(&project_id)
        .map_or(Money::ZERO, |i| i.instructed);
    let room = (required_cumulative - instructed).max(Money::ZERO);
    if amount > room {
        return Err(FundError::InjectionExceedsRequired { room });
    }
    let available = fund.custody.available();
    if amount > available {
        return Err(FundError::InsufficientCash { available });
    }
    Ok(vec![
        FundEvent::InjectionMatched {
            movement_id,
            project_id,
            commitment,
            required_cumulative,
        },
        FundEvent::MovementInstructed {
            movement_id,
            kind: MovementKind::Injection { project_id },
            amount,
            value_date,
        },
    ])
}

/// `RecordExit` (see the module documentation for the rules).
pub fn record_exit(
    fund: &Fund,
    exit_id: ExitId,
    project_id: ProjectId,
    proceeds: Money,
    cost_released: Money,
    on: NaiveDate,
    resolution_id: ResolutionId,
) -> Result<Vec<FundEvent>, FundError> {
    let terms = open_terms(fund)?;
    if fund.exits.contains_key(&exit_id) {
        return Err(FundError::ExitAlreadyRecorded);
    }
    if proceeds < Money::ZERO {
        return Err(FundError::NegativeProceeds);
    }
    if !cost_released.is_positive() {
        return Err(FundError::NonPositiveAmount);
    }
    if on < terms.establishment_date {
        return Err(FundError::BeforeEstablishment {
            establishment_date: terms.establishment_date,
        });
    }
    let cost_not_exited = cost_not_exited_on(fund, project_id, on);
    if cost_released > cost_not_exited {
        return Err(FundError::ExitExceedsCost { cost_not_exited });
    }
    Ok(vec![FundEvent::ExitRecorded {
        exit_id,
        project_id,
        proceeds,
        cost_released,
        realised: proceeds - cost_released,
        on,
        resolution_id,
    }])
}

/// What an exit of `project_id` on `on` may release: its injections confirmed with money
/// moved on or before `on`, less all the cost released so far (whatever the exits' days).
pub fn cost_not_exited_on(fund: &Fund, project_id: ProjectId, on: NaiveDate) -> Money {
    let injection = MovementKind::Injection { project_id };
    let paid: Money = fund
        .custody
        .movements
        .values()
        .filter(|m| m.kind == injection && m.confirmed_on.is_some_and(|d| d <= on))
        .map(|m| m.amount)
        .sum();
    let released = fund
        .investments
        .get(&project_id)
        .map_or(Money::ZERO, |i| i.cost_released);
    (paid - released).max(Money::ZERO)
}

/// Folds the investment events into the state. Runs after the custody's fold, which holds
/// the movements.
pub fn evolve(fund: &mut Fund, event: &FundEvent) {
    match event {
        FundEvent::InjectionMatched {
            project_id,
            commitment,
            required_cumulative,
            ..
        } => {
            let investment = fund.investments.entry(*project_id).or_default();
            investment.commitment = *commitment;
            investment.required_cumulative =
                investment.required_cumulative.max(*required_cumulative);
        }
        FundEvent::MovementInstructed {
            kind: MovementKind::Injection { project_id },
            amount,
            ..
        } => {
            let investment = fund.investments.entry(*project_id).or_default();
            investment.instructed = investment.instructed + *amount;
        }
        FundEvent::MovementConfirmed {
            movement_id,
            executed_on,
        } => {
            let Some(movement) = fund.custody.movements.get(movement_id) else {
                return;
            };
            let MovementKind::Injection { project_id } = movement.kind else {
                return;
            };
            let amount = movement.amount;
            let investment = fund.investments.entry(project_id).or_default();
            investment.paid = investment.paid + amount;
            change_cost_basis(&mut fund.cost_basis, *executed_on, amount);
        }
        FundEvent::ExitRecorded {
            exit_id,
            project_id,
            proceeds,
            cost_released,
            on,
            resolution_id,
            ..
        } => {
            let investment = fund.investments.entry(*project_id).or_default();
            investment.cost_released = investment.cost_released + *cost_released;
            investment.proceeds = investment.proceeds + *proceeds;
            fund.exits.insert(
                *exit_id,
                Exit {
                    project_id: *project_id,
                    proceeds: *proceeds,
                    cost_released: *cost_released,
                    on: *on,
                    resolution_id: *resolution_id,
                },
            );
            change_cost_basis(&mut fund.cost_basis, *on, Money::ZERO - *cost_released);
        }
        _ => {}
    }
}

/// Adds `delta` to the cost not exited from `on`: merged into the change of that day if
/// there is one, otherwise a new change after the total in force the day before; every later
/// change moves by `delta` too.
fn change_cost_basis(changes: &mut Vec<CostBasisChange>, on: NaiveDate, delta: Money) {
    let at = changes.partition_point(|c| c.on < on);
    if changes.get(at).is_none_or(|c| c.on != on) {
        let before = at
            .checked_sub(1)
            .and_then(|i| changes.get(i))
            .map_or(Money::ZERO, |c| c.cost_not_exited);
        changes.insert(
            at,
            CostBasisChange {
                on,
                cost_not_exited: before,
            },
        );
    }
    for change in changes.iter_mut().skip(at) {
        change.cost_not_exited = change.cost_not_exited + delta;
    }
}
