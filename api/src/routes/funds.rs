//! Fund endpoints: `POST /funds` (establish, admin only), `GET /funds/{id}`, `GET /funds`.
//!
//! Reads come from the funds read model and are scoped by principal. A fund the principal may
//! not see is answered exactly like a fund that does not exist (`404 fund_not_found`), so a
//! token bound to one fund cannot probe for others.

use super::command::{self, CommandRequest};
use crate::auth::{Admin, Authenticated};
use crate::dto::{
    EstablishFundRequest, Fund, FundCommandResult, FundPage, ListFundsQuery, ReadQuery,
};
use crate::error::{ApiError, Problem};
use crate::extract::{AppJson, AppPath, AppQuery, CommandHeaders, JsonBody};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, Method, Uri};
use axum::response::{IntoResponse, Response};
use domain::fund::{FundCommand, FundTerms};
use domain::FundId;
use projections::funds::{self, FundsProjection};
use projections::Projection;
use uuid::Uuid;

/// Set to `true` when a read asked for `?min_position=` that its read model had not reached
/// in time: the answer is what the read model holds now.
pub const PROJECTION_BEHIND: HeaderName = HeaderName::from_static("x-projection-behind");

pub use super::command::IDEMPOTENCY_REPLAYED;

/// Default page size of `GET /funds`.
const DEFAULT_LIMIT: i64 = 50;
/// Largest page size of `GET /funds`.
const MAX_LIMIT: i64 = 500;

/// Establish a fund (admin only).
///
/// Answers `201` with the new stream version and global position. With an
/// `Idempotency-Key`, a retry of the same request answers the first result again (with
/// `Idempotency-Replayed: true`) and writes nothing; the same key with another request is
/// `422 idempotency_key_reused`. With `If-Match: 0` the fund must not exist yet.
#[utoipa::path(
    post,
    path = "/funds",
    tag = "funds",
    request_body = EstablishFundRequest,
    params(
        ("Idempotency-Key" = Option<String>, Header,
            description = "Makes retries safe: the first result is stored and answered again. 1 to 200 visible ASCII characters, scoped to the token."),
        ("If-Match" = Option<i64>, Header,
            description = "The stream version the fund is expected at (0: not yet established)."),
    ),
    responses(
        (status = 201, description = "Established", body = FundCommandResult,
            headers(
                ("Location" = String, description = "`/funds/{fund_id}`"),
                ("Idempotency-Replayed" = Option<bool>, description = "`true` on a replayed first result"),
            )),
        (status = 400, description = "Malformed JSON or header (`invalid_json`, `invalid_header`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token (`unauthenticated`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin token (`forbidden`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`If-Match` does not match (`version_conflict`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 64 KiB (`payload_too_large`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Body not JSON (`unsupported_media_type`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid body (`invalid_request`), key reused (`idempotency_key_reused`) or refused by the fund rules (`fund_already_established`, `invalid_fund_name`, `non_positive_fund_size`, with `rule`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Server failure (`internal`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn establish_fund(
    State(state): State<AppState>,
    Admin(auth): Admin,
    headers: CommandHeaders,
    method: Method,
    uri: Uri,
    body: JsonBody<EstablishFundRequest>,
) -> Result<Response, ApiError> {
    let request = body.value;
    let seats = request
        .policy
        .as_ref()
        .map_or(0, |p| p.committee.seats.len());
    if seats > *crate::auth::SEATS.end() as usize {
        return Err(ApiError::InvalidRequest(format!(
            "policy.committee.seats: at most {} seats (member tokens name seats 1 to {0}), got {seats}",
            crate::auth::SEATS.end()
        )));
    }
    let fund_id = FundId(request.fund_id.unwrap_or_else(Uuid::now_v7));
    let command = FundCommand::Establish {
        fund_id,
        terms: FundTerms {
            name: request.name,
            kind: request.kind.into(),
            total_size: request.total_size.0,
            establishment_date: request.establishment_date,
            manager: request.manager,
            custodian: request.custodian,
            city: request.city,
            policy: Box::new(request.policy.unwrap_or_default()),
        },
    };
    let request = CommandRequest {
        auth: &auth,
        headers: &headers,
        method: &method,
        uri: &uri,
        body: &body.bytes,
    };
    let done = command::execute(&state, &request, fund_id, &command).await?;
    // A replay answers the first request, whose fund id may have been generated.
    let location = format!("/funds/{}", done.result.fund_id);
    command::created(done.result, Some(location), done.replayed)
}

/// One fund, from the read model.
#[utoipa::path(
    get,
    path = "/funds/{fund_id}",
    tag = "funds",
    params(("fund_id" = Uuid, Path, description = "The fund"), ReadQuery),
    responses(
        (status = 200, description = "The fund", body = Fund,
            headers(("X-Projection-Behind" = Option<bool>, description = "`true` if `min_position` was not reached in time"))),
        (status = 400, description = "Malformed id or query (`invalid_path`, `invalid_query`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token (`unauthenticated`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such fund, or not visible to this token (`fund_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Server failure (`internal`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn get_fund(
    State(state): State<AppState>,
    auth: Authenticated,
    AppPath(fund_id): AppPath<Uuid>,
    AppQuery(query): AppQuery<ReadQuery>,
) -> Result<Response, ApiError> {
    let fund_id = FundId(fund_id);
    if !auth.principal.can_read_fund(fund_id) {
        return Err(ApiError::FundNotFound);
    }
    let caught_up = wait_for(&state, query.min_position).await?;
    let client = state.pool.get().await?;
    let view = funds::get(&**client, fund_id).await?;
    let response = match view {
        Some(view) => AppJson(Fund::new(view, state.today())).into_response(),
        None => ApiError::FundNotFound.into_response(),
    };
    Ok(mark_behind(response, caught_up))
}

/// The funds this token may see, ordered by id, a page at a time.
#[utoipa::path(
    get,
    path = "/funds",
    tag = "funds",
    params(ListFundsQuery),
    responses(
        (status = 200, description = "A page of funds", body = FundPage,
            headers(("X-Projection-Behind" = Option<bool>, description = "`true` if `min_position` was not reached in time"))),
        (status = 400, description = "Malformed query (`invalid_query`)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token (`unauthenticated`)", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Server failure (`internal`)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
pub async fn list_funds(
    State(state): State<AppState>,
    auth: Authenticated,
    AppQuery(query): AppQuery<ListFundsQuery>,
) -> Result<Response, ApiError> {
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::InvalidQuery(format!(
            "limit must be between 1 and {MAX_LIMIT}"
        )));
    }
    let caught_up = wait_for(&state, query.min_position).await?;
    let only: Option<Vec<Uuid>> = auth
        .principal
        .visible_funds()
        .map(|funds| funds.iter().map(|f| f.0).collect());
    let client = state.pool.get().await?;
    let views = funds::list(&**client, only.as_deref(), query.after, limit).await?;
    let next_after = if views.len() as i64 == limit {
        views.last().map(|v| v.fund_id)
    } else {
        None
    };
    let page = FundPage {
        items: views
            .into_iter()
            .map(|v| Fund::new(v, state.today()))
            .collect(),
        next_after,
    };
    Ok(mark_behind(AppJson(page).into_response(), caught_up))
}

/// Waits (bounded) for the funds projection to pass `min_position`; `true` when it has (or
/// when no position was asked for).
async fn wait_for(state: &AppState, min_position: Option<i64>) -> Result<bool, ApiError> {
    wait_for_all(state, &[FundsProjection::NAME], min_position).await
}

/// Checks the principal may read `fund` (a fund it may not read is `404 fund_not_found`) and
/// waits (bounded) for the read models `names` to pass `min_position`; `true` when they have.
pub(crate) async fn readable(
    state: &AppState,
    auth: &crate::auth::Authenticated,
    fund: Uuid,
    names: &[&str],
    min_position: Option<i64>,
) -> Result<bool, ApiError> {
    if !auth.principal.can_read_fund(FundId(fund)) {
        return Err(ApiError::FundNotFound);
    }
    wait_for_all(state, names, min_position).await
}

/// A read-model view as JSON.
pub(crate) fn to_json<T: serde::Serialize>(value: T) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(value).map_err(ApiError::internal)
}

/// Waits (bounded) for every projection in `names` to pass `min_position`; `true` when all
/// have (or when no position was asked for).
pub(crate) async fn wait_for_all(
    state: &AppState,
    names: &[&str],
    min_position: Option<i64>,
) -> Result<bool, ApiError> {
    let Some(position) = min_position else {
        return Ok(true);
    };
    if position < 0 {
        return Err(ApiError::InvalidQuery(
            "min_position must not be negative".to_owned(),
        ));
    }
    let mut caught_up = true;
    for name in names {
        caught_up &= projections::runner::wait_for_position(
            &state.pool,
            name,
            position,
            state.config.max_projection_wait,
        )
        .await
        .map_err(ApiError::Internal)?;
    }
    Ok(caught_up)
}

pub(crate) fn mark_behind(mut response: Response, caught_up: bool) -> Response {
    if !caught_up {
        response
            .headers_mut()
            .insert(PROJECTION_BEHIND, HeaderValue::from_static("true"));
    }
    response
}
