//! Money at the custodian bank (托管银行, Art. 18): maker–checker. The manager instructs a
//! movement, the custodian confirms that it was executed; only confirmed movements change
//! the cash at the custodian and what they pay (an LP's payment of a call, for now; fees,
//! injections and distributions plug in as further kinds).
//!
//! An LP may pay a call in parts. What is instructed and not yet confirmed counts against
//! what is still due, so two instructions can never together pay more than the allocation.

use super::{Fund, FundError, FundEvent};
use crate::{CallId, LpId, Money, MovementId};
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
    /// Per call and LP: (allocated, instructed, confirmed).
    pub call_payments: BTreeMap<(CallId, LpId), CallPayment>,
}

/// An LP's allocation of a call and its payments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallPayment {
    /// Allocated by the call.
    pub allocated: Money,
    /// Instructed, confirmed or not.
    pub instructed: Money,
    /// Confirmed by the custodian.
    pub paid: Money,
    /// The call's due date.
    pub due_on: Option<NaiveDate>,
}

impl CallPayment {
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
}

/// `InstructMovement`.
pub fn instruct(
    fund: &Fund,
    movement_id: MovementId,
    kind: &MovementKind,
    amount: Money,
    value_date: NaiveDate,
) -> Result<Vec<FundEvent>, FundError> {
    fund.terms.as_ref().ok_or(FundError::NotEstablished)?;
    if fund.custody.movements.contains_key(&movement_id) {
        return Err(FundError::MovementAlreadyInstructed);
    }
    if !amount.is_positive() {
        return Err(FundError::NonPositiveAmount);
    }
    match kind {
        MovementKind::LpPayment { call_id, lp } => {
            let Some(due) = fund.custody.call_payments.get(&(*call_id, *lp)) else {
                return Err(FundError::PaymentWithoutCall);
            };
            let room = due.allocated - due.instructed;
            if amount > room {
                return Err(FundError::Overpayment { room });
            }
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
    fund.terms.as_ref().ok_or(FundError::NotEstablished)?;
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

/// Folds the custody events (and the calls' allocations) into the state.
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
        FundEvent::MovementInstructed {
            movement_id,
            kind,
            amount,
            value_date,
        } => {
            let MovementKind::LpPayment { call_id, lp } = kind;
            if let Some(p) = custody.call_payments.get_mut(&(*call_id, *lp)) {
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
            let MovementKind::LpPayment { call_id, lp } = &m.kind;
            custody.cash = custody.cash + m.amount;
            if let Some(p) = custody.call_payments.get_mut(&(*call_id, *lp)) {
                p.paid = p.paid + m.amount;
            }
        }
        _ => {}
    }
}
