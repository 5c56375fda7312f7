//! Why a command on a liability-exemption case is refused: one variant per broken rule, with
//! its stable code and, for the rules of Art. 22–23, the article.

use super::Condition;
use crate::Rejection;
use chrono::NaiveDate;
use uuid::Uuid;

/// Why a case command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExemptionError {
    /// The case was opened before.
    #[error("this case is already open")]
    AlreadyOpened,
    /// No such case.
    #[error("no such case")]
    NotFound,
    /// A loss of zero or less: a case is about a loss.
    #[error("the loss must be greater than zero")]
    NonPositiveLoss,
    /// Nobody covered.
    #[error("a case covers at least one person")]
    NoCoveredPerson,
    /// A person listed twice.
    #[error("the person {0} is listed twice")]
    DuplicatePerson(Uuid),
    /// A blank or too long name, part, statement, reference or authority.
    #[error("the {0} must have 1 to 2000 characters")]
    InvalidText(&'static str),
    /// A date before the case was opened.
    #[error("the date must not be before the case was opened, on {opened_on}")]
    DateBeforeOpening {
        /// The opening date.
        opened_on: NaiveDate,
    },
    /// A date before the evaluation or determination it follows.
    #[error("the date must not be before the previous step, on {previous}")]
    DateBeforePreviousStep {
        /// The previous step's date.
        previous: NaiveDate,
    },
    /// A report interval or response time of zero.
    #[error("the report interval and the trigger response time must be at least one")]
    InvalidPolicy,
    /// An evaluation leaving a condition out.
    #[error("the evaluation leaves the condition {} unevaluated", .0.as_str())]
    ConditionUnevaluated(Condition),
    /// An evaluation judging a condition twice.
    #[error("the evaluation judges the condition {} twice", .0.as_str())]
    DuplicateCondition(Condition),
    /// A re-evaluation after the determination: the determination is final.
    #[error("the case is determined: its evaluation can no longer change")]
    AlreadyDetermined,
    /// Not a person covered by the case.
    #[error("the person {0} is not covered by this case")]
    NotCovered(Uuid),
    /// A second attestation by the same person.
    #[error("the person {0} has already attested")]
    AlreadyAttested(Uuid),
    /// A determination before any evaluation.
    #[error("the procedural conditions have not been evaluated")]
    NotEvaluated,
    /// A grant while a procedural condition failed.
    #[error("the condition {} failed: {reason}", .condition.as_str())]
    ConditionFailed {
        /// The condition.
        condition: Condition,
        /// Why it failed.
        reason: String,
    },
    /// A grant while a covered person has not attested.
    #[error("the person {0} has not attested (no personal gain, no violation of law)")]
    AttestationMissing(Uuid),
    /// A grant while a covered person's statement does not affirm both.
    #[error("the person {0} did not attest to no personal gain and no violation of law")]
    AttestationNegative(Uuid),
    /// Exemptions with a denial.
    #[error("exemptions are granted only with a granted determination")]
    ExemptionsWithoutGrant,
}

impl Rejection for ExemptionError {
    fn code(&self) -> &'static str {
        match self {
            ExemptionError::AlreadyOpened => "case_already_opened",
            ExemptionError::NotFound => "case_not_found",
            ExemptionError::NonPositiveLoss => "non_positive_loss",
            ExemptionError::NoCoveredPerson => "no_covered_person",
            ExemptionError::DuplicatePerson(_) => "duplicate_person",
            ExemptionError::InvalidText(_) => "invalid_text",
            ExemptionError::DateBeforeOpening { .. } => "date_before_opening",
            ExemptionError::DateBeforePreviousStep { .. } => "date_before_previous_step",
            ExemptionError::InvalidPolicy => "invalid_exemption_policy",
            ExemptionError::ConditionUnevaluated(_) => "condition_unevaluated",
            ExemptionError::DuplicateCondition(_) => "duplicate_condition",
            ExemptionError::AlreadyDetermined => "case_determined",
            ExemptionError::NotCovered(_) => "not_covered",
            ExemptionError::AlreadyAttested(_) => "already_attested",
            ExemptionError::NotEvaluated => "case_not_evaluated",
            ExemptionError::ConditionFailed { .. } => "condition_failed",
            ExemptionError::AttestationMissing(_) => "attestation_missing",
            ExemptionError::AttestationNegative(_) => "attestation_negative",
            ExemptionError::ExemptionsWithoutGrant => "exemptions_without_grant",
        }
    }

    fn rule(&self) -> Option<&'static str> {
        match self {
            ExemptionError::NonPositiveLoss
            | ExemptionError::NoCoveredPerson
            | ExemptionError::ConditionUnevaluated(_)
            | ExemptionError::AlreadyDetermined
            | ExemptionError::NotCovered(_)
            | ExemptionError::AlreadyAttested(_)
            | ExemptionError::NotEvaluated
            | ExemptionError::ConditionFailed { .. }
            | ExemptionError::AttestationMissing(_)
            | ExemptionError::AttestationNegative(_) => Some("Art. 22"),
            ExemptionError::ExemptionsWithoutGrant => Some("Art. 23"),
            _ => None,
        }
    }

    fn is_not_found(&self) -> bool {
        matches!(self, ExemptionError::NotFound)
    }
}
