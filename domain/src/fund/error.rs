//! Why a fund command is refused: one variant per broken rule, with its stable code and,
//! for the fund rules, the article.

use super::phases::PhaseError;
use super::policy::PolicyError;
use super::MAX_NAME_CHARS;
use crate::fees::FeeError;
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
    /// Amounts of tranches, subscriptions, calls, movements and released cost must be
    /// positive.
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
    /// No such LP in this fund.
    #[error("this fund has no such LP")]
    UnknownLp,
    /// Only an LP of kind guidance fund is linked to a fund, never the fund itself.
    #[error(
        "only an LP of kind guidance_fund can be linked to a guidance fund other than this one"
    )]
    LpNotLinkable,
    /// The LP is linked to another fund.
    #[error("this LP is already linked to another fund")]
    LpAlreadyLinked,
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
    /// A term of the establishment (manager, custodian, city) is blank or too long.
    #[error("the fund's {0} must have 1 to {MAX_NAME_CHARS} characters")]
    MissingTerm(&'static str),
    /// The policy parameters do not make sense.
    #[error(transparent)]
    Policy(PolicyError),
    /// The phase dates cannot be computed.
    #[error(transparent)]
    Phase(PhaseError),
    /// A date before the fund's establishment.
    #[error("the date must not be before the establishment on {establishment_date}")]
    BeforeEstablishment {
        /// The establishment date.
        establishment_date: NaiveDate,
    },
    /// A fact dated after today.
    #[error("the date must not be after today ({today})")]
    DateInFuture {
        /// Today.
        today: NaiveDate,
    },
    /// An extension without the partners' meeting resolution reference.
    #[error("an extension needs the partners' meeting resolution reference")]
    ExtensionWithoutResolution,
    /// A guidance fund's extension without the government approval reference.
    #[error("a guidance fund's extension also needs the government approval reference")]
    ExtensionWithoutGovernmentApproval,
    /// The term (with its extensions) has ended: liquidation began.
    #[error("the term ended; liquidation began on {liquidation_from}")]
    TermEnded {
        /// First day of liquidation.
        liquidation_from: NaiveDate,
    },
    /// The fund is closed (Art. 5: the term and its liquidation are over): it accepts only
    /// the scheduler's phase changes and fee assessments.
    #[error("the fund is closed")]
    FundClosed,
    /// Closing with cash left, movements not yet confirmed, investments not yet exited or fees
    /// not settled (Art. 5: liquidation realises the portfolio and pays everything out; Art. 7:
    /// a closed fund pays no more fees, so every fee is assessed and paid first).
    #[error(
        "liquidation is not complete: {cash} at the custodian, {pending} movement(s) pending, \
         {holdings} of investment cost not exited, fees of {} not assessed, {fees_unpaid} of \
         fees assessed and not paid",
        years_list(unassessed_fee_years)
    )]
    LiquidationIncomplete {
        /// Cash at the custodian.
        cash: Money,
        /// Movements instructed and not confirmed.
        pending: usize,
        /// Investment cost not yet exited (sold or written off).
        holdings: Money,
        /// Fee years up to the closing that charge a fee and are not assessed.
        unassessed_fee_years: Vec<i32>,
        /// Fees assessed and not yet paid.
        fees_unpaid: Money,
    },
    /// A fee period that has not ended yet.
    #[error("the fee period ends on {ends_on}; it can be assessed from the next day")]
    FeePeriodNotEnded {
        /// The period's last day.
        ends_on: NaiveDate,
    },
    /// A fee year outside the fund's life.
    #[error("the fund has no fee period in {year}")]
    NoFeePeriod {
        /// The year asked.
        year: i32,
    },
    /// The fee engine refused its inputs.
    #[error(transparent)]
    Fee(FeeError),
    /// A fee payment for a year not assessed.
    #[error("the fee for {year} has not been assessed")]
    FeeNotAssessed {
        /// The fee year.
        year: i32,
    },
    /// An outflow beyond the cash at the custodian not yet committed to other outflows.
    #[error("the custodian holds {available} not yet committed to other payments")]
    InsufficientCash {
        /// What may still be paid out.
        available: Money,
    },
    /// A distribution id used before.
    #[error("this distribution was already declared")]
    DistributionAlreadyDeclared,
    /// An injection instructed with the generic `InstructMovement`: it needs
    /// `InstructInjection`, which checks it against the paid-in ratio (Art. 11).
    #[error("an injection has its own instruction, checked against the paid-in ratio")]
    InjectionNeedsItsCommand,
    /// An injection beyond the project's required cumulative payment less what is already
    /// instructed (Art. 11: in step with the company's paid-in ratio).
    #[error("the injection exceeds what the company's paid-in ratio requires; {room} remains")]
    InjectionExceedsRequired {
        /// What may still be instructed.
        room: Money,
    },
    /// A required cumulative payment above the commitment (Art. 11 never requires more).
    #[error(
        "the required cumulative payment {required_cumulative} exceeds the commitment {commitment}"
    )]
    RequiredAboveCommitment {
        /// The required cumulative payment given.
        required_cumulative: Money,
        /// The commitment given.
        commitment: Money,
    },
    /// An exit id used before.
    #[error("this exit was already recorded")]
    ExitAlreadyRecorded,
    /// Exit proceeds below zero (a write-off has zero proceeds).
    #[error("the proceeds of an exit must not be negative")]
    NegativeProceeds,
    /// An exit releasing more cost than the project's cost not yet exited on its date.
    #[error("the exit releases more than the cost not yet exited ({cost_not_exited})")]
    ExitExceedsCost {
        /// The project's cost not yet exited on the exit's date.
        cost_not_exited: Money,
    },
    /// Exit proceeds for an exit not recorded, or one without proceeds (a write-off).
    #[error("no exit with proceeds to collect")]
    ProceedsWithoutExit,
    /// No LP has paid anything in.
    #[error("no LP has paid in capital to distribute on")]
    NothingPaidIn,
    /// A distribution payment for an LP with no allocation in it.
    #[error("this distribution allocates nothing to this LP")]
    UnknownDistribution,
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
            FundError::UnknownLp => "lp_not_found",
            FundError::LpNotLinkable => "lp_not_linkable",
            FundError::LpAlreadyLinked => "lp_already_linked",
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
            FundError::MissingTerm(_) => "invalid_fund_term",
            FundError::Policy(e) => e.code(),
            FundError::Phase(e) => e.code(),
            FundError::BeforeEstablishment { .. } => "date_before_establishment",
            FundError::DateInFuture { .. } => "date_in_future",
            FundError::ExtensionWithoutResolution => "extension_without_resolution",
            FundError::ExtensionWithoutGovernmentApproval => {
                "extension_without_government_approval"
            }
            FundError::TermEnded { .. } => "term_ended",
            FundError::FundClosed => "fund_closed",
            FundError::LiquidationIncomplete { .. } => "liquidation_incomplete",
            FundError::FeePeriodNotEnded { .. } => "fee_period_not_ended",
            FundError::NoFeePeriod { .. } => "no_fee_period",
            FundError::Fee(e) => e.code(),
            FundError::FeeNotAssessed { .. } => "fee_not_assessed",
            FundError::InsufficientCash { .. } => "insufficient_cash",
            FundError::DistributionAlreadyDeclared => "distribution_already_declared",
            FundError::NothingPaidIn => "nothing_paid_in",
            FundError::UnknownDistribution => "payment_without_distribution",
            FundError::InjectionNeedsItsCommand => "injection_needs_its_command",
            FundError::InjectionExceedsRequired { .. } => "overpayment",
            FundError::RequiredAboveCommitment { .. } => "required_above_commitment",
            FundError::ExitAlreadyRecorded => "exit_already_recorded",
            FundError::NegativeProceeds => "negative_proceeds",
            FundError::ExitExceedsCost { .. } => "exit_exceeds_cost",
            FundError::ProceedsWithoutExit => "payment_without_exit",
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
            FundError::PaymentWithoutCall
            | FundError::MovementAlreadyConfirmed
            | FundError::InsufficientCash { .. }
            | FundError::ProceedsWithoutExit => Some("Art. 18"),
            FundError::InjectionNeedsItsCommand
            | FundError::InjectionExceedsRequired { .. }
            | FundError::RequiredAboveCommitment { .. } => Some("Art. 11"),
            FundError::NegativeProceeds | FundError::ExitExceedsCost { .. } => Some("Art. 16"),
            FundError::ExtensionWithoutResolution
            | FundError::TermEnded { .. }
            | FundError::FundClosed
            | FundError::LiquidationIncomplete { .. } => Some("Art. 5"),
            FundError::ExtensionWithoutGovernmentApproval => Some("财预〔2015〕210号 Art. 17"),
            FundError::FeePeriodNotEnded { .. } | FundError::FeeNotAssessed { .. } => {
                Some("Art. 7")
            }
            FundError::NothingPaidIn => Some("SPEC §2"),
            FundError::Policy(e) => e.rule(),
            FundError::Phase(e) => e.rule(),
            FundError::Fee(e) => e.rule(),
            _ => None,
        }
    }

    fn is_not_found(&self) -> bool {
        matches!(self, FundError::NotEstablished | FundError::UnknownMovement)
    }
}

/// Years for a message: "2028, 2029", or "no year".
fn years_list(years: &[i32]) -> String {
    if years.is_empty() {
        return "no year".to_owned();
    }
    years
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
