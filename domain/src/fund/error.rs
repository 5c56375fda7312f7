//! Why a fund command is refused: one variant per broken rule, with its stable code and,
//! for the fund rules, the article.

use super::MAX_NAME_CHARS;
use crate::{Money, Rejection};
use chrono::NaiveDate;

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
    /// A movement id used before.
    #[error("this movement was already instructed")]
    MovementAlreadyInstructed,
    /// A payment for an LP with no allocation in that call.
    #[error("no call allocates anything to this LP")]
    PaymentWithoutCall,
    /// More than the allocation less what is already instructed.
    #[error("the payment exceeds what is due; {room} remains")]
    Overpayment {
        /// What may still be instructed.
        room: Money,
    },
    /// No such movement.
    #[error("no such movement")]
    UnknownMovement,
    /// Confirmed before.
    #[error("this movement is already confirmed")]
    MovementAlreadyConfirmed,
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
            FundError::MovementAlreadyInstructed => "movement_already_instructed",
            FundError::PaymentWithoutCall => "payment_without_call",
            FundError::Overpayment { .. } => "overpayment",
            FundError::UnknownMovement => "movement_not_found",
            FundError::MovementAlreadyConfirmed => "movement_already_confirmed",
        }
    }

    fn rule(&self) -> Option<&'static str> {
        match self {
            FundError::NonPositiveSize
            | FundError::TranchesExceedFundSize { .. }
            | FundError::SubscriptionsExceedTranche { .. }
            | FundError::FirstTranchePaidAtOnce { .. } => Some("Art. 3"),
            FundError::CallExceedsUncalled { .. } | FundError::Overpayment { .. } => {
                Some("SPEC §2")
            }
            FundError::PaymentWithoutCall | FundError::MovementAlreadyConfirmed => Some("Art. 18"),
            _ => None,
        }
    }

    fn is_not_found(&self) -> bool {
        matches!(self, FundError::NotEstablished | FundError::UnknownMovement)
    }
}
