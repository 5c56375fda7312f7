//! The events of a resolution.

use super::{Attendee, Choice, Document, Mode, SeatHolder, Subject, Tally};
use crate::{DomainEvent, FundId, Money, ObserverId, ResolutionId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Why a resolution failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailedBecause {
    /// Too many seats did not approve for the quorum to be reached.
    QuorumUnreachable,
    /// The meeting closed before the quorum was reached.
    MeetingClosed,
}

/// Events of a resolution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
pub enum ResolutionEvent {
    /// The resolution was opened.
    ResolutionOpened {
        /// The resolution.
        resolution_id: ResolutionId,
        /// The fund.
        fund_id: FundId,
        /// What is decided.
        subject: Subject,
        /// The amount at stake.
        amount: Money,
        /// Written or on-site.
        mode: Mode,
        /// Until when votes are taken.
        deadline: DateTime<Utc>,
        /// The seats and their members for this resolution.
        seats: Vec<SeatHolder>,
        /// The observers.
        observers: Vec<ObserverId>,
        /// Approvals that pass it.
        quorum: u32,
        /// The papers.
        documents: Vec<Document>,
        /// When.
        at: DateTime<Utc>,
    },
    /// The on-site meeting was convened.
    MeetingConvened {
        /// When it meets.
        meets_at: DateTime<Utc>,
        /// Where.
        place: String,
        /// When it was convened.
        at: DateTime<Utc>,
    },
    /// Someone attends the meeting.
    AttendanceRecorded {
        /// Who.
        attendee: Attendee,
        /// When recorded.
        at: DateTime<Utc>,
    },
    /// The meeting opened.
    MeetingOpened {
        /// When.
        at: DateTime<Utc>,
    },
    /// The meeting closed.
    MeetingClosed {
        /// When.
        at: DateTime<Utc>,
    },
    /// A seat voted.
    VoteCast {
        /// The seat.
        seat: u32,
        /// Its member on this resolution.
        member: crate::MemberId,
        /// How.
        choice: Choice,
        /// Why.
        reason: Option<String>,
        /// When.
        at: DateTime<Utc>,
    },
    /// An observer commented.
    ObserverCommented {
        /// The observer.
        observer: ObserverId,
        /// The comment.
        text: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// Approvals reached the quorum.
    ResolutionPassed {
        /// The final count.
        tally: Tally,
        /// When.
        at: DateTime<Utc>,
    },
    /// The quorum became unreachable.
    ResolutionFailed {
        /// The final count.
        tally: Tally,
        /// Why.
        because: FailedBecause,
        /// When.
        at: DateTime<Utc>,
    },
    /// The deadline passed without an outcome.
    ResolutionLapsed {
        /// The final count.
        tally: Tally,
        /// When recorded.
        at: DateTime<Utc>,
    },
}

impl ResolutionEvent {
    /// When it happened.
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            ResolutionEvent::ResolutionOpened { at, .. }
            | ResolutionEvent::MeetingConvened { at, .. }
            | ResolutionEvent::AttendanceRecorded { at, .. }
            | ResolutionEvent::MeetingOpened { at }
            | ResolutionEvent::MeetingClosed { at }
            | ResolutionEvent::VoteCast { at, .. }
            | ResolutionEvent::ObserverCommented { at, .. }
            | ResolutionEvent::ResolutionPassed { at, .. }
            | ResolutionEvent::ResolutionFailed { at, .. }
            | ResolutionEvent::ResolutionLapsed { at, .. } => *at,
        }
    }
}

impl DomainEvent for ResolutionEvent {
    // No upcasters (the default `upcast`): every payload is schema version 1.
    fn reads_as_stored(_event_type: &str, schema_version: i32) -> bool {
        crate::aggregate::reads_version_1_as_stored(schema_version)
    }

    fn event_type(&self) -> &'static str {
        match self {
            ResolutionEvent::ResolutionOpened { .. } => "ResolutionOpened",
            ResolutionEvent::MeetingConvened { .. } => "MeetingConvened",
            ResolutionEvent::AttendanceRecorded { .. } => "AttendanceRecorded",
            ResolutionEvent::MeetingOpened { .. } => "MeetingOpened",
            ResolutionEvent::MeetingClosed { .. } => "MeetingClosed",
            ResolutionEvent::VoteCast { .. } => "VoteCast",
            ResolutionEvent::ObserverCommented { .. } => "ObserverCommented",
            ResolutionEvent::ResolutionPassed { .. } => "ResolutionPassed",
            ResolutionEvent::ResolutionFailed { .. } => "ResolutionFailed",
            ResolutionEvent::ResolutionLapsed { .. } => "ResolutionLapsed",
        }
    }

    /// The day in China Standard Time (UTC+8) on which it happened.
    fn effective_date(&self) -> Option<NaiveDate> {
        Some((self.at() + chrono::TimeDelta::hours(8)).date_naive())
    }
}
