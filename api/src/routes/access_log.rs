//! The access log: who read a fund's management reports and evidence packages, and when.
//!
//! Every read of a report document, a report verification or an evidence package by anyone
//! other than the fund's manager — a regulator, an authority, an LP, the admin — is recorded
//! before it is answered; if it cannot be recorded the read is refused (`500`), so nothing is
//! read unrecorded. The manager (and the admin) read the log of the fund.

use crate::auth::{Authenticated, FundActor, FundCapacity, Principal};
use crate::error::ApiError;
use crate::extract::{AppJson, AppQuery};
use crate::routes::ledger::ReadProblems;
use crate::state::AppState;
use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use domain::FundId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Largest page of the log.
const MAX_LIMIT: i64 = 500;

/// What was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// A version of a management report.
    ReportDocument,
    /// The verification of a report version.
    ReportVerification,
    /// A liability-exemption evidence package.
    EvidencePackage,
}

impl Read {
    fn as_str(self) -> &'static str {
        match self {
            Read::ReportDocument => "report_document",
            Read::ReportVerification => "report_verification",
            Read::EvidencePackage => "evidence_package",
        }
    }
}

/// Records that `auth` read `what` of `fund` at `uri`, unless it is the fund's manager.
pub async fn record(
    state: &AppState,
    auth: &Authenticated,
    fund: Uuid,
    what: Read,
    uri: &Uri,
) -> Result<(), ApiError> {
    if auth.principal.is_manager_of(FundId(fund)) {
        return Ok(());
    }
    let client = state.pool.get().await?;
    let resource = uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or(uri.path());
    client
        .execute(
            "INSERT INTO access_log (fund_id, token_id, actor, role, what, resource) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &fund,
                &auth.token_id,
                &auth.principal.actor(),
                &auth.principal.role().as_str(),
                &what.as_str(),
                &resource,
            ],
        )
        .await?;
    Ok(())
}

/// The manager of the fund in the path, or the admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsManagerOrAdmin;

impl FundCapacity for AsManagerOrAdmin {
    const NEEDS: &'static str = "the access log is read by the fund's manager";
    fn holds(principal: &Principal, fund: FundId) -> bool {
        principal.is_admin() || principal.is_manager_of(fund)
    }
}

/// `GET /funds/{fund_id}/access-log` query.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AccessLogQuery {
    /// Entries after this id (the previous page's `next_after`).
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// Page size, 1 to 500 (default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

/// One read.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccessEntry {
    /// Its number, increasing.
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (e.g. `regulator:市财政局`).
    pub actor: String,
    /// Their role.
    pub role: String,
    /// The token used (never its secret).
    pub token_id: Uuid,
    /// `report_document`, `report_verification` or `evidence_package`.
    pub what: String,
    /// The path read, with its query.
    pub resource: String,
}

/// A page of the access log.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccessLogPage {
    /// Oldest first.
    pub items: Vec<AccessEntry>,
    /// Pass as `?after=` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_after: Option<i64>,
}

/// Who read the fund's reports and evidence packages, and when (manager of the fund, or the
/// admin). Reads by the manager itself are not listed.
#[utoipa::path(
    get,
    path = "/funds/{fund_id}/access-log",
    tag = "reports",
    params(("fund_id" = Uuid, Path, description = "The fund"), AccessLogQuery),
    responses(
        (status = 200, description = "A page of the log, oldest first", body = AccessLogPage),
        (status = 403, description = "Not the fund's manager (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        ReadProblems
    ),
    security(("bearer" = []))
)]
pub async fn access_log(
    State(state): State<AppState>,
    actor: FundActor<AsManagerOrAdmin>,
    AppQuery(query): AppQuery<AccessLogQuery>,
) -> Result<Response, ApiError> {
    let limit = query.limit.unwrap_or(100);
    if query.after.is_some_and(|a| a < 0) {
        return Err(ApiError::InvalidQuery(
            "after must not be negative".to_owned(),
        ));
    }
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::InvalidQuery(format!(
            "limit must be between 1 and {MAX_LIMIT}"
        )));
    }
    let client = state.pool.get().await?;
    let rows = client
        .query(
            "SELECT id, at, actor, role, token_id, what, resource FROM access_log \
             WHERE fund_id = $1 AND id > $2 ORDER BY id LIMIT $3",
            &[&actor.fund.0, &query.after.unwrap_or(0), &limit],
        )
        .await?;
    let items: Vec<AccessEntry> = rows
        .iter()
        .map(|r| AccessEntry {
            id: r.get(0),
            at: r.get(1),
            actor: r.get(2),
            role: r.get(3),
            token_id: r.get(4),
            what: r.get(5),
            resource: r.get(6),
        })
        .collect();
    let next_after = (items.len() as i64 == limit)
        .then(|| items.last().map(|e| e.id))
        .flatten();
    Ok(AppJson(AccessLogPage { items, next_after }).into_response())
}
