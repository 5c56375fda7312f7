//! Given/when/then tests of the committee membership.
//!
//! The seats and their bodies are the default policy's (SPEC §4, Art. 14): 科创办(人才办),
//! 财政局, 科技局 and two for 工研院; a resolution copies the committee as it stands when it is
//! opened, so a re-appointment applies to later resolutions only.

use super::membership::*;
use super::*;
use crate::aggregate::given;
use crate::fund::policy::FundPolicy;
use crate::{DomainEvent, FundId, Money, Rejection, ResolutionId};
use chrono::{NaiveDate, TimeZone, Utc};
use uuid::Uuid;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn fund() -> FundId {
    FundId(Uuid::from_u128(42))
}

fn person(n: u128) -> MemberId {
    MemberId(Uuid::from_u128(100 + n))
}

fn bodies() -> Vec<String> {
    FundPolicy::default().committee.seats
}

/// Person `who`, named `name`, appointed to `seat` of `fund_id`'s committee on `on`.
fn appoint_in(fund_id: FundId, seat: u32, who: u128, name: &str, on: &str) -> CommitteeCommand {
    let (member, appointed_on) = (person(who), d(on));
    let (seat_bodies, name) = (bodies(), name.to_owned());
    CommitteeCommand::AppointMember {
        fund_id,
        seat_bodies,
        seat,
        member,
        name,
        appointed_on,
    }
}

fn appoint(seat: u32, who: u128, on: &str) -> CommitteeCommand {
    appoint_in(fund(), seat, who, &format!(" 委员{who} "), on)
}

fn observe_in(fund_id: FundId, n: u128, name: &str, body: &str) -> CommitteeCommand {
    let observer = ObserverId(Uuid::from_u128(900 + n));
    let (name, body) = (name.to_owned(), body.to_owned());
    CommitteeCommand::AppointObserver {
        fund_id,
        observer,
        name,
        body,
    }
}

fn observe(n: u128, name: &str, body: &str) -> CommitteeCommand {
    observe_in(fund(), n, name, body)
}

/// `history` followed by the events of each command; panics on a refusal.
fn after(history: &[CommitteeEvent], commands: &[CommitteeCommand]) -> Vec<CommitteeEvent> {
    let mut all = history.to_vec();
    for command in commands {
        let events = given::<Committee>(&all).when(command);
        all.extend(events.unwrap_or_else(|e| panic!("{command:?} refused: {e}")));
    }
    all
}

/// Seats 1 to 5 held by persons 1 to 5 since 2021-09-01.
fn full() -> Vec<CommitteeEvent> {
    let commands: Vec<_> = (1..=5)
        .map(|n| appoint(n, n.into(), "2021-09-01"))
        .collect();
    after(&[], &commands)
}

/// The code and rule of a refusal; panics if it was accepted.
fn refusal(
    decided: Result<Vec<CommitteeEvent>, CommitteeError>,
) -> (&'static str, Option<&'static str>) {
    let err = decided.expect_err("the command should be refused");
    (err.code(), err.rule())
}

#[test]
fn the_five_seats_of_the_default_policy_are_appointed_by_their_bodies() {
    let history = full();
    assert_eq!(history.len(), 5);
    for (event, seat) in history.iter().zip(1..) {
        let expected = CommitteeEvent::MemberAppointed {
            fund_id: fund(),
            seat,
            appointment: Appointment {
                member: person(seat.into()),
                name: format!("委员{seat}"),
                body: bodies()[seat as usize - 1].clone(),
                since: d("2021-09-01"),
            },
            replaces: None,
        };
        assert_eq!(event, &expected);
        assert_eq!(event.event_type(), "MemberAppointed");
        assert_eq!(event.effective_date(), Some(d("2021-09-01")));
    }
    let state = Committee::replay(&history);
    assert_eq!(state.fund, Some(fund()));
    let held: Vec<_> = state.seats.values().map(|a| a.body.as_str()).collect();
    assert_eq!(
        held,
        ["科创办(人才办)", "财政局", "科技局", "工研院", "工研院"]
    );
}

#[test]
fn only_the_policys_seats_exist() {
    let g = given::<Committee>(&full());
    for seat in [0, 6, u32::MAX] {
        let decided = g.when(&appoint(seat, 9, "2022-01-01"));
        assert_eq!(decided, Err(CommitteeError::NoSuchSeat(seat)));
        assert_eq!(refusal(decided), ("no_such_seat", Some("Art. 14")));
    }
}

#[test]
fn a_member_needs_a_name() {
    let g = given::<Committee>(&[]);
    for name in ["", "  \t", &"名".repeat(201)] {
        let decided = g.when(&appoint_in(fund(), 1, 1, name, "2021-09-01"));
        assert_eq!(decided, Err(CommitteeError::InvalidName("member's name")));
        assert_eq!(refusal(decided), ("invalid_name", None), "{name:?}");
    }
    assert!(g
        .when(&appoint_in(fund(), 1, 1, &"名".repeat(200), "2021-09-01"))
        .is_ok());
}

#[test]
fn a_re_appointment_records_whom_it_replaces() {
    let g = given::<Committee>(&full());
    // The same day as the current appointment is in order.
    for on in ["2021-09-01", "2024-01-01"] {
        let events = g.when(&appoint(2, 7, on)).unwrap();
        let [CommitteeEvent::MemberAppointed {
            seat,
            appointment,
            replaces,
            ..
        }] = &events[..]
        else {
            panic!("expected one MemberAppointed, got {events:?}");
        };
        assert_eq!(
            (*seat, appointment.member, *replaces),
            (2, person(7), Some(person(2)))
        );
        assert_eq!(
            (appointment.body.as_str(), appointment.since),
            ("财政局", d(on))
        );
    }
    let state = Committee::replay(&after(&full(), &[appoint(2, 7, "2024-01-01")]));
    assert_eq!(state.seats[&2].member, person(7));
    assert_eq!(state.seats.len(), 5);
}

#[test]
fn re_appointing_the_seats_own_member_records_nothing() {
    let g = given::<Committee>(&full());
    assert_eq!(g.when(&appoint(3, 3, "2024-01-01")), Ok(vec![]));
    assert_eq!(g.when(&appoint(3, 3, "2020-01-01")), Ok(vec![]));
}

#[test]
fn a_member_holds_one_seat_at_most() {
    let g = given::<Committee>(&full());
    let decided = g.when(&appoint(4, 1, "2024-01-01"));
    assert_eq!(decided, Err(CommitteeError::HoldsAnotherSeat(1)));
    assert_eq!(
        refusal(decided),
        ("member_holds_another_seat", Some("Art. 14"))
    );
    // Once replaced on seat 1, person 1 may take seat 4.
    let history = after(&full(), &[appoint(1, 8, "2024-01-01")]);
    assert!(given::<Committee>(&history)
        .when(&appoint(4, 1, "2024-02-01"))
        .is_ok());
}

#[test]
fn an_appointment_dated_before_the_seats_current_one_is_out_of_order() {
    let history = after(&full(), &[appoint(5, 7, "2023-06-30")]);
    let decided = given::<Committee>(&history).when(&appoint(5, 8, "2023-06-29"));
    assert_eq!(
        decided,
        Err(CommitteeError::AppointmentOutOfOrder(d("2023-06-30")))
    );
    assert_eq!(refusal(decided), ("appointment_out_of_order", None));
    // Another seat's dates do not matter.
    assert!(given::<Committee>(&history)
        .when(&appoint(4, 8, "2022-01-01"))
        .is_ok());
}

#[test]
fn an_observer_is_recorded_once() {
    let events = given::<Committee>(&[])
        .when(&observe(1, " 张三 ", " 昆山开发区 "))
        .unwrap();
    let observer = ObserverId(Uuid::from_u128(901));
    let details = Observer {
        name: "张三".into(),
        body: "昆山开发区".into(),
    };
    let expected = CommitteeEvent::ObserverAppointed {
        fund_id: fund(),
        observer,
        details,
    };
    assert_eq!(events, vec![expected]);
    assert_eq!(
        (events[0].event_type(), events[0].effective_date()),
        ("ObserverAppointed", None)
    );
    let g = given::<Committee>(&events);
    assert_eq!(g.state.fund, Some(fund()));
    assert_eq!(
        refusal(g.when(&observe(1, "李四", "昆山高新区"))),
        ("observer_already_appointed", None)
    );
    assert_eq!(
        refusal(g.when(&observe(2, " ", "昆山高新区"))),
        ("invalid_name", None)
    );
    assert_eq!(
        refusal(g.when(&observe(2, "李四", ""))),
        ("invalid_name", None)
    );
    assert!(g.when(&observe(2, "李四", "昆山高新区")).is_ok());
}

#[test]
fn a_committee_belongs_to_one_fund() {
    let other = FundId(Uuid::from_u128(43));
    for history in [full(), after(&[], &[observe(1, "张三", "昆山开发区")])] {
        let g = given::<Committee>(&history);
        let decided = g.when(&appoint_in(other, 1, 9, "王五", "2024-01-01"));
        assert_eq!(decided, Err(CommitteeError::OtherFund));
        assert_eq!(refusal(decided), ("committee_of_another_fund", None));
        let decided = g.when(&observe_in(other, 7, "王五", "昆山高新区"));
        assert_eq!(refusal(decided), ("committee_of_another_fund", None));
    }
    // An empty committee takes the first fund it is given.
    assert!(given::<Committee>(&[])
        .when(&appoint_in(other, 1, 9, "王五", "2024-01-01"))
        .is_ok());
}

#[test]
fn the_stream_is_named_after_the_fund() {
    assert_eq!(
        stream_id(fund()),
        "committee-00000000-0000-0000-0000-00000000002a"
    );
    assert_eq!(<Committee as Aggregate>::STREAM_TYPE, "committee");
}

/// The seats of a resolution opened before `committee` as it stands.
fn holders(committee: &Committee) -> Vec<SeatHolder> {
    let seats = bodies()
        .into_iter()
        .zip(1..)
        .map(|(body, seat)| SeatHolder {
            seat,
            body,
            member: committee.seats.get(&seat).map(|a| a.member),
        });
    seats.collect()
}

/// Resolution `n` opened on `seats`, then seat 3 approves it.
fn seat_3_votes_on(n: u128, seats: Vec<SeatHolder>) -> Vec<ResolutionEvent> {
    let now = Utc.with_ymd_and_hms(2024, 3, 1, 1, 0, 0).unwrap();
    let open = ResolutionCommand::Open {
        resolution_id: ResolutionId(Uuid::from_u128(n)),
        fund_id: fund(),
        subject: Subject {
            kind: SubjectKind::Exit,
            title: format!("退出方案{n}"),
            reference: String::new(),
        },
        amount: Money::from_yuan(1_000_000),
        mode: Mode::Written,
        deadline: now + chrono::TimeDelta::days(7),
        seats,
        observers: vec![],
        quorum: 4,
        written_vote_max: FundPolicy::default().committee.written_vote_max,
        documents: vec![],
        now,
    };
    let opened = given::<Resolution>(&[]).when(&open).unwrap();
    let vote = ResolutionCommand::CastVote {
        seat: 3,
        choice: Choice::Approve,
        reason: None,
        now,
    };
    given::<Resolution>(&opened).when(&vote).unwrap()
}

#[test]
fn a_resolution_opened_before_a_re_appointment_keeps_the_old_member() {
    let before = Committee::replay(&full());
    let history = after(&full(), &[appoint(3, 7, "2024-03-01")]);
    let now = Committee::replay(&history);
    let (earlier, later) = (
        seat_3_votes_on(1, holders(&before)),
        seat_3_votes_on(2, holders(&now)),
    );
    let member = |events: &[ResolutionEvent]| match events {
        [ResolutionEvent::VoteCast { member, .. }] => *member,
        other => panic!("expected one VoteCast, got {other:?}"),
    };
    assert_eq!((member(&earlier), member(&later)), (person(3), person(7)));
}
