//! A fund's committee membership driven by random sequences of both its commands.
//!
//! Seats 0 to 6 against the policy's five bodies (sometimes another list), members and
//! observers from small pools, two funds, appointment days in any order.
//!
//! Invariants after every step: each member holds at most one seat; every seat is within the
//! bodies of the policy it was appointed under (1 to 5 under the SPEC's) and carries its body;
//! a seat's appointments never go back in time and each names the member it replaces; the
//! committee belongs to one fund; names are trimmed and 1 to 200 characters.

use super::support::{config, day, id, text, Day, Stream};
use chrono::NaiveDate;
use domain::committee::membership::{Committee, CommitteeCommand, CommitteeEvent};
use domain::fund::policy::CommitteePolicy;
use domain::{FundId, MemberId, ObserverId};
use proptest::prelude::*;
use std::collections::BTreeSet;

#[derive(Debug, Clone)]
enum Op {
    Appoint {
        fund: u8,
        bodies: Option<Vec<String>>,
        seat: u32,
        member: u8,
        name: String,
        on: Day,
    },
    Observe {
        fund: u8,
        observer: u8,
        name: String,
        body: String,
    },
}

/// The SPEC's five appointing bodies.
fn spec_bodies() -> Vec<String> {
    CommitteePolicy::default().seats
}

fn command(op: &Op, committee: &Committee) -> CommitteeCommand {
    let first = NaiveDate::from_ymd_opt(2021, 9, 1).unwrap_or_default();
    let mut anchors = vec![first];
    anchors.extend(committee.seats.values().map(|a| a.since));
    match op {
        Op::Appoint {
            fund,
            bodies,
            seat,
            member,
            name,
            on,
        } => CommitteeCommand::AppointMember {
            fund_id: FundId(id(*fund)),
            seat_bodies: bodies.clone().unwrap_or_else(spec_bodies),
            seat: *seat,
            member: MemberId(id(*member)),
            name: name.clone(),
            appointed_on: on.on(&anchors),
        },
        Op::Observe {
            fund,
            observer,
            name,
            body,
        } => CommitteeCommand::AppointObserver {
            fund_id: FundId(id(*fund)),
            observer: ObserverId(id(*observer)),
            name: name.clone(),
            body: body.clone(),
        },
    }
}

fn op() -> impl Strategy<Value = Op> {
    let fund = prop_oneof![9 => Just(1u8), 1 => Just(2u8)];
    let bodies = prop::option::weighted(0.1, prop::collection::vec(text(), 0..=6));
    prop_oneof![
        5 => (fund.clone(), bodies, 0u32..=6, 1u8..=8, text(), day())
            .prop_map(|(fund, bodies, seat, member, name, on)| Op::Appoint { fund, bodies, seat, member, name, on }),
        1 => (fund, 1u8..=4, text(), text()).prop_map(|(fund, observer, name, body)| Op::Observe { fund, observer, name, body }),
    ]
}

fn valid_name(name: &str) -> bool {
    name == name.trim() && !name.is_empty() && name.chars().count() <= 200
}

fn check(
    before: &Committee,
    after: &Committee,
    command: &CommitteeCommand,
    new: &[CommitteeEvent],
    log: &[CommitteeEvent],
) {
    let members: Vec<MemberId> = after.seats.values().map(|a| a.member).collect();
    let distinct: BTreeSet<_> = members.iter().collect();
    assert_eq!(
        distinct.len(),
        members.len(),
        "a member on two seats: {:?}",
        after.seats
    );
    assert!(after.seats.keys().all(|seat| *seat >= 1), "seat 0 held");
    assert!(after.seats.values().all(|a| valid_name(&a.name)));
    assert!(after
        .observers
        .values()
        .all(|o| valid_name(&o.name) && valid_name(&o.body)));
    let funds: BTreeSet<FundId> = log
        .iter()
        .map(|e| match e {
            CommitteeEvent::MemberAppointed { fund_id, .. }
            | CommitteeEvent::ObserverAppointed { fund_id, .. } => *fund_id,
        })
        .collect();
    assert!(funds.len() <= 1, "a committee of two funds");
    assert_eq!(after.fund, funds.first().copied());
    for event in new {
        if let (
            CommitteeEvent::MemberAppointed {
                seat,
                appointment,
                replaces,
                ..
            },
            CommitteeCommand::AppointMember { seat_bodies, .. },
        ) = (event, command)
        {
            let index = (*seat as usize).checked_sub(1).expect("seats are 1-based");
            assert_eq!(
                seat_bodies.get(index),
                Some(&appointment.body),
                "seat {seat} outside the policy's bodies"
            );
            let current = before.seats.get(seat);
            assert_eq!(*replaces, current.map(|a| a.member));
            assert!(
                current.is_none_or(|a| a.since <= appointment.since),
                "an appointment back in time"
            );
        }
    }
    if new.is_empty() {
        assert_eq!(before, after);
    }
}

proptest! {
    #![proptest_config(config(1000))]

    /// No command panics, the log replays to the same state, and the committee's invariants
    /// hold after every step.
    #[test]
    fn committee_invariants_hold_after_every_command(ops in prop::collection::vec(op(), 1..=60)) {
        let mut stream = Stream::<Committee>::new();
        for op in &ops {
            let command = command(op, &stream.state);
            let before = stream.state.clone();
            let events = stream.apply(&command).unwrap_or_default();
            check(&before, &stream.state, &command, &events, &stream.events);
            stream.retry_records_nothing(&command);
        }
        // Under the SPEC's policy, seats stay within 1..=5.
        let spec = stream.events.iter().all(|e| !matches!(e, CommitteeEvent::MemberAppointed { seat, .. } if *seat > 5));
        let custom = ops.iter().any(|op| matches!(op, Op::Appoint { bodies: Some(_), .. }));
        prop_assert!(spec || custom);
    }
}
