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
//! # Layout
//! - this file: the values, the state and the dispatch of [`Aggregate`];
//! - [`ProjectCommand`], [`ProjectEvent`], [`ProjectError`]; `decide.rs`: the rules.

use crate::eligibility::{ApplicationFacts, Eligibility};
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
