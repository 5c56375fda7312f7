//! Given/when/then tests of the case aggregate: opening, evaluation, attestations and the
//! determination rules (Art. 22–23).

use super::scenario::Scenario;
use super::test_support::{d, member, run, yuan, FUND, PROJECT};
use super::*;
use crate::aggregate::given;
use crate::{ExemptionCaseId, Rejection};
use uuid::Uuid;
use Exemption::{Awards, PerformanceEvaluation, PromotionRotationTitle};

const CASE: ExemptionCaseId = ExemptionCaseId(Uuid::from_u128(0xCA5E));
/// The project's investment manager (manager staff).
const STAFF: Uuid = Uuid::from_u128(0x5AFF);

type Decided = Result<Vec<ExemptionEvent>, ExemptionError>;

/// The investment manager and the four members who approved.
fn covered() -> Vec<CoveredPerson> {
    let mut people = vec![CoveredPerson {
        person_id: STAFF,
        name: "李明".into(),
        role: Role::ManagerStaff,
        part: "项目负责人:尽职调查、投资实施与投后管理".into(),
    }];
    people.extend((1..=4).map(|seat| CoveredPerson {
        person_id: member(seat).0,
        name: format!("委员{seat}"),
        role: Role::CommitteeMember,
        part: "投资决策委员会委员,投票同意".into(),
    }));
    people
}

fn people() -> Vec<Uuid> {
    covered().iter().map(|p| p.person_id).collect()
}

fn open_with(loss: Money, covered: Vec<CoveredPerson>) -> ExemptionCommand {
    ExemptionCommand::Open {
        case_id: CASE,
        fund_id: FUND,
        project_id: PROJECT,
        loss,
        covered,
        opened_on: d("2025-11-10"),
    }
}

fn evaluation_of(scenario: Scenario, on: &str) -> ExemptionCommand {
    let policy = ExemptionPolicy::default();
    ExemptionCommand::RecordEvaluation {
        outcomes: evaluate(&scenario.evidence(), &policy, d(on)),
        policy,
        evaluated_on: d(on),
    }
}

fn attest(person_id: Uuid, clean: bool) -> ExemptionCommand {
    ExemptionCommand::Attest {
        person_id,
        no_personal_gain: true,
        no_violation_of_law: clean,
        statement: "本人在该项目投资决策与实施中未谋取个人利益,未违反法律法规。".into(),
        signed_on: d("2025-11-20"),
    }
}

fn determine(granted: bool, exemptions: Vec<(Uuid, Vec<Exemption>)>, on: &str) -> ExemptionCommand {
    ExemptionCommand::Determine {
        granted,
        reference: "昆科创〔2025〕免责认定第3号".into(),
        exemptions,
        by: "昆山市科创办(人才办)".into(),
        on: d(on),
    }
}

/// The history after `commands`, from nothing; panics on a refusal.
fn after(commands: &[ExemptionCommand]) -> Vec<ExemptionEvent> {
    let mut history = Vec::new();
    for command in commands {
        run::<ExemptionCase>(&mut history, command);
    }
    history
}

/// Opened, evaluated clean, and attested by everybody.
fn ready() -> Vec<ExemptionCommand> {
    let mut commands = vec![
        open_with(yuan(2_200_000), covered()),
        evaluation_of(Scenario::clean(), "2025-11-15"),
    ];
    commands.extend(people().into_iter().map(|p| attest(p, true)));
    commands
}

fn refusal(decided: Decided) -> (ExemptionError, &'static str, Option<&'static str>) {
    let err = decided.expect_err("the command should be refused");
    let (code, rule) = (err.code(), err.rule());
    (err, code, rule)
}

#[test]
fn opening_records_the_project_the_loss_and_the_people_covered() {
    let events = given::<ExemptionCase>(&[]).when(&open_with(yuan(2_200_000), covered()));
    let [ExemptionEvent::CaseOpened {
        loss,
        covered: people,
        ..
    }] = &events.unwrap()[..]
    else {
        panic!("one CaseOpened expected");
    };
    assert_eq!((*loss, people.len()), (yuan(2_200_000), 5));
    let case = given::<ExemptionCase>(&[]);
    let (_, code, rule) = refusal(case.when(&open_with(yuan(1), vec![])));
    assert_eq!((code, rule), ("no_covered_person", Some("Art. 22")));
    let mut twice = covered();
    twice.push(covered()[0].clone());
    let (err, code, _) = refusal(case.when(&open_with(yuan(1), twice)));
    assert_eq!(
        (err, code),
        (ExemptionError::DuplicatePerson(STAFF), "duplicate_person")
    );
    for loss in [Money::ZERO, yuan(-1)] {
        let (_, code, _) = refusal(case.when(&open_with(loss, covered())));
        assert_eq!(code, "non_positive_loss");
    }
    let opened = after(&[open_with(yuan(1), covered())]);
    let again = given::<ExemptionCase>(&opened).when(&open_with(yuan(1), covered()));
    assert_eq!(refusal(again).1, "case_already_opened");
}

#[test]
fn a_determination_before_any_evaluation_is_refused() {
    let history = after(&[open_with(yuan(2_200_000), covered())]);
    let (_, code, rule) =
        refusal(given::<ExemptionCase>(&history).when(&determine(false, vec![], "2025-12-01")));
    assert_eq!((code, rule), ("case_not_evaluated", Some("Art. 22")));
}

#[test]
fn an_evaluation_leaving_a_condition_out_is_refused() {
    let history = after(&[open_with(yuan(2_200_000), covered())]);
    let ExemptionCommand::RecordEvaluation {
        mut outcomes,
        policy,
        evaluated_on,
    } = evaluation_of(Scenario::clean(), "2025-11-15")
    else {
        unreachable!()
    };
    let triggers = outcomes.pop().unwrap();
    let partial = ExemptionCommand::RecordEvaluation {
        outcomes: outcomes.clone(),
        policy,
        evaluated_on,
    };
    let (err, code, rule) = refusal(given::<ExemptionCase>(&history).when(&partial));
    assert_eq!(
        err,
        ExemptionError::ConditionUnevaluated(Condition::TriggersActedOn)
    );
    assert_eq!((code, rule), ("condition_unevaluated", Some("Art. 22")));
    outcomes.extend([triggers.clone(), triggers]);
    let doubled = ExemptionCommand::RecordEvaluation {
        outcomes,
        policy,
        evaluated_on,
    };
    assert_eq!(
        refusal(given::<ExemptionCase>(&history).when(&doubled)).1,
        "duplicate_condition"
    );
}

#[test]
fn only_covered_persons_attest_and_each_once() {
    let history = after(&[open_with(yuan(2_200_000), covered()), attest(STAFF, true)]);
    let stranger = Uuid::from_u128(0xBAD);
    let (_, code, rule) = refusal(given::<ExemptionCase>(&history).when(&attest(stranger, true)));
    assert_eq!((code, rule), ("not_covered", Some("Art. 22")));
    let (_, code, _) = refusal(given::<ExemptionCase>(&history).when(&attest(STAFF, true)));
    assert_eq!(code, "already_attested");
    let case = ExemptionCase::replay(&history);
    assert_eq!(case.attestations[&STAFF].signed_on, d("2025-11-20"));
    assert_eq!(case.missing_attestations(), people()[1..]);
}

#[test]
fn a_clean_case_is_granted_with_the_exemptions_per_person() {
    // Given a clean evaluation and every attestation
    let history = after(&ready());
    // When the authority grants it, exempting the manager from all three and a member twice
    let grant = determine(
        true,
        vec![
            (
                STAFF,
                vec![Awards, PerformanceEvaluation, PromotionRotationTitle],
            ),
            (
                member(1).0,
                vec![PerformanceEvaluation, PerformanceEvaluation],
            ),
        ],
        "2025-12-20",
    );
    let events = given::<ExemptionCase>(&history).when(&grant).unwrap();
    // Then the determination is recorded, the exemptions in order and each once
    let all = vec![PerformanceEvaluation, PromotionRotationTitle, Awards];
    assert_eq!(
        events,
        vec![ExemptionEvent::DeterminationMade {
            index: 0,
            granted: true,
            reference: "昆科创〔2025〕免责认定第3号".into(),
            by: "昆山市科创办(人才办)".into(),
            on: d("2025-12-20"),
            exemptions: vec![
                PersonExemptions {
                    person_id: STAFF,
                    exemptions: all
                },
                PersonExemptions {
                    person_id: member(1).0,
                    exemptions: vec![PerformanceEvaluation]
                },
            ],
            evaluation: 0,
            supersedes: None,
        }]
    );
    let mut history = history;
    history.extend(events);
    let case = ExemptionCase::replay(&history);
    assert!(case.determination().is_some_and(|d| d.granted));
    // Every event, the evaluation's references included, survives the store's JSON
    let json = serde_json::to_string(&history).unwrap();
    assert_eq!(
        serde_json::from_str::<Vec<ExemptionEvent>>(&json).unwrap(),
        history
    );
}

#[test]
fn a_missing_attestation_leaves_its_condition_unmet() {
    // Given every covered person attested but the fourth member
    let mut commands = ready();
    commands.pop();
    let history = after(&commands);
    // Then a grant is refused, naming them; a denial is recorded
    let (err, code, rule) =
        refusal(given::<ExemptionCase>(&history).when(&determine(true, vec![], "2025-12-20")));
    assert_eq!(err, ExemptionError::AttestationMissing(member(4).0));
    assert_eq!((code, rule), ("attestation_missing", Some("Art. 22")));
    assert!(given::<ExemptionCase>(&history)
        .when(&determine(false, vec![], "2025-12-20"))
        .is_ok());
}

#[test]
fn a_statement_not_affirming_both_refuses_the_grant() {
    let mut commands = ready();
    commands.pop();
    commands.push(attest(member(4).0, false));
    let history = after(&commands);
    let (err, code, _) =
        refusal(given::<ExemptionCase>(&history).when(&determine(true, vec![], "2025-12-20")));
    assert_eq!(err, ExemptionError::AttestationNegative(member(4).0));
    assert_eq!(code, "attestation_negative");
}

#[test]
fn a_failed_condition_refuses_the_grant_but_not_a_denial() {
    // Given an evaluation where the decision fell outside the investment period
    let mut commands = ready();
    commands[1] = evaluation_of(
        Scenario {
            established: "2021-01-01",
            ..Scenario::clean()
        },
        "2025-11-15",
    );
    let history = after(&commands);
    let (err, code, rule) =
        refusal(given::<ExemptionCase>(&history).when(&determine(true, vec![], "2025-12-20")));
    assert!(matches!(
        err,
        ExemptionError::ConditionFailed {
            condition: Condition::InvestmentPeriod,
            ..
        }
    ));
    assert_eq!((code, rule), ("condition_failed", Some("Art. 22")));
    assert!(given::<ExemptionCase>(&history)
        .when(&determine(false, vec![], "2025-12-20"))
        .is_ok());
}

#[test]
fn exemptions_go_only_to_covered_persons_and_only_with_a_grant() {
    let history = after(&ready());
    let case = given::<ExemptionCase>(&history);
    let denial = determine(false, vec![(STAFF, vec![Awards])], "2025-12-20");
    let (_, code, rule) = refusal(case.when(&denial));
    assert_eq!((code, rule), ("exemptions_without_grant", Some("Art. 23")));
    let stranger = Uuid::from_u128(0xBAD);
    let grant = determine(true, vec![(stranger, vec![Awards])], "2025-12-20");
    assert_eq!(refusal(case.when(&grant)).1, "not_covered");
    let twice = determine(
        true,
        vec![(STAFF, vec![Awards]), (STAFF, vec![])],
        "2025-12-20",
    );
    assert_eq!(refusal(case.when(&twice)).1, "duplicate_person");
    let early = determine(true, vec![], "2025-11-14");
    assert_eq!(refusal(case.when(&early)).1, "date_before_previous_step");
}

#[test]
fn a_determination_is_final_and_a_later_one_supersedes_it() {
    // Given a re-evaluation (allowed before the determination), a missing attestation and a
    // denial
    let mut commands = ready();
    let missing = commands.pop();
    commands.push(evaluation_of(Scenario::clean(), "2025-11-18"));
    commands.push(determine(false, vec![], "2025-12-01"));
    let history = after(&commands);
    let case = ExemptionCase::replay(&history);
    assert_eq!(case.evaluations.len(), 2);
    assert_eq!(
        case.determination().map(|d| (d.granted, d.evaluation)),
        Some((false, 1))
    );
    // Then the evaluation can no longer change
    let again =
        given::<ExemptionCase>(&history).when(&evaluation_of(Scenario::clean(), "2025-12-02"));
    let (_, code, rule) = refusal(again);
    assert_eq!((code, rule), ("case_determined", Some("Art. 22")));
    // And once the last person attests, a new determination supersedes the denial
    commands.extend(missing);
    commands.push(determine(true, vec![(STAFF, vec![Awards])], "2026-01-10"));
    let history = after(&commands);
    let Some(ExemptionEvent::DeterminationMade {
        index, supersedes, ..
    }) = history.last()
    else {
        panic!("a determination expected");
    };
    assert_eq!((*index, *supersedes), (1, Some(0)));
    let case = ExemptionCase::replay(&history);
    assert_eq!(case.determinations.len(), 2);
    assert!(!case.determinations[0].granted);
    assert!(case
        .determination()
        .is_some_and(|d| d.granted && d.supersedes == Some(0)));
}
