//! The commands of a liability-exemption case. The evaluation is computed by the caller with
//! [`super::evaluate`] on the evidence it loaded, and put in the command.

use super::{ConditionOutcome, CoveredPerson, Exemption, ExemptionPolicy};
use crate::{ExemptionCaseId, FundId, Money, ProjectId};
use chrono::NaiveDate;
use uuid::Uuid;

/// Commands on a case.
#[derive(Debug, Clone)]
pub enum ExemptionCommand {
    /// The manager opens a case for a project whose loss is realised or written off.
    Open {
        /// The new case's id.
        case_id: ExemptionCaseId,
        /// The fund.
        fund_id: FundId,
        /// The loss-making project.
        project_id: ProjectId,
        /// The loss, positive (the opposite of the realised result).
        loss: Money,
        /// The people covered, at least one, each once.
        covered: Vec<CoveredPerson>,
        /// When opened.
        opened_on: NaiveDate,
    },
    /// Record an evaluation of the procedural conditions (allowed until determined).
    RecordEvaluation {
        /// One outcome per condition, from [`super::evaluate`].
        outcomes: Vec<ConditionOutcome>,
        /// The parameters `evaluate` was given.
        policy: ExemptionPolicy,
        /// The day it judged up to (`evaluate`'s `as_of`).
        evaluated_on: NaiveDate,
    },
    /// A covered person's signed statement (once per person).
    Attest {
        /// The person.
        person_id: Uuid,
        /// They sought no personal gain.
        no_personal_gain: bool,
        /// They violated no law or regulation.
        no_violation_of_law: bool,
        /// The statement as signed.
        statement: String,
        /// When signed.
        signed_on: NaiveDate,
    },
    /// The competent authority's determination; a later one supersedes the earlier.
    Determine {
        /// Granted or denied.
        granted: bool,
        /// The document's reference.
        reference: String,
        /// The exemptions per covered person (only when granted).
        exemptions: Vec<(Uuid, Vec<Exemption>)>,
        /// The authority.
        by: String,
        /// When.
        on: NaiveDate,
    },
}
