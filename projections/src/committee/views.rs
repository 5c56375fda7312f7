//! The views of the committee read model, as the API shows them. Wire names (status, mode,
//! subject kind, choice, why it failed) are the domain's snake_case names; amounts are exact
//! decimals with two places; times are RFC 3339 in UTC.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A voting seat and the member holding it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeatView {
    /// The seat, 1-based.
    pub seat: i32,
    /// The appointing body (e.g. 财政局).
    pub body: String,
    /// The member holding it.
    pub member_id: Uuid,
    /// Their name.
    pub name: String,
    /// Since when they hold it.
    pub since: NaiveDate,
}

/// A non-voting observer of the committee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObserverView {
    /// The observer.
    pub observer_id: Uuid,
    /// Their name.
    pub name: String,
    /// The body they come from (e.g. 昆山开发区).
    pub body: String,
}

/// A fund's committee as it stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CommitteeView {
    /// The held seats, by seat (a seat never appointed is absent).
    pub seats: Vec<SeatView>,
    /// The observers, by observer id.
    pub observers: Vec<ObserverView>,
}

/// Which resolutions to list; every field narrows the list, `None` does not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ResolutionFilter {
    /// `open`, `passed`, `failed` or `lapsed`.
    pub status: Option<String>,
    /// `investment`, `exit` or `other`.
    pub subject_kind: Option<String>,
    /// Only the open resolutions this seat holds a member in and has not voted on (a seat's
    /// inbox). The deadline and, on site, the meeting are not checked.
    pub seat_open_for: Option<i32>,
}

/// The count of a resolution's seats.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TallyView {
    /// Seats that approved.
    pub approvals: i32,
    /// Seats that rejected.
    pub rejections: i32,
    /// Seats that abstained.
    pub abstentions: i32,
    /// Seats that recused themselves.
    pub recusals: i32,
    /// Seats that may still vote (while open; what was left when decided).
    pub outstanding: i32,
    /// Seats vacant when the resolution was opened (they cannot vote).
    pub vacant: i32,
}

/// A resolution in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResolutionSummary {
    /// The resolution.
    pub resolution_id: Uuid,
    /// The fund whose committee decides.
    pub fund_id: Uuid,
    /// `investment`, `exit` or `other`.
    pub subject_kind: String,
    /// What is decided.
    pub title: String,
    /// What it refers to (e.g. a project id); may be empty.
    pub reference: String,
    /// The amount at stake.
    pub amount: Decimal,
    /// `written` (传签) or `on_site`.
    pub mode: String,
    /// Votes are taken until then.
    pub deadline: DateTime<Utc>,
    /// Approvals that pass it.
    pub quorum: i32,
    /// Voting seats on it.
    pub seat_count: i32,
    /// `open`, `passed`, `failed` or `lapsed`.
    pub status: String,
    /// Why it failed: `quorum_unreachable` or `meeting_closed`.
    pub failed_because: Option<String>,
    /// The count.
    pub tally: TallyView,
    /// When it was opened.
    pub opened_at: DateTime<Utc>,
    /// When it passed, failed or lapsed.
    pub decided_at: Option<DateTime<Utc>>,
}

/// A paper before the committee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentView {
    /// Its title.
    pub title: String,
    /// Its reference.
    pub reference: String,
}

/// A seat on a resolution: the member holding it when the resolution was opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResolutionSeatView {
    /// The seat.
    pub seat: i32,
    /// The appointing body.
    pub body: String,
    /// The member; `None` when the seat was vacant.
    pub member_id: Option<Uuid>,
    /// The member's name as last appointed, when known.
    pub name: Option<String>,
    /// How the seat voted, if it has.
    pub choice: Option<String>,
}

/// An observer of a resolution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResolutionObserverView {
    /// The observer.
    pub observer_id: Uuid,
    /// Their name, when known.
    pub name: Option<String>,
    /// Their body, when known.
    pub body: Option<String>,
}

/// The on-site meeting of a resolution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingView {
    /// When it was convened.
    pub convened_at: DateTime<Utc>,
    /// When it meets.
    pub meets_at: DateTime<Utc>,
    /// Where.
    pub place: String,
    /// When it opened.
    pub opened_at: Option<DateTime<Utc>>,
    /// When it closed.
    pub closed_at: Option<DateTime<Utc>>,
}

/// Someone recorded as attending the meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttendanceView {
    /// `member` or `observer`.
    pub kind: String,
    /// The seat (`member`).
    pub seat: Option<i32>,
    /// The observer (`observer`).
    pub observer_id: Option<Uuid>,
    /// When recorded.
    pub at: DateTime<Utc>,
}

/// A vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VoteView {
    /// The seat.
    pub seat: i32,
    /// Its member on the resolution.
    pub member_id: Uuid,
    /// The member's name as last appointed, when known.
    pub name: Option<String>,
    /// `approve`, `reject`, `abstain` or `recuse`.
    pub choice: String,
    /// Why, if given.
    pub reason: Option<String>,
    /// When.
    pub cast_at: DateTime<Utc>,
}

/// An observer's comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommentView {
    /// The observer.
    pub observer_id: Uuid,
    /// Their name, when known.
    pub name: Option<String>,
    /// The comment.
    pub text: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A resolution with everything recorded on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResolutionView {
    /// What a list shows (its fields are inlined in JSON).
    #[serde(flatten)]
    pub summary: ResolutionSummary,
    /// The papers.
    pub documents: Vec<DocumentView>,
    /// The seats as the resolution was opened, by seat.
    pub seats: Vec<ResolutionSeatView>,
    /// The observers as the resolution was opened, by id.
    pub observers: Vec<ResolutionObserverView>,
    /// The meeting, once convened.
    pub meeting: Option<MeetingView>,
    /// Who attended, in recording order.
    pub attendance: Vec<AttendanceView>,
    /// The votes, in casting order.
    pub votes: Vec<VoteView>,
    /// The observers' comments, in order.
    pub comments: Vec<CommentView>,
}

/// A vote a member cast, with the resolution it was cast on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VoteRecordView {
    /// The resolution.
    pub resolution_id: Uuid,
    /// Its title.
    pub title: String,
    /// Its subject kind.
    pub subject_kind: String,
    /// The seat the member voted from.
    pub seat: i32,
    /// `approve`, `reject`, `abstain` or `recuse`.
    pub choice: String,
    /// Why, if given.
    pub reason: Option<String>,
    /// When.
    pub cast_at: DateTime<Utc>,
    /// The resolution's status now.
    pub status: String,
}
