//! Money at the custodian bank (托管银行, Art. 18): maker–checker. The manager instructs a
//! movement, the custodian confirms that it was executed; only confirmed movements change
//! the cash at the custodian and what they pay.
//!
//! Every movement pays a *due*: an LP's allocation of a call (cash in), an assessed
//! management fee (cash out), an LP's allocation of a distribution (cash out) or the proceeds
//! of an exit (cash in, Art. 16). A due may be paid in parts. What is instructed and not yet
//! confirmed counts against what is still due, so two instructions can never together pay
//! more than the due. Cash going out is committed when it is instructed (a fee) or declared
//! (a distribution), so the custodian is never asked to pay out more than it holds.
//!
//! An injection into a portfolio company (cash out) is the exception: what it may pay is the
//! project's required cumulative payment under its paid-in ratio (Art. 11), which the caller
//! looks up, so it is instructed with its own command ([`super::investments`]) and the
//! generic [`instruct`] refuses it. Its cash is committed when it is instructed, like a fee's.
//! Exit proceeds, whose due is created when the exit is recorded, go through [`instruct`]
//! like an LP's payment.

use super::{Fund, FundError, FundEvent};
use crate::{CallId, DistributionId, ExitId, LpId, Money, MovementId, ProjectId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a movement pays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MovementKind {
    /// An LP pays (part of) its allocation of a call: cash comes in.
    LpPayment {
        /// The call.
        call_id: CallId,
        /// The LP.
        lp: LpId,
    },
    /// The fund pays (part of) an assessed management fee to the manager: cash goes out.
    FeePayment {
        /// The fee year.
        year: i32,
    },
    /// The fund pays (part of) an LP's allocation of a distribution: cash goes out.
    Distribution {
        /// The distribution.
        distribution_id: DistributionId,
        /// The LP.
        lp: LpId,
    },
    /// The fund pays (part of) its commitment to a portfolio company, in step with the
    /// company's paid-in ratio (Art. 11): cash goes out. Instructed with
    /// [`super::FundCommand::InstructInjection`] only.
    Injection {
        /// The project invested in.
        project_id: ProjectId,
    },
    /// The buyer pays (part of) the proceeds of an exit (Art. 16): cash comes in.
    ExitProceeds {
        /// The exit.
        exit_id: ExitId,
    },
}

impl MovementKind {
    /// Whether the movement brings cash in (otherwise it pays cash out).
    pub fn is_inflow(&self) -> bool {
        matches!(
            self,
            MovementKind::LpPayment { .. } | MovementKind::ExitProceeds { .. }
        )
    }
}

/// A movement and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    /// What it pays.
    pub kind: MovementKind,
    /// How much.
    pub amount: Money,
    /// The value date instructed.
    pub value_date: NaiveDate,
    /// Confirmed by the custodian (and when the money moved).
    pub confirmed_on: Option<NaiveDate>,
}

/// The cash and movements of a fund.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Custody {
    /// Every movement instructed.
    pub movements: BTreeMap<MovementId, Movement>,
    /// Cash at the custodian: confirmed inflows less confirmed outflows.
    pub cash: Money,
    /// Per call and LP.
    pub call_payments: BTreeMap<(CallId, LpId), Due>,
    /// Per fee year.
    pub fee_payments: BTreeMap<i32, Due>,
    /// Per distribution and LP.
    pub distribution_payments: BTreeMap<(DistributionId, LpId), Due>,
    /// Per exit with proceeds (a write-off has none).
    pub exit_proceeds: BTreeMap<ExitId, Due>,
}

/// Something to be paid, and its payments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Due {
    /// The amount due (allocated by a call or distribution, assessed, or the proceeds of an
    /// exit).
    pub allocated: Money,
    /// Instructed, confirmed or not.
    pub instructed: Money,
    /// Confirmed by the custodian.
    pub paid: Money,
    /// The due date, if any (a call's).
    pub due_on: Option<NaiveDate>,
}

/// An LP's allocation of a call and its payments.
pub type CallPayment = Due;

impl Due {
    /// Still to pay (allocated less paid).
    pub fn outstanding(&self) -> Money {
        self.allocated - self.paid
    }

    /// In arrears on `date`: what is still to pay after the due date.
    pub fn arrears_on(&self, date: NaiveDate) -> Money {
        match self.due_on {
            Some(due) if date > due => self.outstanding(),
            _ => Money::ZERO,
        }
    }

    /// What may still be instructed.
    pub fn room(&self) -> Money {
        self.allocated - self.instructed
    }
}

impl Custody {
    /// The due a movement of this kind pays; `None` for an injection, whose due is the
    /// project's ([`super::investments::Investment`]).
    pub fn due(&self, kind: &MovementKind) -> Option<&Due> {
        match kind {
            MovementKind::LpPayment { call_id, lp } => self.call_payments.get(&(*call_id, *lp)),
            MovementKind::FeePayment { year } => self.fee_payments.get(year),
            MovementKind::Distribution {
                distribution_id,
                lp,
            } => self.distribution_payments.get(&(*distribution_id, *lp)),
            MovementKind::Injection { .. } => None,
            MovementKind::ExitProceeds { exit_id } => self.exit_proceeds.get(exit_id),
        }
    }

    fn due_mut(&mut self, kind: &MovementKind) -> Option<&mut Due> {
        match kind {
            MovementKind::LpPayment { call_id, lp } => self.call_payments.get_mut(&(*call_id, *lp)),
            MovementKind::FeePayment { year } => self.fee_payments.get_mut(year),
            MovementKind::Distribution {
                distribution_id,
                lp,
            } => self.distribution_payments.get_mut(&(*distribution_id, *lp)),
            MovementKind::Injection { .. } => None,
            MovementKind::ExitProceeds { exit_id } => self.exit_proceeds.get_mut(exit_id),
        }
    }

    /// Movements instructed and not yet confirmed.
    pub fn pending(&self) -> impl Iterator<Item = (&MovementId, &Movement)> {
        self.movements
            .iter()
            .filter(|(_, m)| m.confirmed_on.is_none())
    }

    /// Cash not yet committed: the cash less outflows instructed and not confirmed, less
    /// distributions declared and not yet instructed.
    pub fn available(&self) -> Money {
        let pending_out: Money = self
            .pending()
            .filter(|(_, m)| !m.kind.is_inflow())
            .map(|(_, m)| m.amount)
            .sum();
        let declared: Money = self.distribution_payments.values().map(Due::room).sum();
        self.cash - pending_out - declared
    }

    /// An LP's paid-in capital (实缴): its confirmed payments of calls.
    pub fn paid_in(&self, lp: LpId) -> Money {
        self.call_payments
            .iter()
            .filter(|((_, l), _)| *l == lp)
            .map(|(_, p)| p.paid)
            .sum()
    }
}

/// `InstructMovement`: refuses an injection, which has `InstructInjection` (Art. 11).
pub fn instruct(
    fund: &Fund,
    movement_id: MovementId,
    kind: &MovementKind,
    amount: Money,
    value_date: NaiveDate,
) -> Result<Vec<FundEvent>, FundError> {
    super::open_terms(fund)?;
    if fund.custody.movements.contains_key(&movement_id) {
        return Err(FundError::MovementAlreadyInstructed);
    }
    if let MovementKind::Injection { .. } = kind {
        return Err(FundError::InjectionNeedsItsCommand);
    }
    if !amount.is_positive() {
        return Err(FundError::NonPositiveAmount);
    }
    let Some(due) = fund.custody.due(kind) else {
        return Err(match kind {
            MovementKind::LpPayment { .. } => FundError::PaymentWithoutCall,
            MovementKind::FeePayment { year } => FundError::FeeNotAssessed { year: *year },
            MovementKind::Distribution { .. } => FundError::UnknownDistribution,
            MovementKind::Injection { .. } => FundError::InjectionNeedsItsCommand,
            MovementKind::ExitProceeds { .. } => FundError::ProceedsWithoutExit,
        });
    };
    let room = due.room();
    if amount > room {
        return Err(FundError::Overpayment { room });
    }
    // A distribution's cash was committed when it was declared; a fee's is committed now.
    if let MovementKind::FeePayment { .. } = kind {
        let available = fund.custody.available();
        if amount > available {
            return Err(FundError::InsufficientCash { available });
        }
    }
    Ok(vec![FundEvent::MovementInstructed {
        movement_id,
        kind: kind.clone(),
        amount,
        value_date,
    }])
}

/// `ConfirmMovement` (by the custodian).
pub fn confirm(
    fund: &Fund,
    movement_id: MovementId,
    executed_on: NaiveDate,
) -> Result<Vec<FundEvent>, FundError> {
    super::open_terms(fund)?;
    let movement = fund
        .custody
        .movements
        .get(&movement_id)
        .ok_or(FundError::UnknownMovement)?;
    if movement.confirmed_on.is_some() {
        return Err(FundError::MovementAlreadyConfirmed);
    }
    Ok(vec![FundEvent::MovementConfirmed {
        movement_id,
        executed_on,
    }])
}

/// Folds the custody events (and the dues of calls, fees, distributions and exits) into the
/// state.
pub fn evolve(custody: &mut Custody, event: &FundEvent) {
    match event {
        FundEvent::CapitalCalled {
            call_id,
            due_on,
            allocations,
            ..
        } => {
            for a in allocations {
                let p = custody.call_payments.entry((*call_id, a.lp)).or_default();
                p.allocated = p.allocated + a.amount;
                p.due_on = Some(*due_on);
            }
        }
        FundEvent::FeeAssessed { year, assessment } => {
            custody.fee_payments.entry(*year).or_default().allocated = assessment.total;
        }
        FundEvent::DistributionDeclared {
            distribution_id,
            allocations,
            ..
        } => {
            for a in allocations {
                let p = custody
                    .distribution_payments
                    .entry((*distribution_id, a.lp))
                    .or_default();
                p.allocated = p.allocated + a.amount;
            }
        }
        FundEvent::ExitRecorded {
            exit_id, proceeds, ..
        } if proceeds.is_positive() => {
            custody.exit_proceeds.entry(*exit_id).or_default().allocated = *proceeds;
        }
        FundEvent::MovementInstructed {
            movement_id,
            kind,
            amount,
            value_date,
        } => {
            if let Some(p) = custody.due_mut(kind) {
                p.instructed = p.instructed + *amount;
            }
            custody.movements.insert(
                *movement_id,
                Movement {
                    kind: kind.clone(),
                    amount: *amount,
                    value_date: *value_date,
                    confirmed_on: None,
                },
            );
        }
        FundEvent::MovementConfirmed {
            movement_id,
            executed_on,
        } => {
            let Some(m) = custody.movements.get_mut(movement_id) else {
                return;
            };
            m.confirmed_on = Some(*executed_on);
            let (kind, amount) = (m.kind.clone(), m.amount);
            custody.cash = if kind.is_inflow() {
                custody.cash + amount
            } else {
                custody.cash - amount
            };
            if let Some(p) = custody.due_mut(&kind) {
                p.paid = p.paid + amount;
            }
        }
        _ => {}
    }
}
