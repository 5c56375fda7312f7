//! The events of a liability-exemption case.

use super::{ConditionOutcome, CoveredPerson, ExemptionPolicy, PersonExemptions};
use crate::{DomainEvent, ExemptionCaseId, FundId, Money, ProjectId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Events of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum ExemptionEvent {
    /// The case was opened.
    CaseOpened {
        /// The case.
        case_id: ExemptionCaseId,
        /// The fund.
        fund_id: FundId,
        /// The loss-making project.
        project_id: ProjectId,
        /// The loss, positive.
        loss: Money,
        /// The people covered.
        covered: Vec<CoveredPerson>,
        /// When.
        opened_on: NaiveDate,
    },
    /// The procedural conditions were evaluated from the event history.
    EvaluationRecorded {
        /// Its index in the case, from 0.
        index: u32,
        /// One outcome per condition, with the events relied on.
        outcomes: Vec<ConditionOutcome>,
        /// The parameters used.
        policy: ExemptionPolicy,
        /// The day it judged up to.
        evaluated_on: NaiveDate,
    },
    /// A covered person signed their statement.
    AttestationRecorded {
        /// Who signed.
        person_id: Uuid,
        /// They sought no personal gain.
        no_personal_gain: bool,
        /// They violated no law or regulation.
        no_violation_of_law: bool,
        /// The statement.
        statement: String,
        /// When signed.
        signed_on: NaiveDate,
    },
    /// The competent authority determined the case.
    DeterminationMade {
        /// Its index in the case, from 0.
        index: u32,
        /// Granted or denied.
        granted: bool,
        /// The document's reference.
        reference: String,
        /// The authority.
        by: String,
        /// When.
        on: NaiveDate,
        /// The exemptions per person (empty when denied).
        exemptions: Vec<PersonExemptions>,
        /// The evaluation it relied on (its index).
        evaluation: u32,
        /// The determination it supersedes (its index), if any.
        supersedes: Option<u32>,
    },
}

impl DomainEvent for ExemptionEvent {
    // No upcasters (the default `upcast`): every payload is schema version 1.
    fn reads_as_stored(_event_type: &str, schema_version: i32) -> bool {
        crate::aggregate::reads_version_1_as_stored(schema_version)
    }

    fn event_type(&self) -> &'static str {
        match self {
            ExemptionEvent::CaseOpened { .. } => "CaseOpened",
            ExemptionEvent::EvaluationRecorded { .. } => "EvaluationRecorded",
            ExemptionEvent::AttestationRecorded { .. } => "AttestationRecorded",
            ExemptionEvent::DeterminationMade { .. } => "DeterminationMade",
        }
    }

    fn effective_date(&self) -> Option<NaiveDate> {
        Some(match self {
            ExemptionEvent::CaseOpened { opened_on, .. } => *opened_on,
            ExemptionEvent::EvaluationRecorded { evaluated_on, .. } => *evaluated_on,
            ExemptionEvent::AttestationRecorded { signed_on, .. } => *signed_on,
            ExemptionEvent::DeterminationMade { on, .. } => *on,
        })
    }
}
