//! Given the fixture's fund and committee, when the report of a half-year of 2024 is folded,
//! then it lists the resolutions opened or decided from its first day to its last, in China
//! Standard Time, and the exemption cases opened by its last day with their determination as
//! it stood then; other funds' resolutions and cases are ignored.

use super::fixture::*;
use super::full_tests::{base, fold, half};
use super::*;
use crate::committee::{Choice, Mode, ResolutionCommand, Status, SubjectKind};
use crate::exemption::{
    Condition, ConditionOutcome, CoveredPerson, Exemption, ExemptionCommand, ExemptionPolicy, Role,
};
use crate::fund::policy::FundPolicy;
use crate::{FundId, Money};
use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

fn ballot(n: u128, day: &str, votes: &[u32]) -> Ballot {
    Ballot {
        id: resolution(n),
        fund: FUND,
        kind: SubjectKind::Other,
        title: "议题",
        reference: String::new(),
        amount: Money::ZERO,
        mode: Mode::Written,
        day: d(day),
        votes: votes.iter().map(|s| (*s, Choice::Approve)).collect(),
        comments: vec![],
    }
}

fn vote(seat: u32, now: DateTime<Utc>) -> ResolutionCommand {
    ResolutionCommand::CastVote {
        seat,
        choice: Choice::Approve,
        reason: None,
        now,
    }
}

/// Resolution `n` of `fund` opened at `now` before the fixture's committee.
fn open_at(b: &mut super::fixture_builder::Builder, n: u128, fund: FundId, now: DateTime<Utc>) {
    let policy = FundPolicy::default().committee;
    let open = ResolutionCommand::Open {
        resolution_id: resolution(n),
        fund_id: fund,
        subject: crate::committee::Subject {
            kind: SubjectKind::Other,
            title: "议题".into(),
            reference: String::new(),
        },
        amount: Money::ZERO,
        mode: Mode::Written,
        deadline: now + TimeDelta::days(7),
        seats: b.seats(FUND),
        observers: vec![],
        quorum: policy.approvals_to_pass,
        written_vote_max: policy.written_vote_max,
        documents: vec![],
        now,
    };
    b.resolution(resolution(n), open);
}

#[test]
fn a_resolution_decided_on_the_period_start_counts_and_one_decided_the_day_before_does_not() {
    let mut b = base();
    // R1 opened the day before the period, decided on its first day.
    b.ballot(ballot(1, "2023-12-31", &[]));
    for seat in 1..=4 {
        b.resolution(resolution(1), vote(seat, at(d("2024-01-01"), 0)));
    }
    // R2 opened and decided the day before.
    b.ballot(ballot(2, "2023-12-31", &[1, 2, 3, 4]));
    // R3 opened at 16:30 UTC on 31 December: 00:30 on 1 January in Kunshan.
    open_at(&mut b, 3, FUND, at(d("2023-12-31"), 14 * 60 + 30));
    // R4 opened on the period's last day with three approvals, passed the day after.
    b.ballot(ballot(4, "2024-06-30", &[1, 2, 3]));
    b.resolution(resolution(4), vote(4, at(d("2024-07-01"), 0)));
    // Another fund's resolution, in the period.
    open_at(&mut b, 5, OTHER_FUND, at(d("2024-03-01"), 0));

    let h1 = fold(&b, half(PeriodKind::H1)).resolutions;
    let h2 = fold(&b, half(PeriodKind::H2)).resolutions;

    let rows = |lines: &[ResolutionLine]| -> Vec<_> {
        lines
            .iter()
            .map(|l| {
                (
                    l.resolution_id,
                    l.opened_on,
                    l.decided_on,
                    l.outcome,
                    l.approvals,
                    l.not_voted,
                )
            })
            .collect()
    };
    assert_eq!(
        rows(&h1),
        vec![
            (
                resolution(1),
                d("2023-12-31"),
                Some(d("2024-01-01")),
                Status::Passed,
                4,
                1
            ),
            (resolution(3), d("2024-01-01"), None, Status::Open, 0, 5),
            // Its fourth approval came after the period end.
            (resolution(4), d("2024-06-30"), None, Status::Open, 3, 2),
        ]
    );
    assert_eq!(
        rows(&h2),
        vec![(
            resolution(4),
            d("2024-06-30"),
            Some(d("2024-07-01")),
            Status::Passed,
            4,
            1
        )]
    );
}

fn covered(n: u128) -> CoveredPerson {
    CoveredPerson {
        person_id: Uuid::from_u128(0xD000 + n),
        name: format!("经办人{n}"),
        role: Role::ManagerStaff,
        part: "项目负责人".into(),
    }
}

fn open_case(n: u128, fund: FundId, on: &str) -> ExemptionCommand {
    ExemptionCommand::Open {
        case_id: case(n),
        fund_id: fund,
        project_id: project(n),
        loss: yuan(1_000_000),
        covered: vec![covered(n)],
        opened_on: d(on),
    }
}

fn determine(granted: bool, on: &str) -> ExemptionCommand {
    let exemptions = if granted {
        vec![(
            covered(1).person_id,
            vec![Exemption::PerformanceEvaluation, Exemption::Awards],
        )]
    } else {
        vec![]
    };
    ExemptionCommand::Determine {
        granted,
        reference: format!("决定-{on}"),
        exemptions,
        by: "昆山市科创办".into(),
        on: d(on),
    }
}

#[test]
fn a_case_counts_from_the_day_it_is_opened_and_its_determination_from_its_day() {
    let mut b = base();
    // Case 1: opened 03-01, every condition met, attested, granted on the H1 end and
    // superseded by a denial the day after.
    b.case(case(1), open_case(1, FUND, "2024-03-01"));
    let outcomes = Condition::ALL
        .map(|condition| ConditionOutcome {
            condition,
            passed: true,
            reason: "见引用事件".into(),
            references: vec![],
        })
        .to_vec();
    b.case(
        case(1),
        ExemptionCommand::RecordEvaluation {
            outcomes,
            policy: ExemptionPolicy::default(),
            evaluated_on: d("2024-03-02"),
        },
    );
    b.case(
        case(1),
        ExemptionCommand::Attest {
            person_id: covered(1).person_id,
            no_personal_gain: true,
            no_violation_of_law: true,
            statement: "本人承诺".into(),
            signed_on: d("2024-03-03"),
        },
    );
    b.case(case(1), determine(true, "2024-06-30"));
    b.case(case(1), determine(false, "2024-07-01"));
    // Case 2 opened on the H1 end, case 3 the day after, case 4 of another fund.
    b.case(case(2), open_case(2, FUND, "2024-06-30"));
    b.case(case(3), open_case(3, FUND, "2024-07-01"));
    b.case(case(4), open_case(4, OTHER_FUND, "2024-03-01"));

    let h1 = fold(&b, half(PeriodKind::H1)).exemptions;
    let h2 = fold(&b, half(PeriodKind::H2)).exemptions;

    let ids = |lines: &[ExemptionLine]| lines.iter().map(|l| l.case_id).collect::<Vec<_>>();
    assert_eq!(ids(&h1), vec![case(1), case(2)]);
    assert_eq!(ids(&h2), vec![case(1), case(2), case(3)]);
    let granted = &h1[0];
    assert_eq!(
        (
            granted.determination,
            granted.determined_on,
            granted.reference.as_deref()
        ),
        (
            DeterminationStatus::Granted,
            Some(d("2024-06-30")),
            Some("决定-2024-06-30")
        )
    );
    assert_eq!((granted.determinations, granted.people_exempted), (1, 1));
    assert_eq!((granted.conditions_met, granted.conditions_not_met), (7, 0));
    assert_eq!(
        (
            granted.attestations,
            granted.attestations_clean,
            granted.attestations_missing
        ),
        (1, 1, 0)
    );
    assert_eq!(granted.determined_by.as_deref(), Some("昆山市科创办"));
    // The project of the case is not one of the fund's streams given: no company.
    assert_eq!(
        (granted.project_id, granted.company.clone()),
        (project(1), None)
    );
    let denied = &h2[0];
    assert_eq!(
        (
            denied.determination,
            denied.determinations,
            denied.people_exempted
        ),
        (DeterminationStatus::Denied, 2, 0)
    );
    let pending = &h1[1];
    assert_eq!(
        (pending.determination, pending.evaluated_on),
        (DeterminationStatus::Pending, None)
    );
    assert_eq!(
        (
            pending.conditions_met,
            pending.attestations_missing,
            pending.loss
        ),
        (0, 1, m("1000000"))
    );
}
