//! A project in a fund's pipeline (SPEC §3, Art. 15): one aggregate per project, from the
//! application to post-investment management.
//!
//! Stages, in order, never skipped or repeated: application (申请投资) → qualification review
//! (资格审查: the seven conditions of Art. 13, recorded condition by condition; passing enters
//! the project pool 项目库) → research (项目调研: shortlisted, or kept in follow-up) →
//! establishment (项目立项, with the partner institution's opinion) → due diligence (尽职调查:
//! commercial, legal and financial reports by named third parties and an expert review) →
//! investment decision (the proposal, checked against the limits of Art. 10, 12 and 20 and
//! the investment period, then decided by a committee resolution) → implementation (the
//! investment agreement) → post-investment management. A project can be rejected or withdrawn
//! at any active stage, with a reason. Each step records when it happened; who recorded it is
//! in the event's metadata.
//!
//! # Sub-funds (SPEC §10)
//! A guidance fund's commitment to a sub-fund is a project too, created by `ApplySubFund`
//! with the sub-fund's facts ([`SubFundFacts`]) instead of a company's; its `company` is the
//! sub-fund's name. It follows the same stages and committee:
//! - the qualification review checks that the sub-fund's facts hold together and records
//!   `SubFundReviewed` (a new event rather than a synthesized Art. 13 [`Eligibility`]: the
//!   seven conditions are about companies and would be all "not applicable");
//! - the proposal is `ProposeCommitment` (not `Propose`), checked against the guidance policy
//!   and the prohibitions ([`crate::guidance::check_commitment`]) and refusing any guarantee,
//!   recording `CommitmentProposed`; the committee's decision is recorded as for a company;
//! - the agreement's `registered_capital` is the sub-fund's size (refused otherwise, so the
//!   checked share stays true), and `ReportPaidIn` takes the sub-fund's cumulative called
//!   capital: the amount due follows SPEC §2 unchanged;
//! - after it, `ReportSubFundInvestment` records the sub-fund's portfolio investments, local
//!   or not, for local reinvestment (返投, [`Project::reinvestment`]). A company's periodic
//!   report (`ReportPostInvestment`) is refused on a sub-fund.
//!
//! Commands for one kind of target are refused on the other (`wrong_target`).
//!
//! # Layout
//! - this file: the values, the state and the dispatch of [`Aggregate`];
//! - [`ProjectCommand`], [`ProjectEvent`], [`ProjectError`]; `decide.rs`: the rules;
//!   `sub_fund.rs`: the rules of sub-fund projects.

use crate::eligibility::{ApplicationFacts, Eligibility};
use crate::guidance::{CommitmentCheck, GuidanceCheckResult, Reinvestment, SubFundFacts};
use crate::investment::Proposal;
use crate::{Aggregate, FundId, Money};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

mod command;
pub use command::{DecisionFacts, ProjectCommand};
mod decide;
pub use decide::project_reference;
mod error;
pub use error::ProjectError;
mod event;
pub use event::ProjectEvent;
pub mod post;
#[cfg(test)]
mod post_tests;
pub use post::{CompanyReport, FinancingRound, SupervisoryAction, Trigger};
#[cfg(test)]
mod flow_tests;
#[cfg(test)]
mod proposal_tests;
mod sub_fund;
#[cfg(test)]
mod sub_fund_post_tests;
#[cfg(test)]
mod sub_fund_tests;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;

/// A stage of the pipeline, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 申请投资: applied, awaiting the qualification review.
    Application,
    /// 项目库: qualified, in the pool, being researched.
    Research,
    /// Shortlisted, awaiting establishment (立项).
    Establishment,
    /// 尽职调查.
    DueDiligence,
    /// Proposed; awaiting the committee's decision.
    Decision,
    /// Decided; the agreement is being signed (投资实施).
    Implementation,
    /// 投后管理.
    PostInvestment,
}

impl Stage {
    /// The wire name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Stage::Application => "application",
            Stage::Research => "research",
            Stage::Establishment => "establishment",
            Stage::DueDiligence => "due_diligence",
            Stage::Decision => "decision",
            Stage::Implementation => "implementation",
            Stage::PostInvestment => "post_investment",
        }
    }
}

/// The reports of the due diligence (SPEC §3): all four before a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueDiligenceKind {
    /// Commercial (商业) due diligence.
    Commercial,
    /// Legal (法律) due diligence.
    Legal,
    /// Financial (财务) due diligence.
    Financial,
    /// The expert review (专家评审).
    ExpertReview,
}

impl DueDiligenceKind {
    /// Every kind, in order.
    pub const ALL: [DueDiligenceKind; 4] = [
        DueDiligenceKind::Commercial,
        DueDiligenceKind::Legal,
        DueDiligenceKind::Financial,
        DueDiligenceKind::ExpertReview,
    ];
}

/// What the research found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResearchOutcome {
    /// Shortlisted for establishment (拟立项).
    Shortlisted,
    /// Kept in follow-up (跟踪): stays in research.
    FollowUp,
}

/// Where a project stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Moving through the pipeline.
    Active,
    /// Rejected at a stage.
    Rejected {
        /// The stage.
        stage: Stage,
    },
    /// Withdrawn by the applicant at a stage.
    Withdrawn {
        /// The stage.
        stage: Stage,
    },
}

/// The investment agreement (投资协议).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    /// The fund's commitment.
    pub commitment: Money,
    /// The company's registered capital after the investment.
    pub registered_capital: Money,
    /// The other shareholders, who pay in step with the fund (Art. 11).
    pub other_shareholders: Vec<String>,
    /// When it was signed.
    pub signed_on: NaiveDate,
}

/// A project's state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Project {
    /// The project's id; `None` until applied.
    pub id: Option<crate::ProjectId>,
    /// The fund; `None` until applied.
    pub fund: Option<FundId>,
    /// The company.
    pub company: String,
    /// The application's facts.
    pub facts: Option<ApplicationFacts>,
    /// The application date.
    pub applied_on: Option<NaiveDate>,
    /// The current stage.
    pub stage: Option<Stage>,
    /// Active, rejected or withdrawn.
    pub status: Option<Status>,
    /// The qualification review.
    pub eligibility: Option<Eligibility>,
    /// Due-diligence reports recorded.
    pub due_diligence: BTreeSet<DueDiligenceKind>,
    /// The proposal before the committee.
    pub proposal: Option<Proposal>,
    /// The agreement, once signed.
    pub agreement: Option<Agreement>,
    /// The company's paid-in capital as last reported.
    pub company_paid_in: Money,
    /// The fund's required cumulative payment after the last report (Art. 11).
    pub required_cumulative: Money,
    /// The date of the last step: no step is dated before it.
    pub last_on: Option<NaiveDate>,
    /// The exit triggers raised (Art. 16), each once.
    pub triggers: BTreeSet<post::Trigger>,
    /// The latest post-investment report.
    pub latest_report: Option<post::CompanyReport>,
    /// The sub-fund's facts, when the project is a guidance fund's commitment to a sub-fund.
    pub sub_fund: Option<SubFundFacts>,
    /// The sub-fund's qualification review.
    pub sub_fund_review: Option<GuidanceCheckResult>,
    /// The commitment proposed to a sub-fund.
    pub proposed_commitment: Option<Money>,
    /// The guidance limits checked on it.
    pub commitment_check: Option<CommitmentCheck>,
    /// The sub-fund's portfolio investments reported, in all.
    pub sub_fund_invested: Money,
    /// Those in the guidance fund's city (返投).
    pub sub_fund_invested_locally: Money,
}

impl Project {
    /// Whether the project is a commitment to a sub-fund (rather than a direct investment).
    pub fn is_sub_fund(&self) -> bool {
        self.sub_fund.is_some()
    }

    /// The amount before the committee: the proposal's, or the commitment's to a sub-fund.
    pub fn proposed_amount(&self) -> Money {
        match (&self.proposal, self.proposed_commitment) {
            (Some(proposal), _) => proposal.amount,
            (None, Some(commitment)) => commitment,
            (None, None) => Money::ZERO,
        }
    }

    /// Local reinvestment (返投) against `multiple` × the commitment, once a sub-fund's
    /// agreement is signed ([`crate::guidance::reinvestment`]).
    pub fn reinvestment(&self, multiple: rust_decimal::Decimal) -> Option<Reinvestment> {
        let agreement = self.agreement.as_ref().filter(|_| self.is_sub_fund())?;
        Some(crate::guidance::reinvestment(
            self.sub_fund_invested_locally,
            agreement.commitment,
            multiple,
        ))
    }
}

impl Aggregate for Project {
    const STREAM_TYPE: &'static str = "project";
    type Command = ProjectCommand;
    type Event = ProjectEvent;
    type Error = ProjectError;

    fn decide(&self, command: &ProjectCommand) -> Result<Vec<ProjectEvent>, ProjectError> {
        decide::decide(self, command)
    }

    fn evolve(&mut self, event: &ProjectEvent) {
        decide::evolve(self, event);
    }
}
