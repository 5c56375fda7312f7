//! The rules of each case command (Art. 22–23), and the fold of its events.

use super::{
    Attestation, Condition, ConditionOutcome, CoveredPerson, Determination, Evaluation, Exemption,
    ExemptionCase, ExemptionCommand, ExemptionError, ExemptionEvent, ExemptionPolicy, Opened,
    PersonExemptions,
};
use chrono::NaiveDate;
use std::collections::BTreeSet;
use uuid::Uuid;

type Decided = Result<Vec<ExemptionEvent>, ExemptionError>;

/// The longest name, part, statement, reference or authority, in characters.
const MAX_TEXT: usize = 2000;

fn text(value: &str, what: &'static str) -> Result<String, ExemptionError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > MAX_TEXT {
        return Err(ExemptionError::InvalidText(what));
    }
    Ok(value.to_owned())
}

/// The opened case, with `on` not before its opening.
fn opened(case: &ExemptionCase, on: NaiveDate) -> Result<&Opened, ExemptionError> {
    let opened = case.opened.as_ref().ok_or(ExemptionError::NotFound)?;
    if on < opened.opened_on {
        return Err(ExemptionError::DateBeforeOpening {
            opened_on: opened.opened_on,
        });
    }
    Ok(opened)
}

/// Dispatches a command to its rule.
pub fn decide(case: &ExemptionCase, command: &ExemptionCommand) -> Decided {
    match command {
        ExemptionCommand::Open {
            case_id,
            fund_id,
            project_id,
            loss,
            covered,
            opened_on,
        } => {
            if case.opened.is_some() {
                return Err(ExemptionError::AlreadyOpened);
            }
            if !loss.is_positive() {
                return Err(ExemptionError::NonPositiveLoss);
            }
            Ok(vec![ExemptionEvent::CaseOpened {
                case_id: *case_id,
                fund_id: *fund_id,
                project_id: *project_id,
                loss: *loss,
                covered: covered_persons(covered)?,
                opened_on: *opened_on,
            }])
        }
        ExemptionCommand::RecordEvaluation {
            outcomes,
            policy,
            evaluated_on,
        } => record_evaluation(case, outcomes, policy, *evaluated_on),
        ExemptionCommand::Attest {
            person_id,
            no_personal_gain,
            no_violation_of_law,
            statement,
            signed_on,
        } => {
            opened(case, *signed_on)?;
            if !case.is_covered(*person_id) {
                return Err(ExemptionError::NotCovered(*person_id));
            }
            if case.attestations.contains_key(person_id) {
                return Err(ExemptionError::AlreadyAttested(*person_id));
            }
            Ok(vec![ExemptionEvent::AttestationRecorded {
                person_id: *person_id,
                no_personal_gain: *no_personal_gain,
                no_violation_of_law: *no_violation_of_law,
                statement: text(statement, "statement")?,
                signed_on: *signed_on,
            }])
        }
        ExemptionCommand::Determine {
            granted,
            reference,
            exemptions,
            by,
            on,
        } => determine(case, *granted, reference, exemptions, by, *on),
    }
}

fn covered_persons(covered: &[CoveredPerson]) -> Result<Vec<CoveredPerson>, ExemptionError> {
    if covered.is_empty() {
        return Err(ExemptionError::NoCoveredPerson);
    }
    let mut seen = BTreeSet::new();
    covered
        .iter()
        .map(|p| {
            if !seen.insert(p.person_id) {
                return Err(ExemptionError::DuplicatePerson(p.person_id));
            }
            Ok(CoveredPerson {
                name: text(&p.name, "name")?,
                part: text(&p.part, "part")?,
                ..p.clone()
            })
        })
        .collect()
}

fn record_evaluation(
    case: &ExemptionCase,
    outcomes: &[ConditionOutcome],
    policy: &ExemptionPolicy,
    evaluated_on: NaiveDate,
) -> Decided {
    opened(case, evaluated_on)?;
    if !case.determinations.is_empty() {
        return Err(ExemptionError::AlreadyDetermined);
    }
    if let Some(previous) = case.evaluation().map(|e| e.evaluated_on) {
        if evaluated_on < previous {
            return Err(ExemptionError::DateBeforePreviousStep { previous });
        }
    }
    if !policy.is_valid() {
        return Err(ExemptionError::InvalidPolicy);
    }
    let mut seen = BTreeSet::new();
    if let Some(twice) = outcomes.iter().find(|o| !seen.insert(o.condition)) {
        return Err(ExemptionError::DuplicateCondition(twice.condition));
    }
    if let Some(missing) = Condition::ALL.into_iter().find(|c| !seen.contains(c)) {
        return Err(ExemptionError::ConditionUnevaluated(missing));
    }
    let mut outcomes = outcomes.to_vec();
    outcomes.sort_by_key(|o| o.condition);
    Ok(vec![ExemptionEvent::EvaluationRecorded {
        index: case.evaluations.len() as u32,
        outcomes,
        policy: *policy,
        evaluated_on,
    }])
}

fn determine(
    case: &ExemptionCase,
    granted: bool,
    reference: &str,
    exemptions: &[(Uuid, Vec<Exemption>)],
    by: &str,
    on: NaiveDate,
) -> Decided {
    opened(case, on)?;
    let evaluation = case.evaluation().ok_or(ExemptionError::NotEvaluated)?;
    let reference = text(reference, "reference")?;
    let by = text(by, "authority")?;
    // Not before the evaluation it relies on, nor before the determination it supersedes.
    let previous = (case.determination().map(|d| d.on))
        .map_or(evaluation.evaluated_on, |d| d.max(evaluation.evaluated_on));
    if on < previous {
        return Err(ExemptionError::DateBeforePreviousStep { previous });
    }
    if !granted && !exemptions.is_empty() {
        return Err(ExemptionError::ExemptionsWithoutGrant);
    }
    let mut seen = BTreeSet::new();
    let mut granted_exemptions = Vec::new();
    for (person_id, list) in exemptions {
        if !case.is_covered(*person_id) {
            return Err(ExemptionError::NotCovered(*person_id));
        }
        if !seen.insert(*person_id) {
            return Err(ExemptionError::DuplicatePerson(*person_id));
        }
        let list: BTreeSet<Exemption> = list.iter().copied().collect();
        granted_exemptions.push(PersonExemptions {
            person_id: *person_id,
            exemptions: list.into_iter().collect(),
        });
    }
    if granted {
        if let Some(failed) = evaluation.failed().next() {
            return Err(ExemptionError::ConditionFailed {
                condition: failed.condition,
                reason: failed.reason.clone(),
            });
        }
        if let Some(missing) = case.missing_attestations().first() {
            return Err(ExemptionError::AttestationMissing(*missing));
        }
        if let Some((person, _)) = case.attestations.iter().find(|(_, a)| !a.is_clean()) {
            return Err(ExemptionError::AttestationNegative(*person));
        }
    }
    let index = case.determinations.len() as u32;
    Ok(vec![ExemptionEvent::DeterminationMade {
        index,
        granted,
        reference,
        by,
        on,
        exemptions: granted_exemptions,
        evaluation: case.evaluations.len().saturating_sub(1) as u32,
        supersedes: index.checked_sub(1),
    }])
}

/// Folds an event into the state.
pub fn evolve(case: &mut ExemptionCase, event: &ExemptionEvent) {
    match event {
        ExemptionEvent::CaseOpened {
            case_id,
            fund_id,
            project_id,
            loss,
            covered,
            opened_on,
        } => {
            case.opened = Some(Opened {
                case_id: *case_id,
                fund_id: *fund_id,
                project_id: *project_id,
                loss: *loss,
                covered: covered.clone(),
                opened_on: *opened_on,
            });
        }
        ExemptionEvent::EvaluationRecorded {
            outcomes,
            policy,
            evaluated_on,
            ..
        } => case.evaluations.push(Evaluation {
            outcomes: outcomes.clone(),
            policy: *policy,
            evaluated_on: *evaluated_on,
        }),
        ExemptionEvent::AttestationRecorded {
            person_id,
            no_personal_gain,
            no_violation_of_law,
            statement,
            signed_on,
        } => {
            case.attestations.insert(
                *person_id,
                Attestation {
                    no_personal_gain: *no_personal_gain,
                    no_violation_of_law: *no_violation_of_law,
                    statement: statement.clone(),
                    signed_on: *signed_on,
                },
            );
        }
        ExemptionEvent::DeterminationMade {
            granted,
            reference,
            by,
            on,
            exemptions,
            evaluation,
            supersedes,
            ..
        } => case.determinations.push(Determination {
            granted: *granted,
            reference: reference.clone(),
            by: by.clone(),
            on: *on,
            exemptions: exemptions.clone(),
            evaluation: *evaluation,
            supersedes: *supersedes,
        }),
    }
}
