//! The JSON shapes of management reports (SPEC §8): the commands' requests and answers, the
//! listings and the verification.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// `POST /funds/{fund_id}/reports`: draft the report of a period now.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftRequest {
    /// `h1` (semiannual, January–June), `h2` (semiannual, July–December) or `annual`.
    #[schema(example = "annual")]
    pub kind: String,
    /// The calendar year.
    #[schema(example = 2024, minimum = 1900, maximum = 9999)]
    pub year: i32,
}

/// `POST …/versions/{version}/filing`: file the reviewed draft.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileRequest {
    /// The sha256 of the draft as reviewed (64 lowercase hex digits): filing is refused if
    /// the draft changed since.
    pub sha256: String,
}

/// What a report command did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FilingResult {
    /// The fund.
    pub fund_id: Uuid,
    /// `h1`, `h2` or `annual`.
    pub kind: String,
    /// The year.
    pub year: i32,
    /// The version drafted or filed (none when nothing was recorded or a draft was dropped).
    pub version: Option<u32>,
    /// The document's sha256.
    pub sha256: String,
    /// Whether an event was recorded.
    pub recorded: bool,
    /// The events recorded (`{"type", "data"}`).
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<serde_json::Value>,
    /// The report stream's version after the command.
    pub stream_version: i64,
    /// Pass as `?min_position=` to read your write.
    pub global_position: i64,
}

/// A list of reports.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportList {
    /// By fund, year and period; each with `status`, `overdue` and `filed_late` as of today.
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<serde_json::Value>,
}

/// One report with its versions.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportDetail {
    /// The report.
    #[schema(value_type = Object)]
    pub report: serde_json::Value,
    /// Its versions in order, each with its sha256, cut, filing and (amendments) changes.
    #[schema(value_type = Vec<Object>)]
    pub versions: Vec<serde_json::Value>,
}

/// Whether a version's document is what its events recorded and what the log gives again.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Verification {
    /// The version.
    pub version: i32,
    /// The sha256 recorded in the log when the version was drafted.
    pub recorded_sha256: String,
    /// The sha256 of the document kept.
    pub stored_sha256: Option<String>,
    /// The sha256 of the document generated again from the log at the recorded cut.
    pub regenerated_sha256: String,
    /// The cut of the log.
    pub cut: i64,
    /// All three agree.
    pub matches: bool,
}
