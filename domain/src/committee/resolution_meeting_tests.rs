//! Given/when/then tests of on-site meetings (Art. 15(6)), observers' comments and the lapse
//! of a resolution at its deadline.

use super::resolution_tests::*;
use super::*;
use crate::aggregate::given;
use Choice::{Approve, Reject};

/// An on-site meeting on 5,000,000, convened.
fn on_site() -> Vec<ResolutionEvent> {
    let history = ballot(Mode::OnSite, "5000000").opened();
    let convene = ResolutionCommand::Convene {
        meets_at: at(3600),
        place: " 昆山市科创办会议室 ".to_owned(),
        now: at(10),
    };
    after(&history, &[convene])
}

fn attend(seat: u32) -> ResolutionCommand {
    let attendee = Attendee::Member { seat };
    ResolutionCommand::RecordAttendance {
        attendee,
        now: at(20),
    }
}

#[test]
fn a_meeting_is_convened_attended_opened_voted_at_and_closed() {
    let history = on_site();
    assert!(
        matches!(&history[1], ResolutionEvent::MeetingConvened { place, .. } if place == "昆山市科创办会议室")
    );
    let mut commands: Vec<_> = (1..=4).map(attend).collect();
    commands.push(ResolutionCommand::OpenMeeting { now: at(30) });
    commands.extend(in_turn(&[Approve, Approve, Approve]));
    let history = after(&history, &commands);
    let g = given::<Resolution>(&history);
    let passed = ResolutionEvent::ResolutionPassed {
        tally: tally([4, 0, 0, 0, 1, 0]),
        at: at(60),
    };
    assert_eq!(
        g.when(&cast(4, Approve)),
        Ok(vec![voted(4, Approve), passed])
    );
    let history = after(&history, &[cast(4, Approve)]);
    let close = ResolutionCommand::CloseMeeting { now: at(90) };
    let closed = ResolutionEvent::MeetingClosed { at: at(90) };
    assert_eq!(given::<Resolution>(&history).when(&close), Ok(vec![closed]));
}

#[test]
fn at_a_meeting_only_attending_members_vote_while_it_is_open() {
    let mut b = ballot(Mode::OnSite, "5000000");
    let not_open = ("meeting_not_open", Some("Art. 15(6)"));
    assert_eq!(
        refusal(given::<Resolution>(&b.opened()).when(&cast(1, Approve))),
        not_open
    );
    let history = after(&on_site(), &[attend(1)]);
    assert_eq!(
        refusal(given::<Resolution>(&history).when(&cast(1, Approve))),
        not_open
    );
    let history = after(&history, &[ResolutionCommand::OpenMeeting { now: at(30) }]);
    let g = given::<Resolution>(&history);
    assert!(g.when(&cast(1, Approve)).is_ok());
    assert_eq!(
        g.when(&cast(2, Approve)),
        Err(ResolutionError::NotAttending(2))
    );
    assert_eq!(
        refusal(g.when(&cast(2, Approve))),
        ("not_attending", Some("Art. 15(6)"))
    );
    // Attendance recorded once the meeting is open lets the member vote.
    assert!(run(&history, &[attend(2), cast(2, Approve)])
        .iter()
        .all(Result::is_ok));
    // An on-site meeting also decides amounts a written vote could.
    b.amount = money("100");
    assert!(b.decided().is_ok());
}

#[test]
fn closing_the_meeting_without_the_quorum_fails_it() {
    let mut commands: Vec<_> = (1..=5).map(attend).collect();
    commands.push(ResolutionCommand::OpenMeeting { now: at(30) });
    commands.extend(in_turn(&[Approve, Approve, Approve]));
    let history = after(&on_site(), &commands);
    let close = ResolutionCommand::CloseMeeting { now: at(90) };
    let failed = ResolutionEvent::ResolutionFailed {
        tally: tally([3, 0, 0, 0, 2, 0]),
        because: FailedBecause::MeetingClosed,
        at: at(90),
    };
    let closed = ResolutionEvent::MeetingClosed { at: at(90) };
    assert_eq!(
        given::<Resolution>(&history).when(&close),
        Ok(vec![closed, failed])
    );
    let g = given::<Resolution>(&after(&history, std::slice::from_ref(&close)));
    assert_eq!(g.state.status, Some(Status::Failed));
    assert_eq!(refusal(g.when(&cast(4, Approve))), DECIDED);
    assert_eq!(
        refusal(g.when(&close)),
        ("meeting_not_open", Some("Art. 15(6)"))
    );
}

#[test]
fn the_meeting_goes_convened_then_open_then_closed() {
    let unconvened = given::<Resolution>(&ballot(Mode::OnSite, "5000000").opened());
    let now = at(30);
    assert_eq!(
        refusal(unconvened.when(&attend(1))),
        ("meeting_not_convened", None)
    );
    assert_eq!(
        refusal(unconvened.when(&ResolutionCommand::OpenMeeting { now })),
        ("meeting_not_convened", None)
    );
    assert_eq!(
        refusal(unconvened.when(&ResolutionCommand::CloseMeeting { now })),
        ("meeting_not_open", Some("Art. 15(6)"))
    );
    let blank = ResolutionCommand::Convene {
        meets_at: now,
        place: "  ".into(),
        now,
    };
    assert_eq!(refusal(unconvened.when(&blank)), ("invalid_text", None));
    let convened = given::<Resolution>(&on_site());
    let again = ResolutionCommand::Convene {
        meets_at: now,
        place: "会议室".into(),
        now,
    };
    assert_eq!(
        refusal(convened.when(&again)),
        ("meeting_already_convened", None)
    );
    let open = ResolutionCommand::OpenMeeting { now };
    let g = given::<Resolution>(&after(&on_site(), std::slice::from_ref(&open)));
    assert_eq!(refusal(g.when(&open)), ("meeting_already_open", None));
    let mut b = ballot(Mode::OnSite, "5000000");
    b.seats[4].member = None;
    let g = given::<Resolution>(&after(&b.opened(), &[again]));
    assert_eq!(
        refusal(g.when(&attend(5))),
        ("seat_not_on_resolution", None)
    );
    let stranger = Attendee::Observer {
        observer: observer(9),
    };
    let stranger = ResolutionCommand::RecordAttendance {
        attendee: stranger,
        now,
    };
    assert_eq!(
        refusal(g.when(&stranger)),
        ("observer_not_on_resolution", None)
    );
}

#[test]
fn attendance_recorded_twice_records_nothing_the_second_time() {
    let history = after(&on_site(), &[attend(3)]);
    assert_eq!(given::<Resolution>(&history).when(&attend(3)), Ok(vec![]));
    let attendee = Attendee::Observer {
        observer: observer(1),
    };
    let history = after(
        &history,
        &[ResolutionCommand::RecordAttendance {
            attendee,
            now: at(20),
        }],
    );
    let again = ResolutionCommand::RecordAttendance {
        attendee,
        now: at(25),
    };
    assert_eq!(given::<Resolution>(&history).when(&again), Ok(vec![]));
}

#[test]
fn meeting_commands_on_a_written_resolution_are_refused() {
    let g = given::<Resolution>(&written());
    let now = at(30);
    let commands = [
        ResolutionCommand::Convene {
            meets_at: now,
            place: "会议室".into(),
            now,
        },
        attend(1),
        ResolutionCommand::OpenMeeting { now },
        ResolutionCommand::CloseMeeting { now },
    ];
    for command in commands {
        assert_eq!(
            refusal(g.when(&command)),
            ("not_a_meeting", None),
            "{command:?}"
        );
    }
}

#[test]
fn an_observer_attending_is_no_seat_and_cannot_vote() {
    let observing = |n| ResolutionCommand::RecordAttendance {
        attendee: Attendee::Observer {
            observer: observer(n),
        },
        now: at(20),
    };
    let mut commands = vec![
        observing(1),
        observing(2),
        observing(3),
        attend(1),
        attend(2),
        attend(3),
    ];
    commands.push(ResolutionCommand::OpenMeeting { now: at(30) });
    commands.extend(in_turn(&[Approve, Approve, Approve]));
    let history = after(&on_site(), &commands);
    let state = Resolution::replay(&history);
    assert_eq!(state.meeting.attendees.len(), 6);
    assert_eq!(
        (state.status, state.tally()),
        (Some(Status::Open), Some(tally([3, 0, 0, 0, 2, 0])))
    );
    assert_eq!(
        refusal(given::<Resolution>(&history).when(&cast(4, Approve))),
        ("not_attending", Some("Art. 15(6)"))
    );
}

#[test]
fn listed_observers_comment_and_nobody_else() {
    let g = given::<Resolution>(&written());
    let comment = |n, text: &str| ResolutionCommand::Comment {
        observer: observer(n),
        text: text.into(),
        now: at(40),
    };
    let commented = ResolutionEvent::ObserverCommented {
        observer: observer(2),
        text: "建议补充尽调".into(),
        at: at(40),
    };
    assert_eq!(g.when(&comment(2, " 建议补充尽调 ")), Ok(vec![commented]));
    assert_eq!(
        refusal(g.when(&comment(9, "意见"))),
        ("observer_not_on_resolution", None)
    );
    assert_eq!(refusal(g.when(&comment(1, "  "))), ("invalid_text", None));
    assert_eq!(
        refusal(g.when(&comment(1, &"评".repeat(2001)))),
        ("invalid_text", None)
    );
    let history = after(&written(), &[comment(2, "建议补充尽调")]);
    assert_eq!(
        Resolution::replay(&history).tally(),
        Some(tally([0, 0, 0, 0, 5, 0]))
    );
    let passed = after(&history, &in_turn(&[Approve; 4]));
    assert_eq!(
        refusal(given::<Resolution>(&passed).when(&comment(1, "意见"))),
        DECIDED
    );
}

#[test]
fn a_resolution_lapses_at_its_deadline_once() {
    let history = after(&written(), &in_turn(&[Approve, Reject]));
    let g = given::<Resolution>(&history);
    assert_eq!(
        refusal(g.when(&ResolutionCommand::Lapse { now: at(DAY - 1) })),
        ("deadline_not_reached", None)
    );
    let lapsed = ResolutionEvent::ResolutionLapsed {
        tally: tally([1, 1, 0, 0, 3, 0]),
        at: at(DAY),
    };
    assert_eq!(
        g.when(&ResolutionCommand::Lapse { now: at(DAY) }),
        Ok(vec![lapsed])
    );
    let history = after(&history, &[ResolutionCommand::Lapse { now: at(DAY) }]);
    let g = given::<Resolution>(&history);
    assert_eq!(g.state.status, Some(Status::Lapsed));
    assert_eq!(
        g.when(&ResolutionCommand::Lapse { now: at(DAY + 5) }),
        Ok(vec![])
    );
    assert_eq!(refusal(g.when(&cast(3, Approve))), DECIDED);
    // A decided resolution never lapses.
    let passed = after(&written(), &in_turn(&[Approve; 4]));
    assert_eq!(
        given::<Resolution>(&passed).when(&ResolutionCommand::Lapse { now: at(DAY) }),
        Ok(vec![])
    );
}

#[test]
fn closing_the_meeting_after_the_deadline_lets_the_resolution_lapse() {
    let mut commands: Vec<_> = (1..=3).map(attend).collect();
    commands.push(ResolutionCommand::OpenMeeting { now: at(30) });
    commands.extend(in_turn(&[Approve, Approve, Approve]));
    let now = at(DAY);
    commands.push(ResolutionCommand::CloseMeeting { now });
    // Whether the close is refused or records the meeting closed, it must not fail it.
    let mut history = on_site();
    for (i, decided) in run(&on_site(), &commands).into_iter().enumerate() {
        let failed = |e: &ResolutionEvent| matches!(e, ResolutionEvent::ResolutionFailed { .. });
        assert!(!decided.iter().flatten().any(failed), "{i}: {decided:?}");
        history.extend(decided.unwrap_or_default());
    }
    history.extend(
        given::<Resolution>(&history)
            .when(&ResolutionCommand::Lapse { now })
            .unwrap(),
    );
    assert_eq!(Resolution::replay(&history).status, Some(Status::Lapsed));
}
