//! The rules of each resolution command.

use super::{
    Attendee, Choice, Decision, Document, FailedBecause, Mode, Opened, Resolution,
    ResolutionCommand, ResolutionError, ResolutionEvent, SeatHolder, Status, Subject,
    MAX_REMARK_CHARS, MAX_TEXT_CHARS,
};
use crate::{FundId, Money, ObserverId, ResolutionId};
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;

type Decided = Result<Vec<ResolutionEvent>, ResolutionError>;

/// Trims `text` and checks its length: 1 to `max` characters.
fn text(value: &str, what: &'static str, max: usize) -> Result<String, ResolutionError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(ResolutionError::InvalidText(what, max));
    }
    Ok(value.to_owned())
}

/// Dispatches a command to its rule.
pub fn decide(r: &Resolution, command: &ResolutionCommand) -> Decided {
    match command {
        ResolutionCommand::Open {
            resolution_id,
            fund_id,
            subject,
            amount,
            mode,
            deadline,
            seats,
            observers,
            quorum,
            written_vote_max,
            documents,
            now,
        } => open(
            r,
            Opening {
                resolution_id: *resolution_id,
                fund_id: *fund_id,
                subject,
                amount: *amount,
                mode: *mode,
                deadline: *deadline,
                seats,
                observers,
                quorum: *quorum,
                written_vote_max: *written_vote_max,
                documents,
                now: *now,
            },
        ),
        ResolutionCommand::Convene {
            meets_at,
            place,
            now,
        } => {
            let opened = undecided(r, *now)?;
            meeting_mode(opened)?;
            if r.meeting.convened {
                return Err(ResolutionError::AlreadyConvened);
            }
            Ok(vec![ResolutionEvent::MeetingConvened {
                meets_at: *meets_at,
                place: text(place, "place", MAX_TEXT_CHARS)?,
                at: *now,
            }])
        }
        ResolutionCommand::RecordAttendance { attendee, now } => attend(r, *attendee, *now),
        ResolutionCommand::OpenMeeting { now } => {
            meeting_mode(undecided(r, *now)?)?;
            if !r.meeting.convened {
                return Err(ResolutionError::NotConvened);
            }
            if r.meeting.open || r.meeting.closed {
                return Err(ResolutionError::MeetingAlreadyOpen);
            }
            Ok(vec![ResolutionEvent::MeetingOpened { at: *now }])
        }
        ResolutionCommand::CloseMeeting { now } => close_meeting(r, *now),
        ResolutionCommand::CastVote {
            seat,
            choice,
            reason,
            now,
        } => vote(r, *seat, *choice, reason.as_deref(), *now),
        ResolutionCommand::Comment {
            observer,
            text: comment,
            now,
        } => {
            let opened = undecided(r, *now)?;
            if !opened.observers.contains(observer) {
                return Err(ResolutionError::NoSuchObserver);
            }
            Ok(vec![ResolutionEvent::ObserverCommented {
                observer: *observer,
                text: text(comment, "comment", MAX_REMARK_CHARS)?,
                at: *now,
            }])
        }
        ResolutionCommand::Lapse { now } => lapse(r, *now),
    }
}

/// The fields of `Open`.
struct Opening<'a> {
    resolution_id: ResolutionId,
    fund_id: FundId,
    subject: &'a Subject,
    amount: Money,
    mode: Mode,
    deadline: DateTime<Utc>,
    seats: &'a [SeatHolder],
    observers: &'a [ObserverId],
    quorum: u32,
    written_vote_max: Money,
    documents: &'a [Document],
    now: DateTime<Utc>,
}

fn open(r: &Resolution, o: Opening<'_>) -> Decided {
    if r.opened.is_some() {
        return Err(ResolutionError::AlreadyOpened);
    }
    let subject = Subject {
        kind: o.subject.kind,
        title: text(&o.subject.title, "title", MAX_TEXT_CHARS)?,
        reference: o.subject.reference.trim().to_owned(),
    };
    if subject.reference.chars().count() > MAX_TEXT_CHARS {
        return Err(ResolutionError::InvalidText("reference", MAX_TEXT_CHARS));
    }
    if o.amount < Money::ZERO {
        return Err(ResolutionError::NegativeAmount);
    }
    // "超过300万元": above the limit, an on-site meeting only; exactly the limit may circulate.
    if o.mode == Mode::Written && o.amount > o.written_vote_max {
        return Err(ResolutionError::OnSiteMeetingRequired {
            limit: o.written_vote_max,
        });
    }
    if o.deadline <= o.now {
        return Err(ResolutionError::DeadlineNotAfterOpening);
    }
    let numbers: BTreeSet<u32> = o.seats.iter().map(|s| s.seat).collect();
    let expected: BTreeSet<u32> = (1..=o.seats.len() as u32).collect();
    if o.seats.is_empty() || numbers != expected || o.quorum == 0 {
        return Err(ResolutionError::InvalidCommittee);
    }
    // The seats held must be able to carry it, and nobody holds two seats.
    let held: Vec<_> = o.seats.iter().filter_map(|s| s.member).collect();
    let people: BTreeSet<_> = held.iter().collect();
    if o.quorum > held.len() as u32 || people.len() != held.len() {
        return Err(ResolutionError::InvalidCommittee);
    }
    let documents = o
        .documents
        .iter()
        .map(|d| {
            Ok(Document {
                title: text(&d.title, "document title", MAX_TEXT_CHARS)?,
                reference: text(&d.reference, "document reference", MAX_TEXT_CHARS)?,
            })
        })
        .collect::<Result<Vec<_>, ResolutionError>>()?;
    let mut seats = o.seats.to_vec();
    seats.sort_by_key(|s| s.seat);
    let mut observers = o.observers.to_vec();
    observers.sort();
    observers.dedup();
    Ok(vec![ResolutionEvent::ResolutionOpened {
        resolution_id: o.resolution_id,
        fund_id: o.fund_id,
        subject,
        amount: o.amount,
        mode: o.mode,
        deadline: o.deadline,
        seats,
        observers,
        quorum: o.quorum,
        documents,
        at: o.now,
    }])
}

/// The resolution, opened and without an outcome, before its deadline.
fn undecided(r: &Resolution, now: DateTime<Utc>) -> Result<&Opened, ResolutionError> {
    let opened = r.opened.as_ref().ok_or(ResolutionError::NotFound)?;
    if r.status != Some(Status::Open) {
        return Err(ResolutionError::AlreadyDecided);
    }
    if now >= opened.deadline {
        return Err(ResolutionError::DeadlinePassed);
    }
    Ok(opened)
}

fn meeting_mode(opened: &Opened) -> Result<(), ResolutionError> {
    match opened.mode {
        Mode::OnSite => Ok(()),
        Mode::Written => Err(ResolutionError::NotAMeeting),
    }
}

fn held_seat(opened: &Opened, seat: u32) -> Result<&SeatHolder, ResolutionError> {
    opened
        .seats
        .iter()
        .find(|s| s.seat == seat && s.member.is_some())
        .ok_or(ResolutionError::NoSuchSeat(seat))
}

fn attend(r: &Resolution, attendee: Attendee, now: DateTime<Utc>) -> Decided {
    let opened = undecided(r, now)?;
    meeting_mode(opened)?;
    if !r.meeting.convened {
        return Err(ResolutionError::NotConvened);
    }
    if r.meeting.closed {
        return Err(ResolutionError::MeetingClosed);
    }
    match attendee {
        Attendee::Member { seat } => {
            held_seat(opened, seat)?;
        }
        Attendee::Observer { observer } => {
            if !opened.observers.contains(&observer) {
                return Err(ResolutionError::NoSuchObserver);
            }
        }
    }
    if r.meeting.attendees.contains(&attendee) {
        return Ok(Vec::new());
    }
    Ok(vec![ResolutionEvent::AttendanceRecorded {
        attendee,
        at: now,
    }])
}

fn close_meeting(r: &Resolution, now: DateTime<Utc>) -> Decided {
    let opened = r.opened.as_ref().ok_or(ResolutionError::NotFound)?;
    meeting_mode(opened)?;
    if !r.meeting.open {
        return Err(ResolutionError::MeetingNotOpen);
    }
    // Past the deadline an undecided resolution lapses (the scheduler records it); closing
    // the meeting then would race the lapse.
    if r.status == Some(Status::Open) && now >= opened.deadline {
        return Err(ResolutionError::DeadlinePassed);
    }
    let mut events = vec![ResolutionEvent::MeetingClosed { at: now }];
    // Nobody can vote after the meeting: without the quorum now, it never comes.
    if r.status == Some(Status::Open) {
        if let Some(tally) = r.tally() {
            events.push(ResolutionEvent::ResolutionFailed {
                tally,
                because: FailedBecause::MeetingClosed,
                at: now,
            });
        }
    }
    Ok(events)
}

fn vote(
    r: &Resolution,
    seat: u32,
    choice: Choice,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Decided {
    let opened = undecided(r, now)?;
    let holder = held_seat(opened, seat)?;
    if r.votes.contains_key(&seat) {
        return Err(ResolutionError::AlreadyVoted(seat));
    }
    if opened.mode == Mode::OnSite {
        if !r.meeting.open {
            return Err(ResolutionError::MeetingNotOpen);
        }
        if !r.meeting.attendees.contains(&Attendee::Member { seat }) {
            return Err(ResolutionError::NotAttending(seat));
        }
    }
    let reason = match reason.map(str::trim) {
        None | Some("") => None,
        Some(_) => Some(text(
            reason.unwrap_or_default(),
            "reason",
            MAX_REMARK_CHARS,
        )?),
    };
    let Some(member) = holder.member else {
        return Err(ResolutionError::NoSuchSeat(seat));
    };
    let mut after = r.clone();
    after.votes.insert(seat, choice);
    let tally = after.tally().ok_or(ResolutionError::NotFound)?;
    let mut events = vec![ResolutionEvent::VoteCast {
        seat,
        member,
        choice,
        reason,
        at: now,
    }];
    match tally.decide(opened.quorum) {
        Decision::Passed => events.push(ResolutionEvent::ResolutionPassed { tally, at: now }),
        Decision::Failed => events.push(ResolutionEvent::ResolutionFailed {
            tally,
            because: FailedBecause::QuorumUnreachable,
            at: now,
        }),
        Decision::Open => {}
    }
    Ok(events)
}

fn lapse(r: &Resolution, now: DateTime<Utc>) -> Decided {
    let opened = r.opened.as_ref().ok_or(ResolutionError::NotFound)?;
    if r.status != Some(Status::Open) {
        return Ok(Vec::new());
    }
    if now < opened.deadline {
        return Err(ResolutionError::DeadlineNotReached);
    }
    let tally = r.tally().ok_or(ResolutionError::NotFound)?;
    Ok(vec![ResolutionEvent::ResolutionLapsed { tally, at: now }])
}
