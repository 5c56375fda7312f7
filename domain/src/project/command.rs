//! The commands of a project. Facts from elsewhere (the fund's policy and phase, the
//! committee resolution's outcome) are looked up by the caller and put in the command.

use super::{DueDiligenceKind, ResearchOutcome};
use crate::committee::{Mode, Status};
use crate::eligibility::ApplicationFacts;
use crate::fund::phases::Phase;
use crate::fund::policy::{EligibilityPolicy, GuidancePolicy, InvestmentPolicy};
use crate::guidance::{ReturnTerms, SubFundFacts};
use crate::investment::Proposal;
use crate::{FundId, Money, ProjectId, ResolutionId};
use chrono::NaiveDate;

/// The committee resolution that decided a proposal, as the caller read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionFacts {
    /// The resolution.
    pub resolution_id: ResolutionId,
    /// Its fund.
    pub fund: FundId,
    /// What it decides (`subject.kind`): an investment decision.
    pub kind: crate::committee::SubjectKind,
    /// What it refers to (`subject.reference`): the project's id.
    pub reference: String,
    /// Its amount.
    pub amount: Money,
    /// Its mode.
    pub mode: Mode,
    /// Its outcome (`Open` is not a decision).
    pub status: Status,
}

/// Commands on a project.
#[derive(Debug, Clone)]
pub enum ProjectCommand {
    /// A company applies for investment (申请投资).
    Apply {
        /// The new project's id.
        project_id: ProjectId,
        /// The fund applied to.
        fund_id: FundId,
        /// The company's name.
        company: String,
        /// The facts of the application.
        facts: ApplicationFacts,
        /// The application date.
        applied_on: NaiveDate,
    },
    /// A guidance fund considers a commitment to a sub-fund (SPEC §10): the project's target
    /// is the sub-fund, its name the project's company.
    ApplySubFund {
        /// The new project's id.
        project_id: ProjectId,
        /// The guidance fund.
        fund_id: FundId,
        /// The sub-fund's facts.
        sub_fund: SubFundFacts,
        /// The application date.
        applied_on: NaiveDate,
    },
    /// The qualification review (资格审查) against the fund's eligibility policy; for a
    /// sub-fund, the consistency of its facts (the policy is not used).
    ReviewQualification {
        /// The fund's eligibility policy.
        policy: EligibilityPolicy,
        /// When reviewed.
        reviewed_on: NaiveDate,
    },
    /// The research's finding (项目调研).
    CompleteResearch {
        /// Shortlisted or kept in follow-up.
        outcome: ResearchOutcome,
        /// A note.
        note: String,
        /// When.
        on: NaiveDate,
    },
    /// Establishment (项目立项) with the partner institution's opinion.
    Establish {
        /// The opinion's reference.
        partner_opinion_ref: String,
        /// When.
        on: NaiveDate,
    },
    /// A due-diligence report.
    RecordDueDiligence {
        /// Which report.
        kind: DueDiligenceKind,
        /// The third party that made it (or the experts).
        provider: String,
        /// The document's reference.
        document_ref: String,
        /// When.
        on: NaiveDate,
    },
    /// The investment proposal, checked against the limits before the committee decides.
    Propose {
        /// The proposal.
        proposal: Proposal,
        /// The price per unit of registered capital, as agreed.
        price: rust_decimal::Decimal,
        /// The fund's investment policy.
        policy: InvestmentPolicy,
        /// The fund's phase on `on`: new investments only in the investment period.
        phase: Option<Phase>,
        /// When.
        on: NaiveDate,
    },
    /// The proposal of a commitment to a sub-fund, checked against the guidance policy and the
    /// prohibitions before the committee decides (SPEC §10).
    ProposeCommitment {
        /// The commitment (认缴) to the sub-fund.
        commitment: Money,
        /// The terms of return: any guarantee is refused.
        return_terms: ReturnTerms,
        /// The fund's guidance policy.
        guidance: GuidancePolicy,
        /// The fund's prohibited industries (Art. 20), compared with the sub-fund's focus.
        prohibited_industries: Vec<String>,
        /// The fund's phase on `on`: new commitments only in the investment period.
        phase: Option<Phase>,
        /// When.
        on: NaiveDate,
    },
    /// The committee decided (a resolution on this project, passed, failed or lapsed).
    RecordDecision {
        /// The resolution as read.
        decision: DecisionFacts,
        /// The largest amount a written vote may decide (the fund's policy).
        written_vote_max: Money,
        /// When recorded.
        on: NaiveDate,
    },
    /// The investment agreement (投资协议), or the sub-fund's partnership agreement, is signed:
    /// post-investment management begins.
    SignAgreement {
        /// The fund's commitment: the amount decided.
        commitment: Money,
        /// The company's registered capital after the investment; for a sub-fund, its size.
        registered_capital: Money,
        /// The other shareholders (the sub-fund's other LPs).
        other_shareholders: Vec<String>,
        /// When.
        signed_on: NaiveDate,
    },
    /// The company reports its paid-in capital (实缴), or the sub-fund its cumulative called
    /// capital: what the fund must have paid follows.
    ReportPaidIn {
        /// The company's paid-in capital (the sub-fund's called capital).
        paid_in: Money,
        /// When.
        on: NaiveDate,
    },
    /// A periodic post-investment report of the company; triggers 1, 5 and 6 follow from it.
    ReportPostInvestment {
        /// The report.
        report: super::CompanyReport,
        /// When received.
        on: NaiveDate,
    },
    /// The sub-fund reports one of its portfolio investments (for local reinvestment, 返投).
    ReportSubFundInvestment {
        /// The portfolio company.
        company: String,
        /// The city it is registered in.
        city: String,
        /// The amount the sub-fund invested.
        amount: Money,
        /// The guidance fund's city: an investment there is local.
        fund_city: String,
        /// When reported.
        on: NaiveDate,
    },
    /// The manager records an exit trigger (2, 3, 4 or 7 of Art. 16).
    RecordTrigger {
        /// Which.
        trigger: super::Trigger,
        /// What shows it.
        note: String,
        /// When.
        on: NaiveDate,
    },
    /// A supervisory veto or termination (Art. 21).
    RecordSupervisoryAction {
        /// Veto or termination.
        action: super::SupervisoryAction,
        /// Why: the violation of law or the misuse of funds.
        reason: String,
        /// When.
        on: NaiveDate,
    },
    /// The fund rejects the project at its current stage.
    Reject {
        /// Why.
        reason: String,
        /// When.
        on: NaiveDate,
    },
    /// The applicant withdraws at its current stage.
    Withdraw {
        /// Why.
        reason: String,
        /// When.
        on: NaiveDate,
    },
}
