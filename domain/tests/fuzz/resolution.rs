//! A committee resolution driven by random sequences of all eight of its commands.
//!
//! The committee is mostly the SPEC's (five seats, quorum 4, a few vacant seats, members from
//! a pool of seven so that one person may turn up on two seats), sometimes any list of seats
//! numbered 0 to 7 with any quorum. Times are minutes around the opening, before and after
//! the deadline; amounts sit on the written-vote limit.
//!
//! Invariants after every step:
//! - the votes are at most the seats (five), only from held seats, one event per seat, each
//!   before the deadline, from the member holding it; the tally's votes, outstanding and
//!   vacant seats add up to the seats;
//! - an open resolution has neither the quorum nor lost it; a passed one has approvals ≥
//!   quorum; a failed one lost the quorum or its meeting closed; a lapsed one lapsed at or
//!   after its deadline; an outcome is recorded once and never changes, nor do the votes;
//! - on site, only attending members vote, while the meeting is open; a written resolution
//!   has no meeting and an amount within the written-vote limit.

use super::support::{amt, config, id, text, Amt, Stream};
use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::committee::{
    Attendee, Choice, Decision, Document, Mode, Resolution, ResolutionCommand, ResolutionEvent,
    SeatHolder, Status, Subject, SubjectKind,
};
use domain::{FundId, MemberId, Money, ObserverId, ResolutionId};
use proptest::prelude::*;

/// The written-vote limit (3,000,000).
fn written_max() -> Money {
    Money::from_yuan(3_000_000)
}

/// The opening instant; every time is minutes from it.
fn at(minutes: i64) -> DateTime<Utc> {
    let t0 = Utc
        .with_ymd_and_hms(2024, 7, 1, 9, 0, 0)
        .single()
        .unwrap_or_default();
    let end = if minutes < 0 {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    };
    Duration::try_minutes(minutes)
        .and_then(|d| t0.checked_add_signed(d))
        .unwrap_or(end)
}

#[derive(Debug, Clone)]
enum Op {
    Open {
        seats: Vec<(u32, Option<u8>)>,
        quorum: u32,
        amount: Amt,
        mode: Mode,
        deadline: i64,
        observers: Vec<u8>,
        texts: [String; 4],
        now: i64,
    },
    Convene {
        meets: i64,
        place: String,
        now: i64,
    },
    Attend {
        attendee: Attendee,
        now: i64,
    },
    OpenMeeting {
        now: i64,
    },
    CloseMeeting {
        now: i64,
    },
    Vote {
        seat: u32,
        choice: Choice,
        reason: Option<String>,
        now: i64,
    },
    Comment {
        observer: u8,
        text: String,
        now: i64,
    },
    Lapse {
        now: i64,
    },
}

fn command(op: &Op) -> ResolutionCommand {
    match op {
        Op::Open {
            seats,
            quorum,
            amount,
            mode,
            deadline,
            observers,
            texts,
            now,
        } => ResolutionCommand::Open {
            resolution_id: ResolutionId(id(1)),
            fund_id: FundId(id(1)),
            subject: Subject {
                kind: SubjectKind::Investment,
                title: texts[0].clone(),
                reference: texts[1].clone(),
            },
            amount: amount.of(written_max()),
            mode: *mode,
            deadline: at(*deadline),
            seats: seats
                .iter()
                .map(|(seat, member)| SeatHolder {
                    seat: *seat,
                    body: "财政局".to_owned(),
                    member: member.map(|m| MemberId(id(m))),
                })
                .collect(),
            observers: observers.iter().map(|o| ObserverId(id(*o))).collect(),
            quorum: *quorum,
            written_vote_max: written_max(),
            documents: vec![Document {
                title: texts[2].clone(),
                reference: texts[3].clone(),
            }],
            now: at(*now),
        },
        Op::Convene { meets, place, now } => ResolutionCommand::Convene {
            meets_at: at(*meets),
            place: place.clone(),
            now: at(*now),
        },
        Op::Attend { attendee, now } => ResolutionCommand::RecordAttendance {
            attendee: *attendee,
            now: at(*now),
        },
        Op::OpenMeeting { now } => ResolutionCommand::OpenMeeting { now: at(*now) },
        Op::CloseMeeting { now } => ResolutionCommand::CloseMeeting { now: at(*now) },
        Op::Vote {
            seat,
            choice,
            reason,
            now,
        } => ResolutionCommand::CastVote {
            seat: *seat,
            choice: *choice,
            reason: reason.clone(),
            now: at(*now),
        },
        Op::Comment {
            observer,
            text,
            now,
        } => ResolutionCommand::Comment {
            observer: ObserverId(id(*observer)),
            text: text.clone(),
            now: at(*now),
        },
        Op::Lapse { now } => ResolutionCommand::Lapse { now: at(*now) },
    }
}

/// Minutes: mostly before a deadline of about two hours, sometimes after, rarely far off.
fn now() -> impl Strategy<Value = i64> {
    prop_oneof![8 => 0i64..=130, 1 => -10i64..=0, 1 => prop_oneof![Just(i64::MIN), Just(-1_000_000_000), Just(1_000_000_000), Just(i64::MAX)]]
}

/// Five seats, seat n held by member n, sometimes vacant or by another member of the pool.
fn standard_seats() -> impl Strategy<Value = Vec<(u32, Option<u8>)>> {
    let member = prop::option::weighted(0.93, prop_oneof![9 => Just(0u8), 1 => 5u8..=7]);
    prop::collection::vec(member, 5).prop_map(|members| {
        (1u32..)
            .zip(members)
            .map(|(seat, m)| (seat, m.map(|m| if m == 0 { seat as u8 } else { m })))
            .collect()
    })
}

/// The standard seats mostly, or any list of seats numbered 0 to 7.
fn seats() -> impl Strategy<Value = Vec<(u32, Option<u8>)>> {
    let any_seats = prop::collection::vec((0u32..=7, prop::option::of(1u8..=7)), 0..=7);
    prop_oneof![6 => standard_seats(), 1 => any_seats]
}

fn choice() -> impl Strategy<Value = Choice> {
    prop_oneof![12 => Just(Choice::Approve), 1 => Just(Choice::Reject), 1 => Just(Choice::Abstain), 1 => Just(Choice::Recuse)]
}

fn op() -> impl Strategy<Value = Op> {
    let mode = prop_oneof![Just(Mode::Written), Just(Mode::OnSite)];
    let quorum = prop_oneof![4 => Just(4u32), 1 => 0u32..=7];
    let texts = [text(), text(), text(), text()];
    let attendee = prop_oneof![
        4 => (0u32..=6).prop_map(|seat| Attendee::Member { seat }),
        1 => (1u8..=4).prop_map(|o| Attendee::Observer { observer: ObserverId(id(o)) }),
    ];
    prop_oneof![
        2 => (seats(), quorum, amt(), mode, prop_oneof![Just(120i64), -1i64..=200], prop::collection::vec(1u8..=4, 0..=4), texts, now())
            .prop_map(|(seats, quorum, amount, mode, deadline, observers, texts, now)| Op::Open { seats, quorum, amount, mode, deadline, observers, texts, now }),
        2 => (now(), text(), now()).prop_map(|(meets, place, now)| Op::Convene { meets, place, now }),
        5 => (attendee, now()).prop_map(|(attendee, now)| Op::Attend { attendee, now }),
        2 => now().prop_map(|now| Op::OpenMeeting { now }),
        1 => now().prop_map(|now| Op::CloseMeeting { now }),
        8 => (0u32..=6, choice(), prop::option::weighted(0.3, text()), now())
            .prop_map(|(seat, choice, reason, now)| Op::Vote { seat, choice, reason, now }),
        1 => (1u8..=4, text(), now()).prop_map(|(observer, text, now)| Op::Comment { observer, text, now }),
        1 => now().prop_map(|now| Op::Lapse { now }),
    ]
}

/// The invariants of the resolution after a step from `before` that recorded `new`.
fn check(
    before: &Resolution,
    after: &Resolution,
    new: &[ResolutionEvent],
    log: &[ResolutionEvent],
) {
    let Some(opened) = &after.opened else {
        assert_eq!(*after, Resolution::default());
        return;
    };
    let tally = after.tally().expect("an opened resolution has a tally");
    let seats = opened.seats.len() as u32;
    assert!(
        after.votes.len() <= opened.seats.len(),
        "more votes than seats"
    );
    assert_eq!(
        tally.cast() + tally.outstanding + tally.vacant,
        seats,
        "{tally:?}"
    );
    for seat in after.votes.keys() {
        assert!(
            opened
                .seats
                .iter()
                .any(|s| s.seat == *seat && s.member.is_some()),
            "a vote from seat {seat}, not held"
        );
        if opened.mode == Mode::OnSite {
            assert!(
                after
                    .meeting
                    .attendees
                    .contains(&Attendee::Member { seat: *seat }),
                "seat {seat} voted without attending"
            );
        }
    }
    match opened.mode {
        Mode::Written => {
            assert!(
                opened.amount <= written_max(),
                "a written vote on {}",
                opened.amount
            );
            assert_eq!(
                after.meeting,
                Default::default(),
                "a meeting for a written vote"
            );
        }
        Mode::OnSite => {
            let m = &after.meeting;
            assert!(m.convened || (m.attendees.is_empty() && !m.open && !m.closed));
            assert!(!(m.open && m.closed));
        }
    }
    let members: Vec<_> = opened.seats.iter().filter_map(|s| s.member).collect();
    let distinct: std::collections::BTreeSet<_> = members.iter().collect();
    assert_eq!(distinct.len(), members.len(), "one member on two seats");
    assert!(
        opened.quorum >= 1 && opened.quorum as usize <= members.len(),
        "impossible quorum"
    );
    match after.status {
        Some(Status::Open) => assert_eq!(
            tally.decide(opened.quorum),
            Decision::Open,
            "undecided with {tally:?}"
        ),
        Some(Status::Passed) => assert!(tally.approvals >= opened.quorum),
        Some(Status::Failed) => assert!(tally.reachable() < opened.quorum || after.meeting.closed),
        Some(Status::Lapsed) | None => {}
    }
    if let Some(done) = before.status.filter(|s| *s != Status::Open) {
        assert_eq!(
            after.status,
            Some(done),
            "a decided resolution changed outcome"
        );
        assert_eq!(after.votes, before.votes, "votes after the outcome");
    }
    for event in new {
        match event {
            ResolutionEvent::VoteCast {
                seat, member, at, ..
            } => {
                assert!(!before.votes.contains_key(seat), "seat {seat} voted twice");
                assert!(*at < opened.deadline, "voted after the deadline");
                assert!(opened
                    .seats
                    .iter()
                    .any(|s| s.seat == *seat && s.member == Some(*member)));
                assert!(
                    opened.mode == Mode::Written || before.meeting.open,
                    "voted outside the meeting"
                );
            }
            ResolutionEvent::ResolutionPassed { tally: t, .. } => {
                assert!(*t == tally && t.approvals >= opened.quorum)
            }
            ResolutionEvent::ResolutionLapsed { at, .. } => assert!(*at >= opened.deadline),
            _ => {}
        }
    }
    let outcomes = log.iter().filter(|e| {
        matches!(
            e,
            ResolutionEvent::ResolutionPassed { .. }
                | ResolutionEvent::ResolutionFailed { .. }
                | ResolutionEvent::ResolutionLapsed { .. }
        )
    });
    assert!(outcomes.count() <= 1, "two outcomes");
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    // Mostly opened first, on the standard committee.
    let first = (
        standard_seats(),
        prop_oneof![Just(Mode::Written), Just(Mode::OnSite)],
        prop::option::weighted(0.95, Just(())),
    )
        .prop_map(|(seats, mode, standard)| {
            standard.map(|()| Op::Open {
                seats,
                quorum: 4,
                amount: Amt::Room(0),
                mode,
                deadline: 120,
                observers: vec![1, 2],
                texts: ["天使投资项目决策", "P-1", "尽调报告", "DD-1"].map(str::to_owned),
                now: 0,
            })
        });
    (first, prop::collection::vec(op(), 1..=60))
        .prop_map(|(first, ops)| first.into_iter().chain(ops).collect())
}

proptest! {
    #![proptest_config(config(1000))]

    /// No command panics, the log replays to the same state, and the resolution's invariants
    /// hold after every step.
    #[test]
    fn resolution_invariants_hold_after_every_command(ops in ops()) {
        let mut stream = Stream::<Resolution>::new();
        for op in &ops {
            let before = stream.state.clone();
            let command = command(op);
            let events = stream.apply(&command).unwrap_or_default();
            check(&before, &stream.state, &events, &stream.events);
            if matches!(command, ResolutionCommand::RecordAttendance { .. } | ResolutionCommand::Lapse { .. }) {
                stream.retry_records_nothing(&command);
            }
        }
    }
}
