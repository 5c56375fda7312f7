//! Given/when/then tests of resolutions: opening, modes, meetings, votes, outcomes.
//!
//! Every resolution is opened at [`at`]`(0)` with its deadline a day later, before the
//! default policy's five seats (seat `n` held by [`member`]`(n)`), quorum 4 and the
//! 3,000,000.00 written-vote limit (SPEC §4, Art. 14, 15(6)). This file holds the opening
//! and the helpers; the votes are tested in `resolution_vote_tests.rs`, the meetings,
//! comments and lapse in `resolution_meeting_tests.rs`.

use super::*;
use crate::aggregate::given;
use crate::fund::policy::FundPolicy;
use crate::{FundId, MemberId, Money, ObserverId, Rejection, ResolutionId};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use uuid::Uuid;
use Choice::{Approve, Reject};

pub(super) type Decided = Result<Vec<ResolutionEvent>, ResolutionError>;

pub(super) const DAY: i64 = 86_400;

/// `secs` seconds after the opening (2024-03-01 09:00 in Kunshan).
pub(super) fn at(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 1, 1, 0, 0).unwrap() + TimeDelta::seconds(secs)
}

pub(super) fn member(seat: u32) -> MemberId {
    MemberId(Uuid::from_u128(100 + u128::from(seat)))
}

pub(super) fn observer(n: u128) -> ObserverId {
    ObserverId(Uuid::from_u128(900 + n))
}

pub(super) fn money(s: &str) -> Money {
    Money::parse(s).unwrap()
}

/// Approvals, rejections, abstentions, recusals, outstanding, vacant.
pub(super) fn tally(
    [approvals, rejections, abstentions, recusals, outstanding, vacant]: [u32; 6],
) -> Tally {
    Tally {
        approvals,
        rejections,
        abstentions,
        recusals,
        outstanding,
        vacant,
    }
}

/// The default policy's seats, seat `n` held by `member(n)`.
pub(super) fn five_seats() -> Vec<SeatHolder> {
    let bodies = FundPolicy::default().committee.seats;
    let seats = bodies.into_iter().zip(1..).map(|(body, seat)| SeatHolder {
        seat,
        body,
        member: Some(member(seat)),
    });
    seats.collect()
}

/// What an `Open` command carries.
pub(super) struct Ballot {
    pub(super) title: String,
    pub(super) amount: Money,
    pub(super) mode: Mode,
    pub(super) deadline: DateTime<Utc>,
    pub(super) seats: Vec<SeatHolder>,
    pub(super) observers: Vec<ObserverId>,
    pub(super) quorum: u32,
}

pub(super) fn ballot(mode: Mode, amount: &str) -> Ballot {
    Ballot {
        title: "天使投资项目甲".to_owned(),
        amount: money(amount),
        mode,
        deadline: at(DAY),
        seats: five_seats(),
        observers: vec![observer(1), observer(2), observer(3)],
        quorum: FundPolicy::default().committee.approvals_to_pass,
    }
}

impl Ballot {
    pub(super) fn command(&self) -> ResolutionCommand {
        ResolutionCommand::Open {
            resolution_id: ResolutionId(Uuid::from_u128(7)),
            fund_id: FundId(Uuid::nil()),
            subject: Subject {
                kind: SubjectKind::Investment,
                title: self.title.clone(),
                reference: " P-2024-01 ".to_owned(),
            },
            amount: self.amount,
            mode: self.mode,
            deadline: self.deadline,
            seats: self.seats.clone(),
            observers: self.observers.clone(),
            quorum: self.quorum,
            written_vote_max: FundPolicy::default().committee.written_vote_max,
            documents: vec![],
            now: at(0),
        }
    }

    pub(super) fn decided(&self) -> Decided {
        given::<Resolution>(&[]).when(&self.command())
    }

    pub(super) fn opened(&self) -> Vec<ResolutionEvent> {
        self.decided().expect("the opening should be accepted")
    }
}

/// A written vote on 1,000,000.
pub(super) fn written() -> Vec<ResolutionEvent> {
    ballot(Mode::Written, "1000000").opened()
}

pub(super) fn cast(seat: u32, choice: Choice) -> ResolutionCommand {
    ResolutionCommand::CastVote {
        seat,
        choice,
        reason: None,
        now: at(60),
    }
}

pub(super) fn voted(seat: u32, choice: Choice) -> ResolutionEvent {
    let (member, reason, at) = (member(seat), None, at(60));
    ResolutionEvent::VoteCast {
        seat,
        member,
        choice,
        reason,
        at,
    }
}

/// Each command's decision in turn, the accepted ones folded into the history.
pub(super) fn run(history: &[ResolutionEvent], commands: &[ResolutionCommand]) -> Vec<Decided> {
    let mut state = Resolution::replay(history);
    let mut decisions = Vec::new();
    for command in commands {
        let decided = state.decide(command);
        for event in decided.iter().flatten() {
            state.evolve(event);
        }
        decisions.push(decided);
    }
    decisions
}

/// `history` followed by the events of each command; panics on a refusal.
pub(super) fn after(
    history: &[ResolutionEvent],
    commands: &[ResolutionCommand],
) -> Vec<ResolutionEvent> {
    let mut all = history.to_vec();
    for (command, decided) in commands.iter().zip(run(history, commands)) {
        all.extend(decided.unwrap_or_else(|e| panic!("{command:?} refused: {e}")));
    }
    all
}

/// Votes by seats 1, 2, … in turn.
pub(super) fn in_turn(choices: &[Choice]) -> Vec<ResolutionCommand> {
    choices
        .iter()
        .zip(1..)
        .map(|(c, seat)| cast(seat, *c))
        .collect()
}

/// The code and rule of a refusal; panics if it was accepted.
pub(super) fn refusal<T: std::fmt::Debug>(
    decided: Result<T, ResolutionError>,
) -> (&'static str, Option<&'static str>) {
    let err = decided.expect_err("the command should be refused");
    (err.code(), err.rule())
}

pub(super) const DECIDED: (&str, Option<&str>) = ("resolution_decided", Some("Art. 14"));

#[test]
fn opening_copies_the_committee_sorted_and_the_observers_once() {
    let mut b = ballot(Mode::Written, "1000000");
    b.seats.reverse();
    b.observers = vec![observer(2), observer(1), observer(2)];
    b.title = "  天使投资项目甲 ".to_owned();
    let events = after(&[], &[b.command()]);
    let ResolutionEvent::ResolutionOpened {
        subject,
        seats,
        observers,
        quorum,
        deadline,
        at: opened_at,
        ..
    } = &events[0]
    else {
        panic!("expected ResolutionOpened, got {events:?}");
    };
    assert_eq!(events.len(), 1);
    assert_eq!(
        (subject.title.as_str(), subject.reference.as_str()),
        ("天使投资项目甲", "P-2024-01")
    );
    assert_eq!(seats, &five_seats());
    assert_eq!(observers, &vec![observer(1), observer(2)]);
    assert_eq!((*quorum, *deadline, *opened_at), (4, at(DAY), at(0)));
    let state = Resolution::replay(&events);
    assert_eq!(state.status, Some(Status::Open));
    assert_eq!(state.tally(), Some(tally([0, 0, 0, 0, 5, 0])));
    assert_eq!(
        refusal(given::<Resolution>(&written()).when(&b.command())),
        ("resolution_already_opened", None)
    );
}

#[test]
fn the_title_is_required_and_the_amount_never_negative() {
    let mut b = ballot(Mode::Written, "0");
    assert!(b.decided().is_ok(), "an amount of zero is fine");
    for title in ["", "   ", &"项".repeat(201)] {
        b.title = title.to_owned();
        assert_eq!(refusal(b.decided()), ("invalid_text", None), "{title:?}");
    }
    b.title = "项".repeat(200);
    assert!(b.decided().is_ok());
    b.amount = money("-0.01");
    assert_eq!(b.decided(), Err(ResolutionError::NegativeAmount));
    assert_eq!(refusal(b.decided()), ("negative_amount", None));
    b.mode = Mode::OnSite;
    assert_eq!(refusal(b.decided()), ("negative_amount", None));
}

#[test]
fn a_written_vote_decides_up_to_exactly_three_million_an_on_site_meeting_any_amount() {
    assert!(ballot(Mode::Written, "3000000.00").decided().is_ok());
    let over = ballot(Mode::Written, "3000000.01").decided();
    let limit = money("3000000");
    assert_eq!(over, Err(ResolutionError::OnSiteMeetingRequired { limit }));
    assert_eq!(
        refusal(over),
        ("on_site_meeting_required", Some("Art. 15(6)"))
    );
    for amount in ["0", "3000000", "3000000.01", "1000000000000"] {
        assert!(ballot(Mode::OnSite, amount).decided().is_ok(), "{amount}");
    }
}

#[test]
fn the_deadline_must_be_after_the_opening() {
    let mut b = ballot(Mode::Written, "1000000");
    for deadline in [at(0), at(-1)] {
        b.deadline = deadline;
        assert_eq!(refusal(b.decided()), ("deadline_not_after_opening", None));
    }
    b.deadline = at(1);
    assert!(b.decided().is_ok());
}

#[test]
fn seats_are_numbered_once_from_one_and_the_quorum_is_reachable() {
    let renumber = |numbers: &[u32]| {
        let mut b = ballot(Mode::Written, "1000000");
        b.seats = numbers
            .iter()
            .map(|n| SeatHolder {
                seat: *n,
                ..five_seats()[0].clone()
            })
            .collect();
        b
    };
    for numbers in [
        &[][..],
        &[0, 1, 2, 3, 4],
        &[1, 2, 2, 3, 4],
        &[1, 2, 3, 4, 6],
        &[2, 3, 4, 5, 6],
    ] {
        let b = renumber(numbers);
        assert_eq!(
            refusal(b.decided()),
            ("invalid_committee", Some("Art. 14")),
            "{numbers:?}"
        );
    }
    let mut b = ballot(Mode::Written, "1000000");
    for quorum in [0, 6] {
        b.quorum = quorum;
        assert_eq!(
            refusal(b.decided()),
            ("invalid_committee", Some("Art. 14")),
            "{quorum}"
        );
    }
    b.quorum = 5;
    assert!(b.decided().is_ok());
}

#[test]
fn a_vacant_seat_cannot_approve() {
    let mut b = ballot(Mode::Written, "1000000");
    b.seats[4].member = None;
    let history = b.opened();
    assert_eq!(
        Resolution::replay(&history).tally(),
        Some(tally([0, 0, 0, 0, 4, 1]))
    );
    // One rejection leaves 3 seats able to approve: failed at once.
    let failed = ResolutionEvent::ResolutionFailed {
        tally: tally([0, 1, 0, 0, 3, 1]),
        because: FailedBecause::QuorumUnreachable,
        at: at(60),
    };
    let g = given::<Resolution>(&history);
    assert_eq!(g.when(&cast(1, Reject)), Ok(vec![voted(1, Reject), failed]));
    assert_eq!(
        refusal(g.when(&cast(5, Approve))),
        ("seat_not_on_resolution", None)
    );
    // Four approvals of the four held seats pass it.
    let decisions = run(&history, &in_turn(&[Approve; 5]));
    let passed = ResolutionEvent::ResolutionPassed {
        tally: tally([4, 0, 0, 0, 0, 1]),
        at: at(60),
    };
    assert_eq!(decisions[3], Ok(vec![voted(4, Approve), passed]));
    assert_eq!(refusal(decisions[4].clone()), DECIDED);
}

#[test]
fn an_opening_the_held_seats_cannot_carry_is_refused() {
    let mut b = ballot(Mode::Written, "1000000");
    b.seats[3].member = None;
    b.seats[4].member = None;
    assert_eq!(refusal(b.decided()), ("invalid_committee", Some("Art. 14")));
}

#[test]
fn every_command_on_an_unopened_resolution_is_not_found() {
    let observer = observer(1);
    let attendee = Attendee::Member { seat: 1 };
    let now = at(60);
    let commands = [
        cast(1, Approve),
        ResolutionCommand::Convene {
            meets_at: now,
            place: "会议室".into(),
            now,
        },
        ResolutionCommand::RecordAttendance { attendee, now },
        ResolutionCommand::OpenMeeting { now },
        ResolutionCommand::CloseMeeting { now },
        ResolutionCommand::Comment {
            observer,
            text: "意见".into(),
            now,
        },
        ResolutionCommand::Lapse { now: at(2 * DAY) },
    ];
    for command in commands {
        let err = given::<Resolution>(&[]).when(&command).unwrap_err();
        assert_eq!(
            (err.code(), err.rule(), err.is_not_found()),
            ("resolution_not_found", None, true)
        );
    }
}
