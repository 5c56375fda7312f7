//! Why a resolution command is refused: one variant per broken rule, with its stable code
//! and, for the fund rules, the article.

use crate::{Money, Rejection};

/// Why a resolution command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolutionError {
    /// The resolution was opened before.
    #[error("this resolution is already open")]
    AlreadyOpened,
    /// The command needs an opened resolution.
    #[error("no such resolution")]
    NotFound,
    /// Blank or too long subject title, reference, place, reason or comment.
    #[error("the {0} must have 1 to {1} characters")]
    InvalidText(&'static str, usize),
    /// A negative amount.
    #[error("the amount must not be negative")]
    NegativeAmount,
    /// Above the written-vote limit only an on-site meeting may decide (Art. 15(6)).
    #[error("an amount above {limit} is decided only at an on-site meeting")]
    OnSiteMeetingRequired {
        /// The largest amount a written vote may decide.
        limit: Money,
    },
    /// The deadline must be after the opening.
    #[error("the deadline must be after the resolution is opened")]
    DeadlineNotAfterOpening,
    /// No seats, a seat given twice, or a quorum that cannot be reached.
    #[error("the committee must have seats numbered once each and a reachable quorum")]
    InvalidCommittee,
    /// The resolution has its outcome.
    #[error("the resolution is already decided")]
    AlreadyDecided,
    /// The deadline has passed.
    #[error("the deadline has passed")]
    DeadlinePassed,
    /// Lapsing before the deadline.
    #[error("the deadline has not passed yet")]
    DeadlineNotReached,
    /// No such seat, or the seat was vacant when the resolution was opened.
    #[error("seat {0} has no member on this resolution")]
    NoSuchSeat(u32),
    /// The seat voted before; a cast vote is final.
    #[error("seat {0} has already voted; a cast vote is final")]
    AlreadyVoted(u32),
    /// Not an observer of this resolution.
    #[error("no such observer on this resolution")]
    NoSuchObserver,
    /// A meeting command on a written resolution.
    #[error("this resolution is decided by written vote, not at a meeting")]
    NotAMeeting,
    /// Convened twice.
    #[error("the meeting is already convened")]
    AlreadyConvened,
    /// Attendance or opening before the meeting is convened.
    #[error("the meeting has not been convened")]
    NotConvened,
    /// Opened twice.
    #[error("the meeting is already open")]
    MeetingAlreadyOpen,
    /// A vote, or closing, while the meeting is not open.
    #[error("the meeting is not open")]
    MeetingNotOpen,
    /// Attendance after the meeting closed.
    #[error("the meeting is closed")]
    MeetingClosed,
    /// A vote at a meeting by a member not recorded as attending.
    #[error("seat {0} is not recorded as attending the meeting")]
    NotAttending(u32),
}

impl Rejection for ResolutionError {
    fn code(&self) -> &'static str {
        match self {
            ResolutionError::AlreadyOpened => "resolution_already_opened",
            ResolutionError::NotFound => "resolution_not_found",
            ResolutionError::InvalidText(..) => "invalid_text",
            ResolutionError::NegativeAmount => "negative_amount",
            ResolutionError::OnSiteMeetingRequired { .. } => "on_site_meeting_required",
            ResolutionError::DeadlineNotAfterOpening => "deadline_not_after_opening",
            ResolutionError::InvalidCommittee => "invalid_committee",
            ResolutionError::AlreadyDecided => "resolution_decided",
            ResolutionError::DeadlinePassed => "deadline_passed",
            ResolutionError::DeadlineNotReached => "deadline_not_reached",
            ResolutionError::NoSuchSeat(_) => "seat_not_on_resolution",
            ResolutionError::AlreadyVoted(_) => "seat_already_voted",
            ResolutionError::NoSuchObserver => "observer_not_on_resolution",
            ResolutionError::NotAMeeting => "not_a_meeting",
            ResolutionError::AlreadyConvened => "meeting_already_convened",
            ResolutionError::NotConvened => "meeting_not_convened",
            ResolutionError::MeetingAlreadyOpen => "meeting_already_open",
            ResolutionError::MeetingNotOpen => "meeting_not_open",
            ResolutionError::MeetingClosed => "meeting_closed",
            ResolutionError::NotAttending(_) => "not_attending",
        }
    }

    fn rule(&self) -> Option<&'static str> {
        match self {
            ResolutionError::OnSiteMeetingRequired { .. }
            | ResolutionError::NotAttending(_)
            | ResolutionError::MeetingNotOpen => Some("Art. 15(6)"),
            ResolutionError::AlreadyVoted(_)
            | ResolutionError::AlreadyDecided
            | ResolutionError::InvalidCommittee => Some("Art. 14"),
            _ => None,
        }
    }

    fn is_not_found(&self) -> bool {
        matches!(self, ResolutionError::NotFound)
    }
}
