//! The events of a project.

use super::{DueDiligenceKind, ResearchOutcome, Stage};
use crate::eligibility::{ApplicationFacts, Eligibility};
use crate::guidance::{CommitmentCheck, GuidanceCheckResult, SubFundFacts};
use crate::investment::{LimitsCheck, Proposal};
use crate::{DomainEvent, FundId, Money, ProjectId, ResolutionId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Events of a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum ProjectEvent {
    /// A company applied.
    ProjectApplied {
        /// The project.
        project_id: ProjectId,
        /// The fund.
        fund_id: FundId,
        /// The company.
        company: String,
        /// The application's facts.
        facts: ApplicationFacts,
        /// When.
        applied_on: NaiveDate,
    },
    /// A guidance fund considers a commitment to a sub-fund (the project's company is the
    /// sub-fund's name).
    SubFundApplied {
        /// The project.
        project_id: ProjectId,
        /// The guidance fund.
        fund_id: FundId,
        /// The sub-fund's facts.
        sub_fund: SubFundFacts,
        /// When.
        applied_on: NaiveDate,
    },
    /// The qualification review of a sub-fund: whether its facts hold together.
    SubFundReviewed {
        /// The check, with its figures.
        check: GuidanceCheckResult,
        /// Whether it passed (the project enters the pool).
        passed: bool,
        /// When.
        on: NaiveDate,
    },
    /// The qualification review, condition by condition.
    QualificationReviewed {
        /// The result.
        eligibility: Eligibility,
        /// When.
        on: NaiveDate,
    },
    /// The research's finding.
    ResearchCompleted {
        /// Shortlisted or follow-up.
        outcome: ResearchOutcome,
        /// A note.
        note: String,
        /// When.
        on: NaiveDate,
    },
    /// Established (立项).
    ProjectEstablished {
        /// The partner institution's opinion.
        partner_opinion_ref: String,
        /// When.
        on: NaiveDate,
    },
    /// A due-diligence report was recorded.
    DueDiligenceRecorded {
        /// Which.
        kind: DueDiligenceKind,
        /// By whom.
        provider: String,
        /// The document.
        document_ref: String,
        /// When.
        on: NaiveDate,
    },
    /// The proposal passed the limits and goes to the committee.
    InvestmentProposed {
        /// The proposal.
        proposal: Proposal,
        /// The price.
        price: rust_decimal::Decimal,
        /// Every limit checked, with its figures.
        limits: LimitsCheck,
        /// When.
        on: NaiveDate,
    },
    /// The commitment to a sub-fund passed the guidance limits and goes to the committee.
    CommitmentProposed {
        /// The commitment.
        commitment: Money,
        /// Every check, with its figures.
        check: CommitmentCheck,
        /// When.
        on: NaiveDate,
    },
    /// The committee decided.
    DecisionRecorded {
        /// The resolution.
        resolution_id: ResolutionId,
        /// Whether it approved.
        approved: bool,
        /// When recorded.
        on: NaiveDate,
    },
    /// The agreement was signed.
    AgreementSigned {
        /// The commitment.
        commitment: Money,
        /// The registered capital.
        registered_capital: Money,
        /// The other shareholders.
        other_shareholders: Vec<String>,
        /// When.
        signed_on: NaiveDate,
    },
    /// The company reported its paid-in capital.
    PaidInReported {
        /// The company's paid-in capital.
        paid_in: Money,
        /// What the fund must have paid in total now (Art. 11).
        required_cumulative: Money,
        /// When.
        on: NaiveDate,
    },
    /// The company's periodic report.
    PostInvestmentReported {
        /// The report.
        report: super::CompanyReport,
        /// When received.
        on: NaiveDate,
    },
    /// The sub-fund reported one of its portfolio investments.
    SubFundInvestmentReported {
        /// The portfolio company.
        company: String,
        /// Its city.
        city: String,
        /// The amount invested.
        amount: Money,
        /// Whether it is in the guidance fund's city (local reinvestment, 返投).
        local: bool,
        /// When reported.
        on: NaiveDate,
    },
    /// An exit trigger was raised (Art. 16): detected from a report, or recorded.
    ExitTriggerRaised {
        /// Which.
        trigger: super::Trigger,
        /// Detected from a report (1, 5, 6) or recorded by the manager.
        detected: bool,
        /// What shows it.
        note: String,
        /// When.
        on: NaiveDate,
    },
    /// A supervisory veto or termination (Art. 21).
    SupervisoryActionRecorded {
        /// Which.
        action: super::SupervisoryAction,
        /// Why.
        reason: String,
        /// When.
        on: NaiveDate,
    },
    /// Rejected.
    ProjectRejected {
        /// At which stage.
        stage: Stage,
        /// Why.
        reason: String,
        /// When.
        on: NaiveDate,
    },
    /// Withdrawn.
    ProjectWithdrawn {
        /// At which stage.
        stage: Stage,
        /// Why.
        reason: String,
        /// When.
        on: NaiveDate,
    },
}

impl DomainEvent for ProjectEvent {
    // No upcasters (the default `upcast`): every payload is schema version 1.
    fn reads_as_stored(_event_type: &str, schema_version: i32) -> bool {
        crate::aggregate::reads_version_1_as_stored(schema_version)
    }

    fn event_type(&self) -> &'static str {
        match self {
            ProjectEvent::ProjectApplied { .. } => "ProjectApplied",
            ProjectEvent::SubFundApplied { .. } => "SubFundApplied",
            ProjectEvent::SubFundReviewed { .. } => "SubFundReviewed",
            ProjectEvent::QualificationReviewed { .. } => "QualificationReviewed",
            ProjectEvent::ResearchCompleted { .. } => "ResearchCompleted",
            ProjectEvent::ProjectEstablished { .. } => "ProjectEstablished",
            ProjectEvent::DueDiligenceRecorded { .. } => "DueDiligenceRecorded",
            ProjectEvent::InvestmentProposed { .. } => "InvestmentProposed",
            ProjectEvent::CommitmentProposed { .. } => "CommitmentProposed",
            ProjectEvent::DecisionRecorded { .. } => "DecisionRecorded",
            ProjectEvent::AgreementSigned { .. } => "AgreementSigned",
            ProjectEvent::PaidInReported { .. } => "PaidInReported",
            ProjectEvent::PostInvestmentReported { .. } => "PostInvestmentReported",
            ProjectEvent::SubFundInvestmentReported { .. } => "SubFundInvestmentReported",
            ProjectEvent::ExitTriggerRaised { .. } => "ExitTriggerRaised",
            ProjectEvent::SupervisoryActionRecorded { .. } => "SupervisoryActionRecorded",
            ProjectEvent::ProjectRejected { .. } => "ProjectRejected",
            ProjectEvent::ProjectWithdrawn { .. } => "ProjectWithdrawn",
        }
    }

    fn effective_date(&self) -> Option<NaiveDate> {
        Some(match self {
            ProjectEvent::ProjectApplied { applied_on, .. }
            | ProjectEvent::SubFundApplied { applied_on, .. } => *applied_on,
            ProjectEvent::AgreementSigned { signed_on, .. } => *signed_on,
            ProjectEvent::QualificationReviewed { on, .. }
            | ProjectEvent::SubFundReviewed { on, .. }
            | ProjectEvent::CommitmentProposed { on, .. }
            | ProjectEvent::SubFundInvestmentReported { on, .. }
            | ProjectEvent::ResearchCompleted { on, .. }
            | ProjectEvent::ProjectEstablished { on, .. }
            | ProjectEvent::DueDiligenceRecorded { on, .. }
            | ProjectEvent::InvestmentProposed { on, .. }
            | ProjectEvent::DecisionRecorded { on, .. }
            | ProjectEvent::PaidInReported { on, .. }
            | ProjectEvent::PostInvestmentReported { on, .. }
            | ProjectEvent::ExitTriggerRaised { on, .. }
            | ProjectEvent::SupervisoryActionRecorded { on, .. }
            | ProjectEvent::ProjectRejected { on, .. }
            | ProjectEvent::ProjectWithdrawn { on, .. } => *on,
        })
    }
}
