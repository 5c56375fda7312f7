//! Given/when/then tests of the votes on a resolution: the count, the outcome written with
//! the vote that settles it, one vote per seat, the deadline, the reasons (SPEC §4, Art. 14).

use super::resolution_tests::*;
use super::*;
use crate::aggregate::given;
use crate::Rejection;
use proptest::prelude::*;
use std::cmp::Ordering;
use Choice::{Abstain, Approve, Recuse, Reject};

#[test]
fn the_fourth_approval_passes_it_in_the_same_decision() {
    let decisions = run(&written(), &in_turn(&[Approve; 5]));
    assert_eq!(decisions[2], Ok(vec![voted(3, Approve)]));
    let passed = ResolutionEvent::ResolutionPassed {
        tally: tally([4, 0, 0, 0, 1, 0]),
        at: at(60),
    };
    assert_eq!(decisions[3], Ok(vec![voted(4, Approve), passed]));
    assert_eq!(refusal(decisions[4].clone()), DECIDED);
    // Three approvals and a rejection: the last seat decides it.
    let history = after(&written(), &in_turn(&[Approve, Reject, Approve, Approve]));
    let g = given::<Resolution>(&history);
    assert_eq!(g.state.tally().map(|t| t.decide(4)), Some(Decision::Open));
    let passed = ResolutionEvent::ResolutionPassed {
        tally: tally([4, 1, 0, 0, 0, 0]),
        at: at(60),
    };
    assert_eq!(
        g.when(&cast(5, Approve)),
        Ok(vec![voted(5, Approve), passed])
    );
    let history = after(&history, &[cast(5, Approve)]);
    let g = given::<Resolution>(&history);
    assert_eq!(g.state.status, Some(Status::Passed));
    assert_eq!(refusal(g.when(&cast(5, Approve))), DECIDED);
}

#[test]
fn the_second_seat_not_approving_fails_it_at_that_vote() {
    // (votes by seats 1, 2, …; the vote that fails it; the tally then)
    let cases: [(&[Choice], usize, [u32; 6]); 5] = [
        (
            &[Approve, Approve, Approve, Reject, Reject],
            4,
            [3, 2, 0, 0, 0, 0],
        ),
        (&[Reject, Approve, Approve, Reject], 3, [2, 2, 0, 0, 1, 0]),
        (&[Reject, Abstain], 1, [0, 1, 1, 0, 3, 0]),
        (&[Approve, Recuse, Approve, Abstain], 3, [2, 0, 1, 1, 1, 0]),
        (&[Recuse, Recuse], 1, [0, 0, 0, 2, 3, 0]),
    ];
    for (choices, failing, expected) in cases {
        let mut commands = in_turn(choices);
        commands.extend((choices.len() as u32 + 1..=5).map(|seat| cast(seat, Approve)));
        let decisions = run(&written(), &commands);
        for (i, decided) in decisions.into_iter().enumerate() {
            let seat = i as u32 + 1;
            match i.cmp(&failing) {
                Ordering::Less => assert_eq!(decided, Ok(vec![voted(seat, choices[i])])),
                Ordering::Equal => {
                    let because = FailedBecause::QuorumUnreachable;
                    let failed = ResolutionEvent::ResolutionFailed {
                        tally: tally(expected),
                        because,
                        at: at(60),
                    };
                    assert_eq!(
                        decided,
                        Ok(vec![voted(seat, choices[i]), failed]),
                        "{choices:?}"
                    );
                }
                Ordering::Greater => assert_eq!(refusal(decided), DECIDED, "{choices:?}"),
            }
        }
    }
}

#[test]
fn three_approvals_a_recusal_and_one_seat_outstanding_is_still_open() {
    let history = after(&written(), &in_turn(&[Approve, Approve, Recuse, Approve]));
    let state = Resolution::replay(&history);
    assert_eq!(
        (state.status, state.tally()),
        (Some(Status::Open), Some(tally([3, 0, 0, 1, 1, 0])))
    );
    let g = given::<Resolution>(&history);
    assert!(matches!(
        g.when(&cast(5, Approve)).unwrap()[..],
        [_, ResolutionEvent::ResolutionPassed { .. }]
    ));
    assert!(matches!(
        g.when(&cast(5, Abstain)).unwrap()[..],
        [_, ResolutionEvent::ResolutionFailed { .. }]
    ));
}

#[test]
fn a_seat_votes_once_and_only_a_held_seat_votes() {
    let g = given::<Resolution>(&after(&written(), &[cast(2, Reject)]));
    for choice in [Reject, Approve] {
        assert_eq!(
            g.when(&cast(2, choice)),
            Err(ResolutionError::AlreadyVoted(2))
        );
        assert_eq!(
            refusal(g.when(&cast(2, choice))),
            ("seat_already_voted", Some("Art. 14"))
        );
    }
    let mut b = ballot(Mode::Written, "1000000");
    b.seats[2].member = None;
    let g = given::<Resolution>(&b.opened());
    for seat in [0, 3, 6] {
        assert_eq!(
            g.when(&cast(seat, Approve)),
            Err(ResolutionError::NoSuchSeat(seat))
        );
        assert_eq!(
            refusal(g.when(&cast(seat, Approve))),
            ("seat_not_on_resolution", None)
        );
    }
}

#[test]
fn votes_are_taken_until_one_second_before_the_deadline() {
    let g = given::<Resolution>(&written());
    let vote_at = |now| ResolutionCommand::CastVote {
        seat: 1,
        choice: Approve,
        reason: None,
        now,
    };
    assert!(g.when(&vote_at(at(DAY - 1))).is_ok());
    for now in [at(DAY), at(DAY + 1)] {
        assert_eq!(refusal(g.when(&vote_at(now))), ("deadline_passed", None));
    }
}

#[test]
fn reasons_are_trimmed_blank_is_none_and_at_most_2000_characters() {
    let g = given::<Resolution>(&written());
    let reasoned = |reason: Option<String>| {
        let decided = g.when(&ResolutionCommand::CastVote {
            seat: 1,
            choice: Reject,
            reason,
            now: at(60),
        });
        decided.map(|events| match &events[0] {
            ResolutionEvent::VoteCast { reason, .. } => reason.clone(),
            other => panic!("expected VoteCast, got {other:?}"),
        })
    };
    assert_eq!(
        reasoned(Some("  估值过高 \n".into())),
        Ok(Some("估值过高".into()))
    );
    assert_eq!(reasoned(Some(" \t ".into())), Ok(None));
    assert_eq!(reasoned(None), Ok(None));
    let longest = "理".repeat(2000);
    assert_eq!(reasoned(Some(format!(" {longest} "))), Ok(Some(longest)));
    let too_long = reasoned(Some("理".repeat(2001)));
    assert_eq!(too_long, Err(ResolutionError::InvalidText("reason", 2000)));
    assert_eq!(refusal(too_long), ("invalid_text", None));
}

fn choice() -> impl Strategy<Value = Choice> {
    prop_oneof![Just(Approve), Just(Reject), Just(Abstain), Just(Recuse)]
}

proptest! {
    #[test]
    fn the_outcome_is_the_count_of_the_accepted_votes_at_the_vote_that_settles_it(
        votes in proptest::collection::vec((0u32..=6, choice()), 0..14),
    ) {
        let mut state = Resolution::replay(&written());
        let mut accepted: Vec<(u32, Choice)> = Vec::new();
        let mut outcomes = 0;
        for (seat, choice) in votes {
            let count = |votes: &[(u32, Choice)]| Tally::count(5, 0, votes.iter().map(|v| v.1));
            let before = count(&accepted).decide(4);
            match state.decide(&cast(seat, choice)) {
                Ok(events) => {
                    prop_assert_eq!(before, Decision::Open, "a vote after the outcome");
                    prop_assert!(accepted.iter().all(|v| v.0 != seat), "seat {} twice", seat);
                    accepted.push((seat, choice));
                    let tally = count(&accepted);
                    let mut expected = vec![voted(seat, choice)];
                    match tally.decide(4) {
                        Decision::Passed => expected.push(ResolutionEvent::ResolutionPassed { tally, at: at(60) }),
                        Decision::Failed => expected.push(ResolutionEvent::ResolutionFailed {
                            tally,
                            because: FailedBecause::QuorumUnreachable,
                            at: at(60),
                        }),
                        Decision::Open => {}
                    }
                    outcomes += expected.len() - 1;
                    prop_assert_eq!(&events, &expected);
                    for event in &events {
                        state.evolve(event);
                    }
                }
                Err(err) => {
                    let why = if before != Decision::Open {
                        "resolution_decided"
                    } else if !(1..=5).contains(&seat) {
                        "seat_not_on_resolution"
                    } else {
                        "seat_already_voted"
                    };
                    prop_assert_eq!(err.code(), why);
                }
            }
        }
        let decision = Tally::count(5, 0, accepted.iter().map(|v| v.1)).decide(4);
        prop_assert_eq!(outcomes, usize::from(decision != Decision::Open));
        let status = match decision {
            Decision::Passed => Status::Passed,
            Decision::Failed => Status::Failed,
            Decision::Open => Status::Open,
        };
        prop_assert_eq!(state.status, Some(status));
    }
}
