//! The investment committee read model (SPEC §4, Art. 14, 15(6)): each fund's committee as it
//! stands (the member holding each seat, the observers) and every resolution put to it, with
//! the committee it was opened before (the seats snapshot), its meeting, the attendance, each
//! vote with its time and reason, the observers' comments, the count and the outcome.
//!
//! It reads two stream types: `committee` (one stream per fund, `committee-<fund id>`) and
//! `resolution` (one stream per resolution, its id). Only the opening of a resolution names
//! its fund, so the resolution tables are keyed by resolution and the queries filter by the
//! fund recorded at the opening.
//!
//! # Layout
//! - this file: the projection, turning committee and resolution events into writes;
//! - `sql`: the tables and the statements;
//! - `views`: the views the API shows, and `queries`: the functions reading them (both
//!   re-exported here).

mod queries;
mod sql;
mod views;

pub use queries::{committee, resolution, resolutions, voting_record};
pub use views::{
    AttendanceView, CommentView, CommitteeView, DocumentView, MeetingView, ObserverView,
    ResolutionFilter, ResolutionObserverView, ResolutionSeatView, ResolutionSummary,
    ResolutionView, SeatView, TallyView, VoteRecordView, VoteView,
};

use crate::{Param, Projection, Write};
use anyhow::Context;
use domain::committee::membership::{Committee, CommitteeEvent};
use domain::committee::{Attendee, FailedBecause, Resolution, ResolutionEvent, Tally};
use domain::Aggregate;
use eventstore::RecordedEvent;
use sql::{
    ATTENDANCE, COMMENT, CONVENED, DECIDED, MEETING_CLOSED, MEETING_OPENED, MEMBER, OBSERVER,
    OPENED, SEAT, VOTE,
};
use uuid::Uuid;

/// The committee projection.
pub struct CommitteeProjection;

/// A count or seat number as stored (`integer`).
fn int(n: u32) -> anyhow::Result<i32> {
    i32::try_from(n).context("count out of range")
}

/// The wire name of why a resolution failed, as stored in `rm_resolutions.failed_because`.
fn because_name(because: FailedBecause) -> &'static str {
    match because {
        FailedBecause::QuorumUnreachable => "quorum_unreachable",
        FailedBecause::MeetingClosed => "meeting_closed",
    }
}

/// The outcome write: `status`, why it failed, the final count, when.
fn decided(
    resolution: Uuid,
    status: &'static str,
    because: Option<&'static str>,
    tally: &Tally,
    at: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Write> {
    Ok(Write::new(
        DECIDED,
        vec![
            Box::new(resolution),
            Box::new(status),
            Box::new(because),
            Box::new(int(tally.approvals)?),
            Box::new(int(tally.rejections)?),
            Box::new(int(tally.abstentions)?),
            Box::new(int(tally.recusals)?),
            Box::new(at),
        ],
    ))
}

impl CommitteeProjection {
    fn committee_writes(event: &RecordedEvent) -> anyhow::Result<Vec<Write>> {
        Ok(match event.decode::<CommitteeEvent>()? {
            CommitteeEvent::MemberAppointed {
                fund_id,
                seat,
                appointment,
                ..
            } => {
                let params = || -> anyhow::Result<Vec<Param>> {
                    Ok(vec![
                        Box::new(fund_id.0),
                        Box::new(int(seat)?),
                        Box::new(appointment.body.clone()),
                        Box::new(appointment.member.0),
                        Box::new(appointment.name.clone()),
                        Box::new(appointment.since),
                    ])
                };
                vec![Write::new(SEAT, params()?), Write::new(MEMBER, params()?)]
            }
            CommitteeEvent::ObserverAppointed {
                fund_id,
                observer,
                details,
            } => vec![Write::new(
                OBSERVER,
                vec![
                    Box::new(fund_id.0),
                    Box::new(observer.0),
                    Box::new(details.name),
                    Box::new(details.body),
                ],
            )],
        })
    }

    fn resolution_writes(event: &RecordedEvent) -> anyhow::Result<Vec<Write>> {
        let resolution = Uuid::parse_str(&event.stream_id)?;
        let id = || -> Param { Box::new(resolution) };
        Ok(match event.decode::<ResolutionEvent>()? {
            ResolutionEvent::ResolutionOpened {
                resolution_id,
                fund_id,
                subject,
                amount,
                mode,
                deadline,
                seats,
                observers,
                quorum,
                documents,
                at,
            } => {
                let vacant = seats.iter().filter(|s| s.member.is_none()).count();
                vec![Write::new(
                    OPENED,
                    vec![
                        Box::new(resolution_id.0),
                        Box::new(fund_id.0),
                        Box::new(subject.kind.as_str()),
                        Box::new(subject.title),
                        Box::new(subject.reference),
                        Box::new(amount.as_decimal()),
                        Box::new(mode.as_str()),
                        Box::new(deadline),
                        Box::new(int(quorum)?),
                        Box::new(i32::try_from(seats.len())?),
                        Box::new(i32::try_from(vacant)?),
                        // The snapshots as the event carries them.
                        Box::new(serde_json::to_value(&documents)?),
                        Box::new(serde_json::to_value(&seats)?),
                        Box::new(serde_json::to_value(&observers)?),
                        Box::new(at),
                    ],
                )]
            }
            ResolutionEvent::MeetingConvened {
                meets_at,
                place,
                at,
            } => vec![Write::new(
                CONVENED,
                vec![id(), Box::new(meets_at), Box::new(place), Box::new(at)],
            )],
            ResolutionEvent::AttendanceRecorded { attendee, at } => {
                let (kind, seat, observer) = match attendee {
                    Attendee::Member { seat } => ("member", Some(int(seat)?), None),
                    Attendee::Observer { observer } => ("observer", None, Some(observer.0)),
                };
                vec![Write::new(
                    ATTENDANCE,
                    vec![
                        id(),
                        Box::new(event.stream_version),
                        Box::new(kind),
                        Box::new(seat),
                        Box::new(observer),
                        Box::new(at),
                    ],
                )]
            }
            ResolutionEvent::MeetingOpened { at } => {
                vec![Write::new(MEETING_OPENED, vec![id(), Box::new(at)])]
            }
            ResolutionEvent::MeetingClosed { at } => {
                vec![Write::new(MEETING_CLOSED, vec![id(), Box::new(at)])]
            }
            ResolutionEvent::VoteCast {
                seat,
                member,
                choice,
                reason,
                at,
            } => vec![Write::new(
                VOTE,
                vec![
                    id(),
                    Box::new(int(seat)?),
                    Box::new(member.0),
                    Box::new(choice.as_str()),
                    Box::new(reason),
                    Box::new(at),
                ],
            )],
            ResolutionEvent::ObserverCommented { observer, text, at } => vec![Write::new(
                COMMENT,
                vec![
                    id(),
                    Box::new(event.stream_version),
                    Box::new(observer.0),
                    Box::new(text),
                    Box::new(at),
                ],
            )],
            ResolutionEvent::ResolutionPassed { tally, at } => {
                vec![decided(resolution, "passed", None, &tally, at)?]
            }
            ResolutionEvent::ResolutionFailed { tally, because, at } => vec![decided(
                resolution,
                "failed",
                Some(because_name(because)),
                &tally,
                at,
            )?],
            ResolutionEvent::ResolutionLapsed { tally, at } => {
                vec![decided(resolution, "lapsed", None, &tally, at)?]
            }
        })
    }
}

impl Projection for CommitteeProjection {
    const NAME: &'static str = "committee";
    const STREAM_TYPES: &'static [&'static str] =
        &[Committee::STREAM_TYPE, Resolution::STREAM_TYPE];
    const SCHEMA: &'static str = sql::SCHEMA;
    const DROP: &'static str = sql::DROP;
    const STATEMENTS: &'static [&'static str] = sql::STATEMENTS;

    fn writes(&self, event: &RecordedEvent) -> anyhow::Result<Vec<Write>> {
        let stream_type = event.stream_type.as_str();
        if stream_type == Committee::STREAM_TYPE {
            Self::committee_writes(event)
        } else if stream_type == Resolution::STREAM_TYPE {
            Self::resolution_writes(event)
        } else {
            Ok(Vec::new())
        }
    }
}
