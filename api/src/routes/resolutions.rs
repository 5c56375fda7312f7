//! Reads of the investment committee from its read model: the committee, the resolutions of
//! a fund (filtered by status and subject), one resolution with its documents, seats, votes,
//! attendance and comments, a member's voting record, and a member's open resolutions.
//!
//! Whoever may read the fund reads these. `GET /me/resolutions` is a member token's inbox:
//! the open resolutions on which its person holds its seat and has not voted yet.

use super::funds::{mark_behind, readable, to_json};
use crate::auth::{Authenticated, Principal};
use crate::dto::ReadQuery;
use crate::error::{ApiError, Problem};
use crate::extract::{AppJson, AppPath, AppQuery};
use crate::routes::ledger::ReadProblems;
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use projections::committee::{self, CommitteeProjection, ResolutionFilter};
use projections::Projection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Default page size of the resolution lists.
const DEFAULT_LIMIT: i64 = 50;
/// Largest page size of the resolution lists.
const MAX_LIMIT: i64 = 500;

/// A read-model view as JSON (its fields are listed in docs/API.md).
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct View(pub serde_json::Value);

impl utoipa::PartialSchema for View {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Object)
            .description(Some(
                "A read-model view; its fields are listed in docs/API.md.",
            ))
            .into()
    }
}

impl ToSchema for View {}

/// A page of resolutions.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResolutionPage {
    /// The resolutions, by id (UUIDv7: by opening).
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<serde_json::Value>,
    /// Pass as `?after=` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_after: Option<Uuid>,
}

/// `GET /funds/{fund_id}/resolutions` query.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ResolutionsQuery {
    /// `open`, `passed`, `failed` or `lapsed`.
    pub status: Option<String>,
    /// `investment`, `exit` or `other`.
    pub subject_kind: Option<String>,
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// Resolutions after this id (the previous page's `next_after`).
    pub after: Option<Uuid>,
    /// Wait for the read model to pass this global position.
    #[param(minimum = 0)]
    pub min_position: Option<i64>,
}

fn checked(filter: &ResolutionsQuery) -> Result<i64, ApiError> {
    let limit = filter.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::InvalidQuery(format!(
            "limit must be between 1 and {MAX_LIMIT}"
        )));
    }
    let allowed = |v: &Option<String>, values: &[&str], what: &str| match v {
        Some(v) if !values.contains(&v.as_str()) => Err(ApiError::InvalidQuery(format!(
            "{what} must be one of {}",
            values.join(", ")
        ))),
        _ => Ok(()),
    };
    allowed(
        &filter.status,
        &["open", "passed", "failed", "lapsed"],
        "status",
    )?;
    allowed(
        &filter.subject_kind,
        &["investment", "exit", "other"],
        "subject_kind",
    )?;
    Ok(limit)
}

/// The fund's committee: each seat's current member and the observers.
#[utoipa::path(
    get,
    path = "/funds/{fund_id}/committee",
    tag = "committee",
    params(("fund_id" = Uuid, Path, description = "The fund"), ReadQuery),
    responses((status = 200, description = "Seats and observers", body = View), ReadProblems),
    security(("bearer" = []))
)]
pub async fn get_committee(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(fund): AppPath<Uuid>,
    AppQuery(query): AppQuery<ReadQuery>,
) -> Result<Response, ApiError> {
    let caught_up = readable(
        &state,
        &auth,
        fund,
        &[CommitteeProjection::NAME],
        query.min_position,
    )
    .await?;
    let client = state.pool.get().await?;
    let view = committee::committee(&**client, fund).await?;
    Ok(mark_behind(
        AppJson(View(to_json(view)?)).into_response(),
        caught_up,
    ))
}

/// The fund's resolutions, by id, filtered by status and subject kind.
#[utoipa::path(
    get,
    path = "/funds/{fund_id}/resolutions",
    tag = "committee",
    params(("fund_id" = Uuid, Path, description = "The fund"), ResolutionsQuery),
    responses((status = 200, description = "A page of resolutions", body = ResolutionPage), ReadProblems),
    security(("bearer" = []))
)]
pub async fn list_resolutions(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(fund): AppPath<Uuid>,
    AppQuery(query): AppQuery<ResolutionsQuery>,
) -> Result<Response, ApiError> {
    let limit = checked(&query)?;
    let caught_up = readable(
        &state,
        &auth,
        fund,
        &[CommitteeProjection::NAME],
        query.min_position,
    )
    .await?;
    let filter = ResolutionFilter {
        status: query.status.clone(),
        subject_kind: query.subject_kind.clone(),
        seat_open_for: None,
    };
    let client = state.pool.get().await?;
    let items = committee::resolutions(&**client, fund, &filter, query.after, limit).await?;
    let next_after = (items.len() as i64 == limit)
        .then(|| items.last().map(|r| r.resolution_id))
        .flatten();
    let page = ResolutionPage {
        items: items.into_iter().map(to_json).collect::<Result<_, _>>()?,
        next_after,
    };
    Ok(mark_behind(AppJson(page).into_response(), caught_up))
}

/// One resolution: subject, amount, mode, deadline, documents, the seats and their members,
/// observers, the meeting, attendance, every vote with its time and reason, comments, the
/// tally and the outcome.
#[utoipa::path(
    get,
    path = "/funds/{fund_id}/resolutions/{resolution_id}",
    tag = "committee",
    params(("fund_id" = Uuid, Path, description = "The fund"),
           ("resolution_id" = Uuid, Path, description = "The resolution"), ReadQuery),
    responses((status = 200, description = "The resolution", body = View), ReadProblems),
    security(("bearer" = []))
)]
pub async fn get_resolution(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath((fund, id)): AppPath<(Uuid, Uuid)>,
    AppQuery(query): AppQuery<ReadQuery>,
) -> Result<Response, ApiError> {
    let caught_up = readable(
        &state,
        &auth,
        fund,
        &[CommitteeProjection::NAME],
        query.min_position,
    )
    .await?;
    let client = state.pool.get().await?;
    let view = committee::resolution(&**client, fund, id)
        .await?
        .ok_or(ApiError::NotFound {
            code: "resolution_not_found",
            detail: "no such resolution in this fund",
        })?;
    Ok(mark_behind(
        AppJson(View(to_json(view)?)).into_response(),
        caught_up,
    ))
}

/// A member's voting record on the fund's committee: every vote, with the resolution.
#[utoipa::path(
    get,
    path = "/funds/{fund_id}/members/{member_id}/votes",
    tag = "committee",
    params(("fund_id" = Uuid, Path, description = "The fund"),
           ("member_id" = Uuid, Path, description = "The member"), ReadQuery),
    responses((status = 200, description = "The votes, oldest first", body = ResolutionPage), ReadProblems),
    security(("bearer" = []))
)]
pub async fn voting_record(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath((fund, member)): AppPath<(Uuid, Uuid)>,
    AppQuery(query): AppQuery<ReadQuery>,
) -> Result<Response, ApiError> {
    let caught_up = readable(
        &state,
        &auth,
        fund,
        &[CommitteeProjection::NAME],
        query.min_position,
    )
    .await?;
    let client = state.pool.get().await?;
    let votes = committee::voting_record(&**client, fund, member).await?;
    let page = ResolutionPage {
        items: votes.into_iter().map(to_json).collect::<Result<_, _>>()?,
        next_after: None,
    };
    Ok(mark_behind(AppJson(page).into_response(), caught_up))
}

/// A member token's open resolutions: those on which its person holds its seat and has not
/// voted yet, by id.
#[utoipa::path(
    get,
    path = "/me/resolutions",
    tag = "committee",
    params(ReadQuery),
    responses(
        (status = 200, description = "Open resolutions awaiting this member's vote", body = ResolutionPage),
        (status = 403, description = "Not a member token (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        ReadProblems,
    ),
    security(("bearer" = []))
)]
pub async fn my_resolutions(
    State(state): State<AppState>,
    auth: Authenticated,
    AppQuery(query): AppQuery<ReadQuery>,
) -> Result<Response, ApiError> {
    let Principal::Member { fund, seat, member } = auth.principal else {
        return Err(ApiError::Forbidden("this needs a committee member's token"));
    };
    let caught_up = readable(
        &state,
        &auth,
        fund.0,
        &[CommitteeProjection::NAME],
        query.min_position,
    )
    .await?;
    let filter = ResolutionFilter {
        status: Some("open".to_owned()),
        subject_kind: None,
        seat_open_for: Some(seat),
    };
    let client = state.pool.get().await?;
    let open = committee::resolutions(&**client, fund.0, &filter, None, MAX_LIMIT).await?;
    let mut items = Vec::new();
    for summary in open {
        // The seat's member on this resolution must be this token's person.
        let Some(view) = committee::resolution(&**client, fund.0, summary.resolution_id).await?
        else {
            continue;
        };
        let mine = view
            .seats
            .iter()
            .any(|s| s.seat == seat && s.member_id == Some(member.0));
        if mine {
            items.push(to_json(view)?);
        }
    }
    let page = ResolutionPage {
        items,
        next_after: None,
    };
    Ok(mark_behind(AppJson(page).into_response(), caught_up))
}
