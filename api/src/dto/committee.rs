//! The JSON shapes of the investment committee: appointments, resolutions, meetings, votes
//! and comments.

use super::date;
use super::Amount;
use chrono::{DateTime, NaiveDate, Utc};
use domain::committee::{Choice, Document, Mode, Subject, SubjectKind, Tally};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// `POST /funds/{fund_id}/committee/seats/{seat}/appointment`: the seat's body appointed a
/// member.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppointMemberRequest {
    /// The member's id; a new UUIDv7 when absent. Give it to move a known member.
    #[serde(default)]
    pub member_id: Option<Uuid>,
    /// The member's name.
    #[schema(example = "张伟", min_length = 1, max_length = 200)]
    pub name: String,
    /// Since when: not before the seat's current appointment.
    #[schema(example = "2021-09-01")]
    #[serde(deserialize_with = "date::deserialize")]
    pub appointed_on: NaiveDate,
}

/// `POST /funds/{fund_id}/committee/observers`: record an observer.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppointObserverRequest {
    /// The observer's id; a new UUIDv7 when absent.
    #[serde(default)]
    pub observer_id: Option<Uuid>,
    /// Their name.
    #[schema(example = "李娜", min_length = 1, max_length = 200)]
    pub name: String,
    /// The body they come from.
    #[schema(example = "昆山开发区", min_length = 1, max_length = 200)]
    pub body: String,
}

/// What a committee command did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CommitteeCommandResult {
    /// The fund.
    pub fund_id: Uuid,
    /// The committee stream's version after the command.
    pub stream_version: i64,
    /// The global position of the last event written (use it in `?min_position=`).
    pub global_position: i64,
    /// The member or observer concerned.
    pub person_id: Uuid,
}

/// What kind of decision a resolution takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = SubjectKind)]
pub enum SubjectKindDto {
    /// An investment decision (投资决策).
    Investment,
    /// An exit plan (退出方案).
    Exit,
    /// Anything else the fund's policy routes to the committee.
    Other,
}

/// What is decided.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectDto {
    /// Its kind.
    pub kind: SubjectKindDto,
    /// A title.
    #[schema(
        example = "投资昆山某某科技有限公司 300万元",
        min_length = 1,
        max_length = 200
    )]
    pub title: String,
    /// What it refers to, e.g. the project id.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub reference: String,
}

impl From<&SubjectDto> for Subject {
    fn from(s: &SubjectDto) -> Self {
        Subject {
            kind: match s.kind {
                SubjectKindDto::Investment => SubjectKind::Investment,
                SubjectKindDto::Exit => SubjectKind::Exit,
                SubjectKindDto::Other => SubjectKind::Other,
            },
            title: s.title.clone(),
            reference: s.reference.clone(),
        }
    }
}

/// How the committee decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = Mode)]
pub enum ModeDto {
    /// Circulated written vote (传签): only up to the policy's limit (default 3,000,000).
    Written,
    /// On-site meeting (现场会议): always allowed.
    OnSite,
}

impl From<ModeDto> for Mode {
    fn from(m: ModeDto) -> Self {
        match m {
            ModeDto::Written => Mode::Written,
            ModeDto::OnSite => Mode::OnSite,
        }
    }
}

/// A paper before the committee.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentDto {
    /// Its title.
    #[schema(example = "尽职调查报告", min_length = 1, max_length = 200)]
    pub title: String,
    /// Its reference in the document system.
    #[schema(example = "DD-2024-017", min_length = 1, max_length = 200)]
    pub reference: String,
}

impl From<&DocumentDto> for Document {
    fn from(d: &DocumentDto) -> Self {
        Document {
            title: d.title.clone(),
            reference: d.reference.clone(),
        }
    }
}

/// `POST /funds/{fund_id}/resolutions`: open a resolution before the committee as it
/// stands now.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenResolutionRequest {
    /// The resolution's id; a new UUIDv7 when absent.
    #[serde(default)]
    pub resolution_id: Option<Uuid>,
    /// What is decided.
    pub subject: SubjectDto,
    /// The amount at stake (`"0.00"` when none).
    pub amount: Amount,
    /// Written or on-site.
    pub mode: ModeDto,
    /// Votes are taken until this instant (RFC 3339); then it lapses.
    #[schema(example = "2024-06-30T09:00:00Z")]
    #[serde(deserialize_with = "date::instant::deserialize")]
    pub deadline: DateTime<Utc>,
    /// The papers before the committee.
    #[serde(default)]
    pub documents: Vec<DocumentDto>,
}

/// `POST …/meeting`: convene the on-site meeting.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConveneRequest {
    /// When it meets.
    #[schema(example = "2024-06-20T02:00:00Z")]
    #[serde(deserialize_with = "date::instant::deserialize")]
    pub meets_at: DateTime<Utc>,
    /// Where.
    #[schema(example = "昆山市科创大厦 8楼会议室", min_length = 1, max_length = 200)]
    pub place: String,
}

/// `POST …/attendance`: a member (by seat) or an observer attends; exactly one of the two.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceRequest {
    /// The seat of an attending member.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub seat: Option<u32>,
    /// An attending observer.
    #[serde(default)]
    pub observer_id: Option<Uuid>,
}

/// A body with nothing in it (`{}`), for commands that need no input.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmptyRequest {}

/// How a seat votes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = Choice)]
pub enum ChoiceDto {
    /// 同意.
    Approve,
    /// 不同意.
    Reject,
    /// 弃权.
    Abstain,
    /// 回避: a conflict of interest; counts as not approving.
    Recuse,
}

impl From<ChoiceDto> for Choice {
    fn from(c: ChoiceDto) -> Self {
        match c {
            ChoiceDto::Approve => Choice::Approve,
            ChoiceDto::Reject => Choice::Reject,
            ChoiceDto::Abstain => Choice::Abstain,
            ChoiceDto::Recuse => Choice::Recuse,
        }
    }
}

/// `POST …/votes`: the token's seat votes.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoteRequest {
    /// How.
    pub choice: ChoiceDto,
    /// Why (optional, up to 2,000 characters).
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

/// `POST …/comments`: the token's observer comments.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentRequest {
    /// The comment.
    #[schema(min_length = 1, max_length = 2000)]
    pub text: String,
}

/// A count of a resolution's seats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct TallyDto {
    /// Approvals.
    pub approvals: u32,
    /// Rejections.
    pub rejections: u32,
    /// Abstentions.
    pub abstentions: u32,
    /// Recusals.
    pub recusals: u32,
    /// Seats that may still vote.
    pub outstanding: u32,
    /// Seats vacant when it was opened.
    pub vacant: u32,
}

impl From<Tally> for TallyDto {
    fn from(t: Tally) -> Self {
        TallyDto {
            approvals: t.approvals,
            rejections: t.rejections,
            abstentions: t.abstentions,
            recusals: t.recusals,
            outstanding: t.outstanding,
            vacant: t.vacant,
        }
    }
}

/// What a command on a resolution did, and where the resolution stands after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ResolutionCommandResult {
    /// The fund.
    pub fund_id: Uuid,
    /// The resolution.
    pub resolution_id: Uuid,
    /// The resolution stream's version after the command.
    pub stream_version: i64,
    /// The global position of the last event written.
    pub global_position: i64,
    /// `open`, `passed`, `failed` or `lapsed`.
    #[schema(example = "open")]
    pub status: String,
    /// The count after the command.
    pub tally: TallyDto,
}
