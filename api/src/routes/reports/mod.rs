//! Management reports (SPEC §8, Art. 15(8), Art. 19): drafting now, filing, and the reads of
//! reports, versions and documents.
//!
//! Who sees what:
//! - the manager of the fund: everything of its fund, and it drafts and files;
//! - a regulator: every report of the funds its token covers, drafts included, and the
//!   overdue flags;
//! - an LP: the filed versions of its fund's reports only;
//! - the admin: everything;
//! - anyone else (committee members, observers, the custodian, authorities): `403 forbidden`.
//!
//! Layout: this file (commands, the period in the path, who may read), `reads.rs` (lists and
//! one report), `document.rs` (a version in JSON, CSV, XLSX or HTML, and its verification).

pub mod document;
pub mod reads;

use super::command::{self, execute_on, CommandRequest};
use crate::auth::{AsManager, Authenticated, FundActor, Principal};
use crate::dto::reports::{DraftRequest, FileRequest, FilingResult};
use crate::error::ApiError;
use crate::extract::{CommandHeaders, JsonBody};
use crate::routes::capital::{CommandHeaderParams, CommandProblems, FundCommandParams};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{Method, Uri};
use axum::response::Response;
use domain::report::filing::{self, FilingCommand, FilingEvent};
use domain::report::{Period, PeriodKind};
use domain::FundId;
use eventstore::Metadata;
use workers::reports::worker::{self, DraftError};

/// The path of one report.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ReportPath {
    /// The fund.
    pub fund_id: uuid::Uuid,
    /// `h1`, `h2` or `annual`.
    pub kind: String,
    /// The year.
    pub year: i32,
}

/// The path of one version of a report.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct VersionPath {
    /// The fund.
    pub fund_id: uuid::Uuid,
    /// `h1`, `h2` or `annual`.
    pub kind: String,
    /// The year.
    pub year: i32,
    /// The version.
    pub version: i32,
}

/// What a principal may see of a fund's reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Drafts and filed versions.
    All,
    /// Filed versions only (LPs).
    FiledOnly,
}

/// What `auth` may see of the reports of `fund`: `404 fund_not_found` for a fund it may not
/// read, `403 forbidden` for a principal without access to reports.
pub(crate) fn access(auth: &Authenticated, fund: FundId) -> Result<Access, ApiError> {
    if !auth.principal.can_read_fund(fund) {
        return Err(ApiError::FundNotFound);
    }
    access_kind(&auth.principal)
}

/// What kind of access the principal has to reports of the funds it may read.
pub(crate) fn access_kind(principal: &Principal) -> Result<Access, ApiError> {
    match principal {
        Principal::Admin | Principal::Manager { .. } | Principal::Regulator { .. } => {
            Ok(Access::All)
        }
        Principal::Lp { .. } => Ok(Access::FiledOnly),
        _ => Err(ApiError::Forbidden(
            "reports are read by the fund's manager, its regulators and its LPs",
        )),
    }
}

/// A period kind from the path or a query (`h1`, `h2`, `annual`).
pub(crate) fn parse_kind(kind: &str) -> Option<PeriodKind> {
    PeriodKind::parse(kind)
}

/// The period of the path, checked.
pub(crate) fn period(kind: &str, year: i32) -> Result<Period, ApiError> {
    let kind = parse_kind(kind).ok_or_else(|| {
        ApiError::InvalidPath(format!(
            "report kind must be h1, h2 or annual, not {kind:?}"
        ))
    })?;
    if !(1900..=9999).contains(&year) {
        return Err(ApiError::InvalidPath(
            "year must be between 1900 and 9999".to_owned(),
        ));
    }
    Ok(Period { kind, year })
}

fn draft_error(e: DraftError) -> ApiError {
    match e {
        DraftError::Generate(workers::reports::generate::GenerateError::Report(r)) => {
            ApiError::rejected(&r)
        }
        DraftError::Command(c) => c.into(),
        other => ApiError::internal(other),
    }
}

/// Draft the report of a period that has ended, now (manager of the fund). The reporting
/// worker drafts every period after it ends on its own; this drafts at once, e.g. after late
/// entries, or for a period before the fund was recorded here. The same events give the same
/// document: drafting again without a change records nothing (`200`). After filing, a changed
/// document is recorded as an amendment: the next version, listing what changed.
#[utoipa::path(
    post,
    path = "/funds/{fund_id}/reports",
    tag = "reports",
    request_body = DraftRequest,
    params(FundCommandParams),
    responses(
        (status = 201, description = "A draft (or amendment) recorded", body = FilingResult),
        (status = 200, description = "Unchanged: the document is the draft or the filed version already recorded", body = FilingResult),
        (status = 422, description = "Invalid body (`invalid_request`) or refused (`report_period_not_ended` with `rule` Art. 19, `fund_not_established`, `invalid_report_period`)", body = crate::error::Problem, content_type = "application/problem+json"),
        CommandProblems,
    ),
    security(("bearer" = []))
)]
pub async fn draft(
    State(state): State<AppState>,
    actor: FundActor<AsManager>,
    body: JsonBody<DraftRequest>,
) -> Result<Response, ApiError> {
    let period = period(&body.value.kind, body.value.year)
        .map_err(|e| ApiError::InvalidRequest(e.to_string()))?;
    let auth = &actor.auth;
    let mut metadata = Metadata::new(auth.principal.actor(), auth.principal.role().as_str());
    metadata.token_id = Some(auth.token_id);
    let drafted = worker::record_draft(&state.reports, actor.fund, period, state.today(), metadata)
        .await
        .map_err(draft_error)?;
    let position = state
        .store
        .head_position()
        .await
        .map_err(ApiError::internal)?;
    let (version, recorded) = match drafted.events.last() {
        Some(FilingEvent::DraftGenerated { version, .. }) => (Some(*version), true),
        Some(FilingEvent::DraftDiscarded { .. }) => (None, true),
        _ => (None, false),
    };
    let result = FilingResult {
        fund_id: actor.fund.0,
        kind: body.value.kind.clone(),
        year: body.value.year,
        version,
        sha256: drafted.generated.sha256,
        recorded,
        events: command::events_json(&drafted.events)?,
        stream_version: drafted.stream_version,
        global_position: position,
    };
    let location = format!(
        "/funds/{}/reports/{}/{}",
        actor.fund, body.value.kind, body.value.year
    );
    if recorded {
        command::created(result, Some(location), false)
    } else {
        Ok(axum::response::IntoResponse::into_response(
            crate::extract::AppJson(result),
        ))
    }
}

/// File a version (manager of the fund): the open draft, under the sha256 the manager
/// reviewed. A filed version never changes; a later change to the period makes an amendment.
#[utoipa::path(
    post,
    path = "/funds/{fund_id}/reports/{kind}/{year}/versions/{version}/filing",
    tag = "reports",
    request_body = FileRequest,
    params(
        FundCommandParams,
        ("kind" = String, Path, description = "`h1`, `h2` or `annual`"),
        ("year" = i32, Path, description = "The year"),
        ("version" = u32, Path, description = "The version reviewed"),
        CommandHeaderParams
    ),
    responses(
        (status = 201, description = "Filed", body = FilingResult),
        (status = 422, description = "Invalid body (`invalid_request`, `invalid_sha256`) or refused (`report_already_filed` with `rule` Art. 19, `not_the_open_draft`, `report_draft_changed`)", body = crate::error::Problem, content_type = "application/problem+json"),
        CommandProblems,
    ),
    security(("bearer" = []))
)]
pub async fn file(
    State(state): State<AppState>,
    actor: FundActor<AsManager>,
    crate::extract::AppPath(path): crate::extract::AppPath<VersionPath>,
    headers: CommandHeaders,
    method: Method,
    uri: Uri,
    body: JsonBody<FileRequest>,
) -> Result<Response, ApiError> {
    let VersionPath {
        kind,
        year,
        version,
        ..
    } = path;
    let version = u32::try_from(version)
        .map_err(|_| ApiError::InvalidPath("version must be positive".to_owned()))?;
    let period = period(&kind, year)?;
    let command = FilingCommand::File {
        version,
        sha256: body.value.sha256.clone(),
        on: state.today(),
    };
    let request = CommandRequest::of(&actor, &headers, (&method, &uri, &body.bytes[..]));
    let stream_id = filing::stream_id(actor.fund, period);
    let done = execute_on(&state, &request, &state.reports, &stream_id, &command).await?;
    let result = FilingResult {
        fund_id: actor.fund.0,
        kind,
        year,
        version: Some(version),
        sha256: body.value.sha256.clone(),
        recorded: !done.events.is_empty(),
        events: command::events_json(&done.events)?,
        stream_version: done.stream_version,
        global_position: done.global_position,
    };
    command::created(result, None, done.replayed)
}
