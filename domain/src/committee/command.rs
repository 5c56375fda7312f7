//! The commands a resolution accepts. Times (`now`) come from the caller's clock.

use super::{Attendee, Document, Mode, SeatHolder, Subject};
use crate::{FundId, Money, ObserverId, ResolutionId};
use chrono::{DateTime, Utc};

/// Commands on a resolution.
#[derive(Debug, Clone)]
pub enum ResolutionCommand {
    /// The manager opens a resolution before the committee as it stands now.
    Open {
        /// The new resolution's id.
        resolution_id: ResolutionId,
        /// The fund whose committee decides.
        fund_id: FundId,
        /// What is decided.
        subject: Subject,
        /// The amount at stake (zero when none).
        amount: Money,
        /// Written circulation or on-site meeting.
        mode: Mode,
        /// Votes are taken until this instant; then it lapses.
        deadline: DateTime<Utc>,
        /// Every voting seat with the member holding it now (`None`: vacant).
        seats: Vec<SeatHolder>,
        /// The observers now.
        observers: Vec<ObserverId>,
        /// Approvals that pass it.
        quorum: u32,
        /// The largest amount a written vote may decide (inclusive).
        written_vote_max: Money,
        /// The papers before the committee.
        documents: Vec<Document>,
        /// Now.
        now: DateTime<Utc>,
    },
    /// Convene the on-site meeting.
    Convene {
        /// When it meets.
        meets_at: DateTime<Utc>,
        /// Where.
        place: String,
        /// Now.
        now: DateTime<Utc>,
    },
    /// Record that a member or observer attends the meeting.
    RecordAttendance {
        /// Who.
        attendee: Attendee,
        /// Now.
        now: DateTime<Utc>,
    },
    /// Open the meeting: attending members may vote.
    OpenMeeting {
        /// Now.
        now: DateTime<Utc>,
    },
    /// Close the meeting: no more votes.
    CloseMeeting {
        /// Now.
        now: DateTime<Utc>,
    },
    /// A seat votes.
    CastVote {
        /// The seat.
        seat: u32,
        /// How.
        choice: super::Choice,
        /// Why, optionally.
        reason: Option<String>,
        /// Now.
        now: DateTime<Utc>,
    },
    /// An observer comments.
    Comment {
        /// The observer.
        observer: ObserverId,
        /// The comment.
        text: String,
        /// Now.
        now: DateTime<Utc>,
    },
    /// Record that the deadline passed without an outcome (the scheduler's command).
    Lapse {
        /// Now.
        now: DateTime<Utc>,
    },
}
