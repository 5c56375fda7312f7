//! Liability exemption (尽职免责, SPEC §9, Art. 22–23): one case per loss-making project.
//!
//! Art. 22: for a single project's loss, the manager and the people of the investment
//! decision and its implementation are not held responsible, provided the due diligence was
//! adequate (尽职调查到位), the decision procedure compliant (决策程序合规), nobody sought
//! personal gain (未谋取个人利益) and there was no major dereliction of duty (不存在重大失职
//! 行为) — unless a law or regulation was violated. Art. 23: the people exempted may be
//! spared (1) a negative annual or tenure performance evaluation, (2) effects on promotion,
//! rotation and title, (3) effects on awards.
//!
//! # The case
//! The manager opens a case after a loss is realised or written off: the project, the loss
//! and the people covered (manager staff and committee members, each with their part in the
//! decision or its implementation). Then:
//! - **evaluation**: the procedural conditions are judged from the event history by the pure
//!   [`evaluate`] (the caller loads the [`Evidence`] from the store) and recorded, each
//!   pass/fail with the events that prove it ([`EventRef`]). Re-evaluation is allowed until the
//!   first determination; every evaluation records all seven conditions (none left
//!   unevaluated) and the [`ExemptionPolicy`] it used;
//! - **attestations**: each covered person signs, once, that they sought no personal gain and
//!   violated no law; a missing or negative statement leaves that condition unmet;
//! - **determination** by the competent authority: granted or denied, with its document
//!   reference and the Art. 23 exemptions per person. It is refused before an evaluation; a
//!   grant is refused while a condition failed or an attestation is missing or negative;
//!   exemptions go only to covered persons and only with a grant. A determination is final:
//!   a later one is a new determination that supersedes it (`supersedes`), and the
//!   evaluation can no longer change.
//!
//! # Layout
//! - this file: the values, the state and the dispatch of [`Aggregate`];
//! - [`evidence`]: [`EventRef`], [`Evidence`], [`ExemptionPolicy`], [`Condition`],
//!   [`ConditionOutcome`]; `evaluate.rs` ([`evaluate`], the decision-time conditions),
//!   `approval.rs` (the committee and the limits) and `post.rs` (reports and triggers);
//! - [`ExemptionCommand`], [`ExemptionEvent`], [`ExemptionError`]; `decide.rs`: the rules.

use crate::{Aggregate, ExemptionCaseId, FundId, Money, ProjectId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

mod approval;
mod command;
pub use command::ExemptionCommand;
mod decide;
mod error;
pub use error::ExemptionError;
mod evaluate;
pub use evaluate::evaluate;
mod event;
pub use event::ExemptionEvent;
pub mod evidence;
pub use evidence::{Condition, ConditionOutcome, EventRef, Evidence, ExemptionPolicy};
#[cfg(test)]
mod case_tests;
mod post;
#[cfg(test)]
mod scenario;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;

/// Who a covered person is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Staff of the fund manager (基金管理机构), e.g. the investment manager of the project.
    ManagerStaff,
    /// A member of the investment committee (投资决策委员会).
    CommitteeMember,
}

/// A person the case covers (Art. 22: "相关投资决策、投资实施人员").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoveredPerson {
    /// The person (for a committee member, their member id).
    pub person_id: Uuid,
    /// Their name.
    pub name: String,
    /// Manager staff or committee member.
    pub role: Role,
    /// Their part in the decision or its implementation, e.g. "项目负责人,尽职调查".
    pub part: String,
}

/// An exemption of Art. 23.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exemption {
    /// (1) No negative annual or tenure performance evaluation (经营业绩考核).
    PerformanceEvaluation,
    /// (2) Promotion, rotation and title unaffected (提拔任用、交流轮岗、职级职称晋升).
    PromotionRotationTitle,
    /// (3) Awards unaffected (评优评先).
    Awards,
}

impl Exemption {
    /// The clause of Art. 23.
    pub fn clause(&self) -> &'static str {
        match self {
            Exemption::PerformanceEvaluation => "Art. 23(1)",
            Exemption::PromotionRotationTitle => "Art. 23(2)",
            Exemption::Awards => "Art. 23(3)",
        }
    }
}

/// The exemptions granted to one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonExemptions {
    /// The person, covered by the case.
    pub person_id: Uuid,
    /// The exemptions, in order, each once.
    pub exemptions: Vec<Exemption>,
}

/// A covered person's signed statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attestation {
    /// No personal gain was sought (未谋取个人利益).
    pub no_personal_gain: bool,
    /// No law or regulation was violated.
    pub no_violation_of_law: bool,
    /// The statement as signed.
    pub statement: String,
    /// When signed.
    pub signed_on: NaiveDate,
}

impl Attestation {
    /// Whether it affirms both.
    pub fn is_clean(&self) -> bool {
        self.no_personal_gain && self.no_violation_of_law
    }
}

/// An evaluation of the procedural conditions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// One outcome per condition.
    pub outcomes: Vec<ConditionOutcome>,
    /// The parameters used.
    pub policy: ExemptionPolicy,
    /// The day it judged up to.
    pub evaluated_on: NaiveDate,
}

impl Evaluation {
    /// The conditions that failed, in order.
    pub fn failed(&self) -> impl Iterator<Item = &ConditionOutcome> {
        self.outcomes.iter().filter(|o| !o.passed)
    }
}

/// The competent authority's determination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Determination {
    /// Granted or denied.
    pub granted: bool,
    /// The document's reference.
    pub reference: String,
    /// The authority.
    pub by: String,
    /// When.
    pub on: NaiveDate,
    /// The exemptions per person (none when denied).
    pub exemptions: Vec<PersonExemptions>,
    /// The evaluation it relied on (its index in the case).
    pub evaluation: u32,
    /// The determination it supersedes (its index), if any.
    pub supersedes: Option<u32>,
}

/// What the opening fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// The case.
    pub case_id: ExemptionCaseId,
    /// The fund.
    pub fund_id: FundId,
    /// The loss-making project.
    pub project_id: ProjectId,
    /// The loss, positive.
    pub loss: Money,
    /// The people covered.
    pub covered: Vec<CoveredPerson>,
    /// When opened.
    pub opened_on: NaiveDate,
}

/// A case's state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExemptionCase {
    /// `None` until opened.
    pub opened: Option<Opened>,
    /// Every evaluation, in order; the last one counts.
    pub evaluations: Vec<Evaluation>,
    /// The attestations by person.
    pub attestations: BTreeMap<Uuid, Attestation>,
    /// Every determination, in order; the last one is in force.
    pub determinations: Vec<Determination>,
}

impl ExemptionCase {
    /// Whether `person` is covered by the case.
    pub fn is_covered(&self, person: Uuid) -> bool {
        self.opened
            .as_ref()
            .is_some_and(|o| o.covered.iter().any(|p| p.person_id == person))
    }

    /// The evaluation that counts: the last one.
    pub fn evaluation(&self) -> Option<&Evaluation> {
        self.evaluations.last()
    }

    /// The determination in force: the last one.
    pub fn determination(&self) -> Option<&Determination> {
        self.determinations.last()
    }

    /// The covered persons who have not attested yet, in the order covered.
    pub fn missing_attestations(&self) -> Vec<Uuid> {
        let covered = self.opened.iter().flat_map(|o| o.covered.iter());
        covered
            .map(|p| p.person_id)
            .filter(|id| !self.attestations.contains_key(id))
            .collect()
    }
}

impl Aggregate for ExemptionCase {
    const STREAM_TYPE: &'static str = "exemption_case";
    type Command = ExemptionCommand;
    type Event = ExemptionEvent;
    type Error = ExemptionError;

    fn decide(&self, command: &ExemptionCommand) -> Result<Vec<ExemptionEvent>, ExemptionError> {
        decide::decide(self, command)
    }

    fn evolve(&mut self, event: &ExemptionEvent) {
        decide::evolve(self, event);
    }
}
