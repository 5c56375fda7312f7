//! Reads of the project pipeline from its read model: the board (active projects by stage
//! with the days each has spent in it, and the projects closed at each stage), the list of a
//! fund's projects, and one project with its whole history.
//!
//! Whoever may read the fund reads these: its manager, its committee members and observers,
//! the regulators assigned to it, the admin (an LP or the custodian too: they may read the
//! fund).

use super::funds::{mark_behind, readable, to_json};
use super::resolutions::View;
use crate::auth::Authenticated;
use crate::dto::date;
use crate::error::ApiError;
use crate::extract::{AppJson, AppPath, AppQuery};
use crate::routes::ledger::ReadProblems;
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use projections::projects::{self, ProjectFilter, ProjectsProjection};
use projections::Projection;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Largest page size of the project list.
const MAX_LIMIT: i64 = 500;

/// `GET /funds/{fund_id}/projects/board` query.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BoardQuery {
    /// Count the days in stage up to this day (default today, China Standard Time).
    #[serde(default, deserialize_with = "date::option::deserialize")]
    pub on: Option<NaiveDate>,
    /// Wait for the read model to pass this global position.
    #[param(minimum = 0)]
    pub min_position: Option<i64>,
}

/// `GET /funds/{fund_id}/projects` query.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProjectsQuery {
    /// `application`, `research`, `establishment`, `due_diligence`, `decision`,
    /// `implementation` or `post_investment`.
    pub stage: Option<String>,
    /// `active`, `rejected` or `withdrawn`.
    pub status: Option<String>,
    /// Page size, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// Projects after this id (the previous page's `next_after`).
    pub after: Option<Uuid>,
    /// Wait for the read model to pass this global position.
    #[param(minimum = 0)]
    pub min_position: Option<i64>,
}

/// The pipeline board.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BoardPage {
    /// Every stage in order (`stage`, its active `projects` with `age_days`, and the projects
    /// `rejected` or `withdrawn` at it).
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<serde_json::Value>,
}

/// A page of projects.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProjectPage {
    /// The projects, by id (UUIDv7: by application).
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<serde_json::Value>,
    /// Pass as `?after=` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_after: Option<Uuid>,
}

/// The pipeline board: every stage in order with its active projects (longest in the stage
/// first, with `age_days`) and the projects rejected or withdrawn at it.
#[utoipa::path(
    get,
    path = "/funds/{fund_id}/projects/board",
    tag = "projects",
    params(("fund_id" = Uuid, Path, description = "The fund"), BoardQuery),
    responses((status = 200, description = "The board", body = BoardPage), ReadProblems),
    security(("bearer" = []))
)]
pub async fn board(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(fund): AppPath<Uuid>,
    AppQuery(query): AppQuery<BoardQuery>,
) -> Result<Response, ApiError> {
    let caught_up = readable(
        &state,
        &auth,
        fund,
        &[ProjectsProjection::NAME],
        query.min_position,
    )
    .await?;
    let on = query.on.unwrap_or_else(|| state.today());
    let client = state.pool.get().await?;
    let columns = projects::board(&**client, fund, on).await?;
    let page = BoardPage {
        items: columns.into_iter().map(to_json).collect::<Result<_, _>>()?,
    };
    Ok(mark_behind(AppJson(page).into_response(), caught_up))
}

/// The fund's projects by id, filtered by stage and status.
#[utoipa::path(
    get,
    path = "/funds/{fund_id}/projects",
    tag = "projects",
    params(("fund_id" = Uuid, Path, description = "The fund"), ProjectsQuery),
    responses((status = 200, description = "A page of projects", body = ProjectPage), ReadProblems),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(fund): AppPath<Uuid>,
    AppQuery(query): AppQuery<ProjectsQuery>,
) -> Result<Response, ApiError> {
    let limit = query.limit.unwrap_or(50);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::InvalidQuery(format!(
            "limit must be between 1 and {MAX_LIMIT}"
        )));
    }
    // A filter on a stage or status that does not exist is a mistake, not an empty page.
    let stages = projects::STAGES.map(|s| s.as_str());
    let statuses = ["active", "rejected", "withdrawn"];
    for (what, value, allowed) in [
        ("stage", &query.stage, &stages[..]),
        ("status", &query.status, &statuses[..]),
    ] {
        if value.as_deref().is_some_and(|v| !allowed.contains(&v)) {
            return Err(ApiError::InvalidQuery(format!(
                "{what} must be one of {}",
                allowed.join(", ")
            )));
        }
    }
    let caught_up = readable(
        &state,
        &auth,
        fund,
        &[ProjectsProjection::NAME],
        query.min_position,
    )
    .await?;
    let filter = ProjectFilter {
        stage: query.stage.clone(),
        status: query.status.clone(),
    };
    let client = state.pool.get().await?;
    let items = projects::projects(&**client, fund, &filter, query.after, limit).await?;
    let next_after = (items.len() as i64 == limit)
        .then(|| items.last().map(|p| p.project_id))
        .flatten();
    let page = ProjectPage {
        items: items.into_iter().map(to_json).collect::<Result<_, _>>()?,
        next_after,
    };
    Ok(mark_behind(AppJson(page).into_response(), caught_up))
}

/// One project with every step it went through.
#[utoipa::path(
    get,
    path = "/funds/{fund_id}/projects/{project_id}",
    tag = "projects",
    params(("fund_id" = Uuid, Path, description = "The fund"),
           ("project_id" = Uuid, Path, description = "The project"), BoardQuery),
    responses((status = 200, description = "The project and its history", body = View), ReadProblems),
    security(("bearer" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath((fund, project)): AppPath<(Uuid, Uuid)>,
    AppQuery(query): AppQuery<BoardQuery>,
) -> Result<Response, ApiError> {
    let caught_up = readable(
        &state,
        &auth,
        fund,
        &[ProjectsProjection::NAME],
        query.min_position,
    )
    .await?;
    let client = state.pool.get().await?;
    let view = projects::project(&**client, fund, project)
        .await?
        .ok_or(ApiError::NotFound {
            code: "project_not_found",
            detail: "no such project in this fund",
        })?;
    Ok(mark_behind(
        AppJson(View(to_json(view)?)).into_response(),
        caught_up,
    ))
}
