//! The fund aggregate (基金): establishment, tranches, LP subscriptions and capital calls.
//! Payments, custodian confirmations, phases as events and fee assessments arrive with the
//! rest of the fund lifecycle.

use crate::{Aggregate, CallId, DomainEvent, FundId, LpId, Money, Rejection};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

pub mod capital;
#[cfg(test)]
mod capital_tests;
pub mod phases;
pub mod policy;
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
}

impl DomainEvent for FundEvent {
    fn event_type(&self) -> &'static str {
        match self {
            FundEvent::FundEstablished { .. } => "FundEstablished",
            FundEvent::TrancheOpened { .. } => "TrancheOpened",
            FundEvent::LpSubscribed { .. } => "LpSubscribed",
            FundEvent::CapitalCalled { .. } => "CapitalCalled",
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
        }
    }
}

/// Why a fund command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FundError {
    /// The fund already exists.
    #[error("the fund is already established")]
    AlreadyEstablished,
    /// The command needs an established fund.
    #[error("no such fund")]
    NotEstablished,
    /// Empty name, or longer than [`MAX_NAME_CHARS`].
    #[error("the fund name must have 1 to {MAX_NAME_CHARS} characters")]
    InvalidName,
    /// The total size must be positive.
    #[error("the total size must be greater than zero")]
    NonPositiveSize,
    /// Amounts of tranches, subscriptions and calls must be positive.
    #[error("the amount must be greater than zero")]
    NonPositiveAmount,
    /// Tranches are numbered 1, 2, 3… in order.
    #[error("the next tranche is number {expected}")]
    TrancheOutOfSequence {
        /// The number expected.
        expected: u32,
    },
    /// The tranches together would exceed the fund's total size.
    #[error("the tranches would exceed the fund's total size; {room} remains")]
    TranchesExceedFundSize {
        /// What is left of the total size.
        room: Money,
    },
    /// A tranche's subscription date before the establishment or the previous tranche.
    #[error("the subscription date must not be before {earliest}")]
    TrancheDateTooEarly {
        /// The earliest possible date.
        earliest: NaiveDate,
    },
    /// No such tranche.
    #[error("there is no tranche {tranche}")]
    UnknownTranche {
        /// The number given.
        tranche: u32,
    },
    /// Subscriptions would exceed the tranche's size.
    #[error("the subscriptions would exceed the tranche's size; {room} remains")]
    SubscriptionsExceedTranche {
        /// What is left of the tranche.
        room: Money,
    },
    /// An LP id already known under another name or kind.
    #[error("this LP is already known under another name or kind")]
    LpIdentityMismatch,
    /// A call id used before.
    #[error("this call was already made")]
    CallAlreadyMade,
    /// No tranche, or nothing subscribed, to call.
    #[error("nothing to call")]
    NothingToCall,
    /// More than the uncalled subscriptions of the tranches.
    #[error("the call exceeds the uncalled subscriptions ({uncalled})")]
    CallExceedsUncalled {
        /// What is left to call.
        uncalled: Money,
    },
    /// The first tranche is paid in at once.
    #[error(
        "the first tranche is paid in at once: fully subscribed, called alone and in full ({size})"
    )]
    FirstTranchePaidAtOnce {
        /// The tranche's size.
        size: Money,
    },
    /// A call dated before a called tranche's subscription date.
    #[error("tranche {tranche} is subscribed on {subscription_date}; it cannot be called earlier")]
    CallBeforeSubscription {
        /// The tranche.
        tranche: u32,
        /// Its subscription date.
        subscription_date: NaiveDate,
    },
    /// Payment due before the call.
    #[error("the due date must not be before the call")]
    DueBeforeCall,
}

impl Rejection for FundError {
    fn code(&self) -> &'static str {
        match self {
            FundError::AlreadyEstablished => "fund_already_established",
            FundError::NotEstablished => "fund_not_found",
            FundError::InvalidName => "invalid_fund_name",
            FundError::NonPositiveSize => "non_positive_fund_size",
            FundError::NonPositiveAmount => "non_positive_amount",
            FundError::TrancheOutOfSequence { .. } => "tranche_out_of_sequence",
            FundError::TranchesExceedFundSize { .. } => "tranches_exceed_fund_size",
            FundError::TrancheDateTooEarly { .. } => "tranche_date_too_early",
            FundError::UnknownTranche { .. } => "unknown_tranche",
            FundError::SubscriptionsExceedTranche { .. } => "subscriptions_exceed_tranche",
            FundError::LpIdentityMismatch => "lp_identity_mismatch",
            FundError::CallAlreadyMade => "call_already_made",
            FundError::NothingToCall => "nothing_to_call",
            FundError::CallExceedsUncalled { .. } => "call_exceeds_uncalled",
            FundError::FirstTranchePaidAtOnce { .. } => "first_tranche_paid_at_once",
            FundError::CallBeforeSubscription { .. } => "call_before_subscription",
            FundError::DueBeforeCall => "due_before_call",
        }
    }

    fn rule(&self) -> Option<&'static str> {
        match self {
            FundError::NonPositiveSize
            | FundError::TranchesExceedFundSize { .. }
            | FundError::SubscriptionsExceedTranche { .. }
            | FundError::FirstTranchePaidAtOnce { .. } => Some("Art. 3"),
            FundError::CallExceedsUncalled { .. } => Some("SPEC §2"),
            _ => None,
        }
    }

    fn is_not_found(&self) -> bool {
        matches!(self, FundError::NotEstablished)
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
        }
    }

    fn evolve(&mut self, event: &FundEvent) {
        match event {
            FundEvent::FundEstablished { terms, .. } => self.terms = Some(terms.clone()),
            other => capital::evolve(self, other),
        }
    }
}
