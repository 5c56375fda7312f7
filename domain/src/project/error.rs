//! Why a project command is refused.

use super::DueDiligenceKind;
use crate::guidance::CommitmentError;
use crate::investment::{LimitError, MatchingError};
use crate::{Money, Rejection};

/// Why a project command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProjectError {
    /// The project was created before.
    #[error("this project already exists")]
    AlreadyApplied,
    /// No such project.
    #[error("no such project")]
    NotFound,
    /// A step out of order: the stages are never skipped or repeated.
    #[error("the project is at {actual}; this step belongs to {expected}")]
    StageOutOfOrder {
        /// The stage this step belongs to.
        expected: &'static str,
        /// The project's stage.
        actual: &'static str,
    },
    /// The project was rejected or withdrawn.
    #[error("the project is closed (rejected or withdrawn)")]
    Closed,
    /// A blank or too long name, reference, note or reason.
    #[error("the {0} must have 1 to 2000 characters")]
    InvalidText(&'static str),
    /// A date before the application.
    #[error("the date must not be before the application")]
    DateBeforeApplication,
    /// A date before the previous step.
    #[error("the date must not be before the previous step, on {previous}")]
    DateBeforePreviousStep {
        /// The previous step's date.
        previous: chrono::NaiveDate,
    },
    /// The proposal names another industry than the application.
    #[error("the proposal's industry must be the application's, {application}")]
    IndustryMismatch {
        /// The application's industry.
        application: String,
    },
    /// A price of zero or less.
    #[error("the price must be greater than zero")]
    NonPositivePrice,
    /// A proposal before every due-diligence report is in.
    #[error("the due diligence lacks the {0:?} report")]
    DueDiligenceIncomplete(DueDiligenceKind),
    /// New investments only in the investment period.
    #[error("new investments are made only in the investment period")]
    OutsideInvestmentPeriod,
    /// The proposal breaks a limit or a prohibition.
    #[error(transparent)]
    Limit(LimitError),
    /// The resolution is not about this project, or not of this fund.
    #[error("the resolution is not this project's")]
    NotThisProjectsResolution,
    /// The resolution is still open.
    #[error("the resolution has no outcome yet")]
    ResolutionUndecided,
    /// The resolution decided another amount.
    #[error("the resolution decided {decided}, the proposal is {proposed}")]
    AmountMismatch {
        /// The resolution's amount.
        decided: Money,
        /// The proposal's amount.
        proposed: Money,
    },
    /// A written vote on an amount above the written-vote limit.
    #[error("an amount above {limit} is decided only at an on-site meeting")]
    OnSiteMeetingRequired {
        /// The limit.
        limit: Money,
    },
    /// The agreement's commitment differs from the decision.
    #[error("the commitment must be the amount decided, {decided}")]
    CommitmentMismatch {
        /// The amount decided.
        decided: Money,
    },
    /// The company's paid-in capital went down.
    #[error("the paid-in capital cannot fall below the last report, {last}")]
    PaidInDecreased {
        /// The last report.
        last: Money,
    },
    /// A report that contradicts itself.
    #[error("the report is inconsistent: {0}")]
    InvalidReport(&'static str),
    /// A trigger only the reports raise.
    #[error("this trigger ({0}) is detected from the company's reports, not recorded")]
    TriggerDetectedOnly(&'static str),
    /// A command for a direct investment on a sub-fund project, or the reverse.
    #[error("this command is for a {expected}; the project's target is a {actual}")]
    WrongTarget {
        /// What the command is for: `company` or `sub-fund`.
        expected: &'static str,
        /// What the project's target is.
        actual: &'static str,
    },
    /// The commitment to a sub-fund breaks a guidance limit or carries a guarantee.
    #[error(transparent)]
    Commitment(CommitmentError),
    /// A sub-fund's agreement on another size than the one reviewed and checked.
    #[error("the sub-fund's size is {size}: its agreement must be on that size")]
    SubFundSizeMismatch {
        /// The size reviewed.
        size: Money,
    },
    /// An amount of zero or less.
    #[error("the amount must be greater than zero")]
    NonPositiveAmount,
    /// The paid-in matching cannot be computed.
    #[error(transparent)]
    Matching(MatchingError),
}

impl Rejection for ProjectError {
    fn code(&self) -> &'static str {
        match self {
            ProjectError::AlreadyApplied => "project_already_exists",
            ProjectError::NotFound => "project_not_found",
            ProjectError::StageOutOfOrder { .. } => "stage_out_of_order",
            ProjectError::Closed => "project_closed",
            ProjectError::InvalidText(_) => "invalid_text",
            ProjectError::DateBeforeApplication => "date_before_application",
            ProjectError::DateBeforePreviousStep { .. } => "date_before_previous_step",
            ProjectError::IndustryMismatch { .. } => "industry_mismatch",
            ProjectError::NonPositivePrice => "non_positive_price",
            ProjectError::DueDiligenceIncomplete(_) => "due_diligence_incomplete",
            ProjectError::OutsideInvestmentPeriod => "outside_investment_period",
            ProjectError::Limit(e) => e.code(),
            ProjectError::NotThisProjectsResolution => "resolution_not_for_project",
            ProjectError::ResolutionUndecided => "resolution_undecided",
            ProjectError::AmountMismatch { .. } => "decision_amount_mismatch",
            ProjectError::OnSiteMeetingRequired { .. } => "on_site_meeting_required",
            ProjectError::CommitmentMismatch { .. } => "commitment_mismatch",
            ProjectError::PaidInDecreased { .. } => "paid_in_decreased",
            ProjectError::Matching(e) => e.code(),
            ProjectError::InvalidReport(_) => "invalid_report",
            ProjectError::TriggerDetectedOnly(_) => "trigger_detected_only",
            ProjectError::WrongTarget { .. } => "wrong_target",
            ProjectError::Commitment(e) => e.code(),
            ProjectError::SubFundSizeMismatch { .. } => "sub_fund_size_mismatch",
            ProjectError::NonPositiveAmount => "non_positive_amount",
        }
    }

    fn rule(&self) -> Option<&'static str> {
        match self {
            ProjectError::StageOutOfOrder { .. } | ProjectError::DueDiligenceIncomplete(_) => {
                Some("Art. 15")
            }
            ProjectError::OutsideInvestmentPeriod => Some("Art. 5"),
            ProjectError::OnSiteMeetingRequired { .. } => Some("Art. 15(6)"),
            ProjectError::TriggerDetectedOnly(clause) => Some(clause),
            ProjectError::Limit(e) => e.rule(),
            ProjectError::Matching(e) => e.rule(),
            ProjectError::Commitment(e) => e.rule(),
            ProjectError::WrongTarget { .. } | ProjectError::SubFundSizeMismatch { .. } => {
                Some("SPEC §10")
            }
            _ => None,
        }
    }

    fn is_not_found(&self) -> bool {
        matches!(self, ProjectError::NotFound)
    }
}
