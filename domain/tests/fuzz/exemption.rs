//! A liability-exemption case driven by random sequences of all four of its commands.
//!
//! Up to four covered persons from a pool of five (so that some attest without being
//! covered, and some are covered twice), evaluations with every condition mostly passing but
//! sometimes failing, missing or twice, attestations mostly clean, determinations granted or
//! denied with exemptions for anyone, on days around the opening and the previous step.
//!
//! Invariants after every step:
//! - a grant only on an evaluation in which every condition passed and with every covered
//!   person's attestation in and clean (Art. 22), and exemptions only with a grant and only
//!   for covered persons, each once (Art. 23);
//! - every evaluation has each of the seven conditions once, a valid policy, and is dated on
//!   or after the opening and the previous evaluation; after the first determination the
//!   evaluations never change;
//! - attestations only from covered persons, once each, never changed;
//! - determinations only accumulate, each on the last evaluation, superseding the previous
//!   one, dated on or after it and the evaluation.

use super::support::{amt, config, forward_day, id, text, Amt, Day, Stream};
use chrono::NaiveDate;
use domain::exemption::{
    Condition, ConditionOutcome, CoveredPerson, Exemption, ExemptionCase, ExemptionCommand,
    ExemptionEvent, ExemptionPolicy, Role,
};
use domain::{ExemptionCaseId, FundId, Money, ProjectId};
use proptest::prelude::*;
use std::collections::BTreeSet;

#[derive(Debug, Clone)]
enum Op {
    Open {
        loss: Amt,
        covered: Vec<(u8, String, String)>,
        on: Day,
    },
    Evaluate {
        outcomes: Vec<(Condition, bool)>,
        policy: (u32, u32),
        on: Day,
    },
    Attest {
        person: u8,
        gain: bool,
        law: bool,
        statement: String,
        on: Day,
    },
    Determine {
        granted: bool,
        reference: String,
        exemptions: Vec<(u8, Vec<Exemption>)>,
        by: String,
        on: Day,
    },
}

fn command(op: &Op, case: &ExemptionCase) -> ExemptionCommand {
    let opened = case.opened.as_ref().map_or(
        NaiveDate::from_ymd_opt(2025, 3, 1).unwrap_or_default(),
        |o| o.opened_on,
    );
    let last = case
        .determination()
        .map(|d| d.on)
        .or(case.evaluation().map(|e| e.evaluated_on))
        .unwrap_or(opened);
    let anchors = [last, last, opened];
    match op {
        Op::Open { loss, covered, on } => ExemptionCommand::Open {
            case_id: ExemptionCaseId(id(1)),
            fund_id: FundId(id(1)),
            project_id: ProjectId(id(1)),
            loss: loss.of(Money::from_yuan(1_000_000)),
            covered: covered
                .iter()
                .map(|(person, name, part)| CoveredPerson {
                    person_id: id(*person),
                    name: name.clone(),
                    role: if *person % 2 == 0 {
                        Role::CommitteeMember
                    } else {
                        Role::ManagerStaff
                    },
                    part: part.clone(),
                })
                .collect(),
            opened_on: on.on(&anchors),
        },
        Op::Evaluate {
            outcomes,
            policy,
            on,
        } => ExemptionCommand::RecordEvaluation {
            outcomes: outcomes
                .iter()
                .map(|(condition, passed)| ConditionOutcome {
                    condition: *condition,
                    passed: *passed,
                    reason: format!("{condition:?}"),
                    references: Vec::new(),
                })
                .collect(),
            policy: ExemptionPolicy {
                report_interval_months: policy.0,
                trigger_response_days: policy.1,
            },
            evaluated_on: on.on(&anchors),
        },
        Op::Attest {
            person,
            gain,
            law,
            statement,
            on,
        } => ExemptionCommand::Attest {
            person_id: id(*person),
            no_personal_gain: !gain,
            no_violation_of_law: *law,
            statement: statement.clone(),
            signed_on: on.on(&anchors),
        },
        Op::Determine {
            granted,
            reference,
            exemptions,
            by,
            on,
        } => ExemptionCommand::Determine {
            granted: *granted,
            reference: reference.clone(),
            exemptions: exemptions
                .iter()
                .map(|(p, list)| (id(*p), list.clone()))
                .collect(),
            by: by.clone(),
            on: on.on(&anchors),
        },
    }
}

/// Every condition once, mostly passed, sometimes one dropped or doubled.
fn outcomes() -> impl Strategy<Value = Vec<(Condition, bool)>> {
    let all = Just(Condition::ALL.to_vec()).prop_shuffle();
    (
        all,
        prop::collection::vec(prop::bool::weighted(0.95), 7),
        0u8..10,
    )
        .prop_map(|(conditions, passed, twist)| {
            let mut outcomes: Vec<_> = conditions.into_iter().zip(passed).collect();
            match twist {
                0 => {
                    outcomes.pop();
                }
                1 => outcomes.push(outcomes[0]),
                _ => {}
            }
            outcomes
        })
}

fn op() -> impl Strategy<Value = Op> {
    let exemption = prop::sample::select(vec![
        Exemption::PerformanceEvaluation,
        Exemption::PromotionRotationTitle,
        Exemption::Awards,
    ]);
    let exemptions =
        prop::collection::vec((person(), prop::collection::vec(exemption, 0..=4)), 0..=3);
    let policy = prop_oneof![9 => Just((6u32, 90u32)), 1 => (0u32..=2, 0u32..=2)];
    let d = forward_day;
    prop_oneof![
        1 => (amt(), covered(), d()).prop_map(|(loss, covered, on)| Op::Open { loss, covered, on }),
        3 => (outcomes(), policy, d()).prop_map(|(outcomes, policy, on)| Op::Evaluate { outcomes, policy, on }),
        6 => (person(), prop::bool::weighted(0.05), prop::bool::weighted(0.95), text(), d())
            .prop_map(|(person, gain, law, statement, on)| Op::Attest { person, gain, law, statement, on }),
        3 => (prop::bool::weighted(0.7), text(), exemptions, text(), d())
            .prop_map(|(granted, reference, exemptions, by, on)| Op::Determine { granted, reference, exemptions, by, on }),
    ]
}

/// A person of the pool: mostly one of the two covered by the usual opening.
fn person() -> impl Strategy<Value = u8> {
    prop_oneof![4 => 1u8..=2, 1 => 3u8..=5]
}

fn covered() -> impl Strategy<Value = Vec<(u8, String, String)>> {
    prop_oneof![
        6 => Just(vec![(1u8, "张伟".to_owned(), "项目负责人".to_owned()), (2, "李娜".to_owned(), "投委会委员".to_owned())]),
        1 => prop::collection::vec((1u8..=5, text(), text()), 0..=4),
    ]
}

fn check(before: &ExemptionCase, after: &ExemptionCase, log: &[ExemptionEvent]) {
    let Some(opened) = &after.opened else {
        assert_eq!(*after, ExemptionCase::default());
        return;
    };
    assert!(opened.loss.is_positive());
    let covered: BTreeSet<_> = opened.covered.iter().map(|p| p.person_id).collect();
    assert!(
        !covered.is_empty() && covered.len() == opened.covered.len(),
        "covered twice or nobody"
    );
    assert!(
        after.attestations.keys().all(|p| covered.contains(p)),
        "an attestation from someone not covered"
    );
    for (i, e) in after.evaluations.iter().enumerate() {
        let conditions: Vec<Condition> = e.outcomes.iter().map(|o| o.condition).collect();
        assert_eq!(
            conditions,
            Condition::ALL.to_vec(),
            "an evaluation without each condition once"
        );
        assert!(e.policy.is_valid() && e.evaluated_on >= opened.opened_on);
        assert!(i == 0 || after.evaluations[i - 1].evaluated_on <= e.evaluated_on);
    }
    for (i, d) in after.determinations.iter().enumerate() {
        assert_eq!(d.supersedes, i.checked_sub(1).map(|s| s as u32));
        assert_eq!(
            d.evaluation as usize + 1,
            after.evaluations.len(),
            "a determination not on the last evaluation"
        );
        let evaluation = &after.evaluations[d.evaluation as usize];
        assert!(
            d.on >= evaluation.evaluated_on && (i == 0 || after.determinations[i - 1].on <= d.on)
        );
        let people: BTreeSet<_> = d.exemptions.iter().map(|e| e.person_id).collect();
        assert!(
            people.len() == d.exemptions.len() && people.is_subset(&covered),
            "exemptions for the wrong people"
        );
        if d.granted {
            assert!(
                evaluation.failed().next().is_none(),
                "granted with a failed condition"
            );
            for person in &covered {
                let clean = after.attestations.get(person).is_some_and(|a| a.is_clean());
                assert!(clean, "granted without {person}'s clean attestation");
            }
        } else {
            assert!(d.exemptions.is_empty(), "exemptions without a grant");
        }
    }
    if !before.determinations.is_empty() {
        assert_eq!(
            before.evaluations, after.evaluations,
            "the evaluation changed after a determination"
        );
    }
    assert!(
        after.determinations.starts_with(&before.determinations),
        "a determination changed"
    );
    for (person, attestation) in &before.attestations {
        assert_eq!(
            after.attestations.get(person),
            Some(attestation),
            "an attestation changed"
        );
    }
    let attested = log
        .iter()
        .filter(|e| matches!(e, ExemptionEvent::AttestationRecorded { .. }))
        .count();
    assert_eq!(attested, after.attestations.len(), "someone attested twice");
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    let open = (prop::option::weighted(0.9, Just(())), covered()).prop_map(|(open, covered)| {
        open.map(|()| Op::Open {
            loss: Amt::Room(0),
            covered,
            on: Day::At(0, 0),
        })
    });
    (open, prop::collection::vec(op(), 1..=40))
        .prop_map(|(open, ops)| open.into_iter().chain(ops).collect())
}

proptest! {
    #![proptest_config(config(1000))]

    /// No command panics, the log replays to the same state, and the case's invariants hold
    /// after every step.
    #[test]
    fn exemption_invariants_hold_after_every_command(ops in ops()) {
        let mut stream = Stream::<ExemptionCase>::new();
        for op in &ops {
            let before = stream.state.clone();
            let command = command(op, &stream.state);
            stream.apply(&command);
            check(&before, &stream.state, &stream.events);
            if matches!(command, ExemptionCommand::Open { .. } | ExemptionCommand::Attest { .. }) {
                stream.retry_records_nothing(&command);
            }
        }
    }
}
