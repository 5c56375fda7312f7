//! Lists of reports (a fund's, or across the funds a token covers) and one report with its
//! versions, from the reports read model. `overdue` is computed on the day asked.

use super::{access, access_kind, parse_kind, period, Access};
use crate::auth::Authenticated;
use crate::dto::reports::{ReportDetail, ReportList};
use crate::error::ApiError;
use crate::extract::{AppJson, AppPath, AppQuery};
use crate::routes::funds::{mark_behind, to_json, wait_for_all};
use crate::routes::ledger::ReadProblems;
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use domain::report::filing;
use domain::FundId;
use projections::reports::{self, ReportFilter, ReportView, ReportsProjection, VersionView};
use projections::Projection;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

/// Filters of a report listing.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportsQuery {
    /// Only this fund (`GET /reports`).
    pub fund_id: Option<Uuid>,
    /// `h1`, `h2` or `annual`.
    pub kind: Option<String>,
    /// The year.
    pub year: Option<i32>,
    /// `draft` (never filed), `filed`, or `amendment_draft` (filed, with an amendment open).
    pub status: Option<String>,
    /// Only overdue reports (`true`) or only those not overdue (`false`), on today.
    pub overdue: Option<bool>,
    /// Wait for the read model to pass this global position.
    #[param(minimum = 0)]
    pub min_position: Option<i64>,
}

/// `GET /funds/{fund_id}/reports/{kind}/{year}` query.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReadQuery {
    /// Wait for the read model to pass this global position.
    #[param(minimum = 0)]
    pub min_position: Option<i64>,
}

fn filter(query: &ReportsQuery, access: Access) -> Result<ReportFilter, ApiError> {
    if let Some(kind) = &query.kind {
        if parse_kind(kind).is_none() {
            return Err(ApiError::InvalidQuery(
                "kind must be h1, h2 or annual".to_owned(),
            ));
        }
    }
    if let Some(status) = &query.status {
        if !["draft", "filed", "amendment_draft"].contains(&status.as_str()) {
            return Err(ApiError::InvalidQuery(
                "status must be draft, filed or amendment_draft".to_owned(),
            ));
        }
    }
    Ok(ReportFilter {
        funds: None,
        kind: query.kind.clone(),
        year: query.year,
        status: query.status.clone(),
        overdue: query.overdue,
        filed_only: access == Access::FiledOnly,
    })
}

/// The reports of a fund, by year and period, with their status and overdue flags.
#[utoipa::path(
    get,
    path = "/funds/{fund_id}/reports",
    tag = "reports",
    params(("fund_id" = Uuid, Path, description = "The fund"), ReportsQuery),
    responses((status = 200, description = "The fund's reports", body = ReportList), ReadProblems),
    security(("bearer" = []))
)]
pub async fn fund_reports(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(fund): AppPath<Uuid>,
    AppQuery(query): AppQuery<ReportsQuery>,
) -> Result<Response, ApiError> {
    let access = access(&auth, FundId(fund))?;
    if query.fund_id.is_some_and(|f| f != fund) {
        return Err(ApiError::InvalidQuery(
            "fund_id, if given, must be the fund of the path".to_owned(),
        ));
    }
    let mut filter = filter(&query, access)?;
    filter.funds = Some(vec![fund]);
    list(&state, filter, query.min_position).await
}

/// The reports of every fund this token covers (a regulator's funds; the admin's: all), by
/// fund, year and period, filtered by fund, kind, year, status and overdue.
#[utoipa::path(
    get,
    path = "/reports",
    tag = "reports",
    params(ReportsQuery),
    responses((status = 200, description = "The reports", body = ReportList), ReadProblems),
    security(("bearer" = []))
)]
pub async fn all_reports(
    State(state): State<AppState>,
    auth: Authenticated,
    AppQuery(query): AppQuery<ReportsQuery>,
) -> Result<Response, ApiError> {
    // A fund the token may not read is hidden before its role is looked at, as everywhere.
    if query
        .fund_id
        .is_some_and(|fund| !auth.principal.can_read_fund(FundId(fund)))
    {
        return Err(ApiError::FundNotFound);
    }
    let access = access_kind(&auth.principal)?;
    let mut filter = filter(&query, access)?;
    filter.funds = match query.fund_id {
        Some(fund) => Some(vec![fund]),
        None => auth
            .principal
            .visible_funds()
            .map(|funds| funds.iter().map(|f| f.0).collect()),
    };
    list(&state, filter, query.min_position).await
}

async fn list(
    state: &AppState,
    mut filter: ReportFilter,
    min_position: Option<i64>,
) -> Result<Response, ApiError> {
    let caught_up = wait_for_all(state, &[ReportsProjection::NAME], min_position).await?;
    let client = state.pool.get().await?;
    let access = if filter.filed_only {
        Access::FiledOnly
    } else {
        Access::All
    };
    // The status is filtered as `access` sees it: to an LP a report with an amendment open
    // is `filed`, and `amendment_draft` matches nothing.
    let status = filter.status.take();
    let items = reports::list(&**client, &filter, state.today())
        .await
        .map_err(ApiError::internal)?
        .into_iter()
        .map(|v| for_access(v, access))
        .filter(|v| status.as_ref().is_none_or(|s| *s == v.status));
    let body = ReportList {
        items: items.map(to_json).collect::<Result<_, _>>()?,
    };
    Ok(mark_behind(AppJson(body).into_response(), caught_up))
}

/// A report as `access` may see it: an LP does not see the open draft (nor its number).
fn for_access(mut view: ReportView, access: Access) -> ReportView {
    if access == Access::FiledOnly {
        view.latest_version = view.filed_version.unwrap_or(view.latest_version);
        view.draft_version = None;
        view.draft_sha256 = None;
        view.status = "filed".to_owned();
    }
    view
}

/// The versions `access` may see.
pub(crate) fn visible(versions: Vec<VersionView>, access: Access) -> Vec<VersionView> {
    versions
        .into_iter()
        .filter(|v| access == Access::All || v.status == "filed")
        .collect()
}

/// One report of a fund with its versions (an LP sees the filed ones).
#[utoipa::path(
    get,
    path = "/funds/{fund_id}/reports/{kind}/{year}",
    tag = "reports",
    params(
        ("fund_id" = Uuid, Path, description = "The fund"),
        ("kind" = String, Path, description = "`h1`, `h2` or `annual`"),
        ("year" = i32, Path, description = "The year"),
        ReadQuery
    ),
    responses((status = 200, description = "The report and its versions", body = ReportDetail), ReadProblems),
    security(("bearer" = []))
)]
pub async fn report(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(path): AppPath<super::ReportPath>,
    AppQuery(query): AppQuery<ReadQuery>,
) -> Result<Response, ApiError> {
    let super::ReportPath {
        fund_id: fund,
        kind,
        year,
    } = path;
    let access = access(&auth, FundId(fund))?;
    let period = period(&kind, year)?;
    let caught_up = wait_for_all(&state, &[ReportsProjection::NAME], query.min_position).await?;
    let client = state.pool.get().await?;
    let not_found = || ApiError::NotFound {
        code: "report_not_found",
        detail: "no report of this fund for this period",
    };
    let view = reports::get(&**client, fund, &kind, year, state.today())
        .await
        .map_err(ApiError::internal)?
        .map(|v| for_access(v, access))
        .ok_or_else(not_found)?;
    let versions = visible(
        reports::versions(&**client, &filing::stream_id(FundId(fund), period))
            .await
            .map_err(ApiError::internal)?,
        access,
    );
    if versions.is_empty() {
        return Err(not_found());
    }
    let body = ReportDetail {
        report: to_json(view)?,
        versions: versions
            .into_iter()
            .map(to_json)
            .collect::<Result<_, _>>()?,
    };
    Ok(mark_behind(AppJson(body).into_response(), caught_up))
}
