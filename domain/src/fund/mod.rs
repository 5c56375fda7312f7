//! The fund aggregate (基金): establishment, tranches, LP subscriptions and capital calls.
//! Payments, custodian confirmations, phases as events and fee assessments arrive with the
//! rest of the fund lifecycle.

use crate::{Aggregate, CallId, DomainEvent, FundId, LpId, Money, MovementId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

pub mod capital;
#[cfg(test)]
mod capital_tests;
pub mod custody;
#[cfg(test)]
mod custody_tests;
mod error;
pub use error::FundError;
pub mod phases;
pub mod policy;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;

/// The longest fund name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// Angel fund (天使基金) or guidance fund (引导基金), SPEC §1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FundKind {
    /// Direct equity into portfolio companies.
    Angel,
    /// Commits to sub-funds as a limited partner; may also invest directly.
    Guidance,
}

impl FundKind {
    /// The wire name (`angel` / `guidance`).
    pub fn as_str(&self) -> &'static str {
        match self {
            FundKind::Angel => "angel",
            FundKind::Guidance => "guidance",
        }
    }
}

/// The fund's state as folded from its events.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fund {
    /// Established terms; `None` until [`FundEvent::FundEstablished`].
    pub terms: Option<FundTerms>,
    /// Tranches in order of their numbers.
    pub tranches: Vec<capital::Tranche>,
    /// Every LP that has subscribed.
    pub lps: BTreeMap<LpId, capital::Lp>,
    /// Calls made.
    pub calls: BTreeSet<CallId>,
    /// Cash and movements at the custodian bank.
    pub custody: custody::Custody,
}

/// What the establishment fixes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundTerms {
    /// The fund's registered name.
    pub name: String,
    /// Angel or guidance.
    pub kind: FundKind,
    /// Total size (总规模).
    pub total_size: Money,
    /// Establishment date (成立日), from which the term is counted (Art. 5).
    pub establishment_date: NaiveDate,
}

/// Commands on a fund.
#[derive(Debug, Clone)]
pub enum FundCommand {
    /// Establish the fund.
    Establish {
        /// The new fund's id.
        fund_id: FundId,
        /// Its terms.
        terms: FundTerms,
    },
    /// Open the next tranche (各期).
    OpenTranche {
        /// Its number: the next one.
        number: u32,
        /// Its size.
        size: Money,
        /// Its subscription date.
        subscription_date: NaiveDate,
    },
    /// An LP subscribes (认缴) in a tranche.
    Subscribe {
        /// The tranche.
        tranche: u32,
        /// The LP.
        lp: LpId,
        /// Who the LP is (the same for every subscription of one LP).
        identity: capital::Lp,
        /// The amount subscribed.
        amount: Money,
    },
    /// Call capital from the subscriptions of some tranches.
    CallCapital {
        /// The new call's id.
        call_id: CallId,
        /// The tranches called.
        tranches: Vec<u32>,
        /// The amount called.
        amount: Money,
        /// The date of the call.
        called_on: NaiveDate,
        /// The date payment is due.
        due_on: NaiveDate,
    },
    /// The manager instructs a money movement (maker).
    InstructMovement {
        /// The new movement's id.
        movement_id: MovementId,
        /// What it pays.
        kind: custody::MovementKind,
        /// How much.
        amount: Money,
        /// Its value date.
        value_date: NaiveDate,
    },
    /// The custodian confirms a movement was executed (checker).
    ConfirmMovement {
        /// The movement.
        movement_id: MovementId,
        /// When the money moved.
        executed_on: NaiveDate,
    },
}

/// Events of a fund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum FundEvent {
    /// The fund was established.
    FundEstablished {
        /// The fund.
        fund_id: FundId,
        /// Its terms.
        #[serde(flatten)]
        terms: FundTerms,
    },
    /// A tranche was opened.
    TrancheOpened {
        /// Its number.
        number: u32,
        /// Its size.
        size: Money,
        /// Its subscription date.
        subscription_date: NaiveDate,
    },
    /// An LP subscribed in a tranche.
    LpSubscribed {
        /// The tranche.
        tranche: u32,
        /// The LP.
        lp: LpId,
        /// Its name.
        lp_name: String,
        /// Its kind.
        lp_kind: capital::LpKind,
        /// The amount subscribed.
        amount: Money,
    },
    /// Capital was called, allocated to the LPs' subscriptions.
    CapitalCalled {
        /// The call.
        call_id: CallId,
        /// The tranches called.
        tranches: Vec<u32>,
        /// The amount called: the sum of the allocations.
        amount: Money,
        /// The date of the call.
        called_on: NaiveDate,
        /// The date payment is due.
        due_on: NaiveDate,
        /// Each LP's share, per tranche.
        allocations: Vec<capital::CallAllocation>,
    },
    /// The manager instructed a money movement; nothing has moved yet.
    MovementInstructed {
        /// The movement.
        movement_id: MovementId,
        /// What it pays.
        kind: custody::MovementKind,
        /// How much.
        amount: Money,
        /// Its value date.
        value_date: NaiveDate,
    },
    /// The custodian confirmed the movement: the money moved.
    MovementConfirmed {
        /// The movement.
        movement_id: MovementId,
        /// When the money moved.
        executed_on: NaiveDate,
    },
}

impl DomainEvent for FundEvent {
    fn event_type(&self) -> &'static str {
        match self {
            FundEvent::FundEstablished { .. } => "FundEstablished",
            FundEvent::TrancheOpened { .. } => "TrancheOpened",
            FundEvent::LpSubscribed { .. } => "LpSubscribed",
            FundEvent::CapitalCalled { .. } => "CapitalCalled",
            FundEvent::MovementInstructed { .. } => "MovementInstructed",
            FundEvent::MovementConfirmed { .. } => "MovementConfirmed",
        }
    }

    fn effective_date(&self) -> Option<NaiveDate> {
        match self {
            FundEvent::FundEstablished { terms, .. } => Some(terms.establishment_date),
            FundEvent::TrancheOpened {
                subscription_date, ..
            } => Some(*subscription_date),
            FundEvent::LpSubscribed { .. } => None,
            FundEvent::CapitalCalled { called_on, .. } => Some(*called_on),
            FundEvent::MovementInstructed { value_date, .. } => Some(*value_date),
            FundEvent::MovementConfirmed { executed_on, .. } => Some(*executed_on),
        }
    }
}

impl Aggregate for Fund {
    const STREAM_TYPE: &'static str = "fund";
    type Command = FundCommand;
    type Event = FundEvent;
    type Error = FundError;

    fn decide(&self, command: &FundCommand) -> Result<Vec<FundEvent>, FundError> {
        match command {
            FundCommand::Establish { fund_id, terms } => {
                if self.terms.is_some() {
                    return Err(FundError::AlreadyEstablished);
                }
                let name = terms.name.trim();
                if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
                    return Err(FundError::InvalidName);
                }
                if !terms.total_size.is_positive() {
                    return Err(FundError::NonPositiveSize);
                }
                Ok(vec![FundEvent::FundEstablished {
                    fund_id: *fund_id,
                    terms: FundTerms {
                        name: name.to_owned(),
                        ..terms.clone()
                    },
                }])
            }
            FundCommand::OpenTranche {
                number,
                size,
                subscription_date,
            } => capital::open_tranche(self, *number, *size, *subscription_date),
            FundCommand::Subscribe {
                tranche,
                lp,
                identity,
                amount,
            } => capital::subscribe(self, *tranche, *lp, identity, *amount),
            FundCommand::CallCapital {
                call_id,
                tranches,
                amount,
                called_on,
                due_on,
            } => capital::call_capital(self, *call_id, tranches, *amount, *called_on, *due_on),
            FundCommand::InstructMovement {
                movement_id,
                kind,
                amount,
                value_date,
            } => custody::instruct(self, *movement_id, kind, *amount, *value_date),
            FundCommand::ConfirmMovement {
                movement_id,
                executed_on,
            } => custody::confirm(self, *movement_id, *executed_on),
        }
    }

    fn evolve(&mut self, event: &FundEvent) {
        match event {
            FundEvent::FundEstablished { terms, .. } => self.terms = Some(terms.clone()),
            other => {
                capital::evolve(self, other);
                custody::evolve(&mut self.custody, other);
            }
        }
    }
}
