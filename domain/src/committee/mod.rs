//! Investment committee resolutions (投资决策委员会, SPEC §4, Art. 14, 15(6)): one aggregate per
//! resolution (a ballot), so that votes on different resolutions never contend.
//!
//! A resolution is opened before the committee as it stands at that moment: the member
//! holding each seat is copied into it, so a re-appointment applies to later resolutions only.
//! It passes the moment approvals reach the quorum (4 of the 5 seats), fails the moment the
//! quorum becomes unreachable (or its meeting closes without it), and lapses at its deadline;
//! the outcome is written by the same append as the vote that settles it, so it is recorded
//! exactly once whatever the concurrency. Amounts above the written-vote limit (超过300万元)
//! are decided only at an on-site meeting, where only members recorded as attending vote, and
//! only while it is open. Observers attend and comment; they never vote.
//!
//! # Layout
//! - this file: the values, the state and the dispatch of [`Aggregate`];
//! - [`ResolutionCommand`], [`ResolutionEvent`], [`ResolutionError`];
//! - [`membership`]: the committee of a fund (seats and observers), its own aggregate;
//! - `decide.rs`: the rules of each command; [`tally`]: the counting.

use crate::{Aggregate, MemberId, ObserverId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

mod command;
pub use command::ResolutionCommand;
mod decide;
mod error;
pub use error::ResolutionError;
mod event;
pub use event::{FailedBecause, ResolutionEvent};
pub mod membership;
#[cfg(test)]
mod membership_tests;
#[cfg(test)]
mod resolution_meeting_tests;
#[cfg(test)]
mod resolution_tests;
#[cfg(test)]
mod resolution_vote_tests;
pub mod tally;
pub use tally::{Choice, Decision, Tally};

/// The longest title, reference, place or name, in characters.
pub const MAX_TEXT_CHARS: usize = 200;
/// The longest vote reason or comment, in characters.
pub const MAX_REMARK_CHARS: usize = 2000;

/// What kind of decision a resolution takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// An investment decision (投资决策).
    Investment,
    /// An exit plan (退出方案).
    Exit,
    /// Anything else the fund's policy routes to the committee.
    Other,
}

impl SubjectKind {
    /// The wire name.
    pub fn as_str(&self) -> &'static str {
        match self {
            SubjectKind::Investment => "investment",
            SubjectKind::Exit => "exit",
            SubjectKind::Other => "other",
        }
    }
}

/// What is decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// Its kind.
    pub kind: SubjectKind,
    /// A title, e.g. the project's name and the proposal.
    pub title: String,
    /// What it refers to, e.g. the project id; may be empty.
    #[serde(default)]
    pub reference: String,
}

/// How the committee decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Circulated written vote (传签).
    Written,
    /// On-site meeting (现场会议).
    OnSite,
}

impl Mode {
    /// The wire name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Mode::Written => "written",
            Mode::OnSite => "on_site",
        }
    }
}

/// A voting seat and the member holding it for one resolution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatHolder {
    /// The seat, 1-based.
    pub seat: u32,
    /// The body appointing to it (e.g. 财政局).
    pub body: String,
    /// The member, `None` while the seat is vacant.
    pub member: Option<MemberId>,
}

/// A paper before the committee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Its title.
    pub title: String,
    /// Its reference (a file number or a URL in the document system).
    pub reference: String,
}

/// Someone at the meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Attendee {
    /// The member of a seat.
    Member {
        /// The seat.
        seat: u32,
    },
    /// An observer.
    Observer {
        /// The observer.
        observer: ObserverId,
    },
}

/// Where a resolution stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Votes are taken.
    Open,
    /// Approved.
    Passed,
    /// The quorum became unreachable.
    Failed,
    /// The deadline passed without an outcome.
    Lapsed,
}

impl Status {
    /// The wire name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Lapsed => "lapsed",
        }
    }
}

/// What the opening fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// The fund whose committee decides.
    pub fund: crate::FundId,
    /// What is decided.
    pub subject: Subject,
    /// The amount at stake.
    pub amount: crate::Money,
    /// Written or on-site.
    pub mode: Mode,
    /// Until when votes are taken.
    pub deadline: DateTime<Utc>,
    /// Seats and members.
    pub seats: Vec<SeatHolder>,
    /// Observers.
    pub observers: Vec<ObserverId>,
    /// Approvals that pass it.
    pub quorum: u32,
}

/// The on-site meeting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meeting {
    /// Convened.
    pub convened: bool,
    /// Open now.
    pub open: bool,
    /// Closed.
    pub closed: bool,
    /// Who attends.
    pub attendees: BTreeSet<Attendee>,
}

/// A resolution's state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolution {
    /// `None` until opened.
    pub opened: Option<Opened>,
    /// The votes by seat.
    pub votes: BTreeMap<u32, Choice>,
    /// The meeting (on-site mode).
    pub meeting: Meeting,
    /// Where it stands.
    pub status: Option<Status>,
}

impl Resolution {
    /// The current count; `None` before opening.
    pub fn tally(&self) -> Option<Tally> {
        let opened = self.opened.as_ref()?;
        let vacant = opened.seats.iter().filter(|s| s.member.is_none()).count() as u32;
        Some(Tally::count(
            opened.seats.len() as u32,
            vacant,
            self.votes.values().copied(),
        ))
    }
}

impl Aggregate for Resolution {
    const STREAM_TYPE: &'static str = "resolution";
    type Command = ResolutionCommand;
    type Event = ResolutionEvent;
    type Error = ResolutionError;

    fn decide(&self, command: &ResolutionCommand) -> Result<Vec<ResolutionEvent>, ResolutionError> {
        decide::decide(self, command)
    }

    fn evolve(&mut self, event: &ResolutionEvent) {
        match event {
            ResolutionEvent::ResolutionOpened {
                fund_id,
                subject,
                amount,
                mode,
                deadline,
                seats,
                observers,
                quorum,
                ..
            } => {
                self.opened = Some(Opened {
                    fund: *fund_id,
                    subject: subject.clone(),
                    amount: *amount,
                    mode: *mode,
                    deadline: *deadline,
                    seats: seats.clone(),
                    observers: observers.clone(),
                    quorum: *quorum,
                });
                self.status = Some(Status::Open);
            }
            ResolutionEvent::MeetingConvened { .. } => self.meeting.convened = true,
            ResolutionEvent::AttendanceRecorded { attendee, .. } => {
                self.meeting.attendees.insert(*attendee);
            }
            ResolutionEvent::MeetingOpened { .. } => self.meeting.open = true,
            ResolutionEvent::MeetingClosed { .. } => {
                self.meeting.open = false;
                self.meeting.closed = true;
            }
            ResolutionEvent::VoteCast { seat, choice, .. } => {
                self.votes.insert(*seat, *choice);
            }
            ResolutionEvent::ObserverCommented { .. } => {}
            ResolutionEvent::ResolutionPassed { .. } => self.status = Some(Status::Passed),
            ResolutionEvent::ResolutionFailed { .. } => self.status = Some(Status::Failed),
            ResolutionEvent::ResolutionLapsed { .. } => self.status = Some(Status::Lapsed),
        }
    }
}
