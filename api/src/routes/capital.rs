//! Capital and custody commands on a fund: tranches, LP subscriptions and capital calls by
//! the fund's manager, money movements instructed by the manager (maker) and confirmed by the
//! fund's custodian (checker).
//!
//! The caller's capacity is checked before the body is read ([`FundActor`]): a principal who
//! may not read the fund gets `404 fund_not_found`, one who may read it but is not the
//! manager (or custodian) `403 forbidden`. A fund that does not exist is `404 fund_not_found`
//! from the fund rules. Every command goes through [`command::execute`], so `Idempotency-Key`
//! and `If-Match` work as for `POST /funds`; a replay reads the first request's events back,
//! so it answers the same ids and allocations.

use super::command::{self, run, written};
use crate::auth::{AsCustodian, AsManager, FundActor};
use crate::dto::{
    Allocation, Amount, CallCapitalRequest, CapitalCallResult, ConfirmMovementRequest,
    FundCommandResult, InstructMovementRequest, LinkLpRequest, MovementResult, OpenTrancheRequest,
    SubscribeRequest, SubscriptionResult,
};
use crate::error::{ApiError, Problem};
use crate::extract::{AppPath, CommandHeaders, JsonBody};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{Method, Uri};
use axum::response::Response;
use domain::fund::{capital, FundCommand, FundEvent};
use domain::{CallId, FundId, LpId, MovementId};
use utoipa::IntoResponses;
use uuid::Uuid;

/// The refusals every fund command may answer besides its rule codes (`422`).
#[derive(IntoResponses)]
pub enum CommandProblems {
    /// Malformed JSON, path or header (`invalid_json`, `invalid_path`, `invalid_header`).
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// Missing or invalid token (`unauthenticated`).
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthenticated(Problem),
    /// The token may read the fund but not act in this capacity (`forbidden`).
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// No such fund, or not visible to this token (`fund_not_found`); for a confirmation
    /// also no such movement (`movement_not_found`).
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// `If-Match` does not match (`version_conflict`).
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(Problem),
    /// Body over 64 KiB (`payload_too_large`).
    #[response(status = 413, content_type = "application/problem+json")]
    TooLarge(Problem),
    /// Body not JSON (`unsupported_media_type`).
    #[response(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Problem),
    /// Server failure (`internal`).
    #[response(status = 500, content_type = "application/problem+json")]
    Internal(Problem),
    /// PostgreSQL is unreachable or restarting (`not_ready`, `checks` naming it), or the
    /// request took over 30 s (`timeout`): retry later (a command with the same
    /// `Idempotency-Key`).
    #[response(status = 503, content_type = "application/problem+json")]
    Unavailable(Problem),
}

/// The fund path parameter and the command headers, shared by every command here.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[expect(dead_code, reason = "documents parameters; extracted by `FundActor`")]
pub struct FundCommandParams {
    /// The fund.
    fund_id: Uuid,
}

/// The command headers (`Idempotency-Key`, `If-Match`), as documented.
#[derive(utoipa::IntoParams)]
#[into_params(names("Idempotency-Key", "If-Match"), parameter_in = Header)]
#[expect(
    dead_code,
    reason = "documents parameters; extracted as `CommandHeaders`"
)]
pub struct CommandHeaderParams(
    /// Makes retries safe: the first result is stored and answered again. 1 to 200 visible
    /// ASCII characters, scoped to the token.
    Option<String>,
    /// The stream version the fund is expected at.
    Option<i64>,
);

/// Open the next tranche (manager of the fund).
#[utoipa::path(
    post,
    path = "/funds/{fund_id}/tranches",
    tag = "capital",
    request_body = OpenTrancheRequest,
    params(FundCommandParams, CommandHeaderParams),
    responses(
        (status = 201, description = "Opened", body = FundCommandResult,
            headers(("Idempotency-Replayed" = Option<bool>, description = "`true` on a replayed first result"))),
        (status = 422, description = "Invalid body (`invalid_request`), key reused (`idempotency_key_reused`) or refused by the fund rules (`tranche_out_of_sequence`, `non_positive_amount`, `tranches_exceed_fund_size` with `rule` Art. 3, `tranche_date_too_early`)", body = Problem, content_type = "application/problem+json"),
        CommandProblems,
    ),
    security(("bearer" = []))
)]
pub async fn open_tranche(
    State(state): State<AppState>,
    actor: FundActor<AsManager>,
    headers: CommandHeaders,
    method: Method,
    uri: Uri,
    body: JsonBody<OpenTrancheRequest>,
) -> Result<Response, ApiError> {
    let r = &body.value;
    let command = FundCommand::OpenTranche {
        number: r.number,
        size: r.size.0,
        subscription_date: r.subscription_date,
    };
    let done = run(
        &state,
        &actor,
        &headers,
        (&method, &uri, &body.bytes),
        command,
    )
    .await?;
    command::created(done.result, None, done.replayed)
}

/// An LP subscribes in a tranche (manager of the fund).
#[utoipa::path(
    post,
    path = "/funds/{fund_id}/subscriptions",
    tag = "capital",
    request_body = SubscribeRequest,
    params(FundCommandParams, CommandHeaderParams),
    responses(
        (status = 201, description = "Subscribed", body = SubscriptionResult,
            headers(("Idempotency-Replayed" = Option<bool>, description = "`true` on a replayed first result"))),
        (status = 422, description = "Invalid body (`invalid_request`), key reused (`idempotency_key_reused`) or refused by the fund rules (`unknown_tranche`, `non_positive_amount`, `invalid_fund_name`, `lp_identity_mismatch`, `subscriptions_exceed_tranche` with `rule` Art. 3)", body = Problem, content_type = "application/problem+json"),
        CommandProblems,
    ),
    security(("bearer" = []))
)]
pub async fn subscribe(
    State(state): State<AppState>,
    actor: FundActor<AsManager>,
    headers: CommandHeaders,
    method: Method,
    uri: Uri,
    body: JsonBody<SubscribeRequest>,
) -> Result<Response, ApiError> {
    let r = &body.value;
    let command = FundCommand::Subscribe {
        tranche: r.tranche,
        lp: LpId(r.lp_id.unwrap_or_else(Uuid::now_v7)),
        identity: capital::Lp {
            name: r.lp_name.clone(),
            kind: r.lp_kind.into(),
        },
        amount: r.amount.0,
    };
    let done = run(
        &state,
        &actor,
        &headers,
        (&method, &uri, &body.bytes),
        command,
    )
    .await?;
    let lp_id = written(&done.events, |e| match e {
        FundEvent::LpSubscribed { lp, .. } => Some(lp.0),
        _ => None,
    })?;
    let body = SubscriptionResult {
        command: done.result,
        lp_id,
    };
    command::created(body, None, done.replayed)
}

/// Call capital from the subscriptions of some tranches (manager of the fund).
///
/// The amount is allocated to the (LP, tranche) subscriptions in proportion to what each has
/// not been called yet, to the fen; the allocations sum exactly to the amount.
#[utoipa::path(
    post,
    path = "/funds/{fund_id}/capital-calls",
    tag = "capital",
    request_body = CallCapitalRequest,
    params(FundCommandParams, CommandHeaderParams),
    responses(
        (status = 201, description = "Called", body = CapitalCallResult,
            headers(("Idempotency-Replayed" = Option<bool>, description = "`true` on a replayed first result"))),
        (status = 422, description = "Invalid body (`invalid_request`), key reused (`idempotency_key_reused`) or refused by the fund rules (`call_already_made`, `non_positive_amount`, `due_before_call`, `nothing_to_call`, `unknown_tranche`, `call_before_subscription`, `first_tranche_paid_at_once` with `rule` Art. 3, `call_exceeds_uncalled` with `rule` SPEC §2)", body = Problem, content_type = "application/problem+json"),
        CommandProblems,
    ),
    security(("bearer" = []))
)]
pub async fn call_capital(
    State(state): State<AppState>,
    actor: FundActor<AsManager>,
    headers: CommandHeaders,
    method: Method,
    uri: Uri,
    body: JsonBody<CallCapitalRequest>,
) -> Result<Response, ApiError> {
    let r = &body.value;
    let command = FundCommand::CallCapital {
        call_id: CallId(r.call_id.unwrap_or_else(Uuid::now_v7)),
        tranches: r.tranches.clone(),
        amount: r.amount.0,
        called_on: r.called_on,
        due_on: r.due_on,
    };
    let done = run(
        &state,
        &actor,
        &headers,
        (&method, &uri, &body.bytes),
        command,
    )
    .await?;
    let body = written(&done.events, |e| match e {
        FundEvent::CapitalCalled {
            call_id,
            amount,
            allocations,
            ..
        } => Some(CapitalCallResult {
            command: done.result.clone(),
            call_id: call_id.0,
            amount: Amount(*amount),
            allocations: allocations.iter().map(Allocation::from).collect(),
        }),
        _ => None,
    })?;
    command::created(body, None, done.replayed)
}

/// Instruct a money movement (manager of the fund: the maker). Nothing moves until the
/// custodian confirms it.
#[utoipa::path(
    post,
    path = "/funds/{fund_id}/movements",
    tag = "custody",
    request_body = InstructMovementRequest,
    params(FundCommandParams, CommandHeaderParams),
    responses(
        (status = 201, description = "Instructed", body = MovementResult,
            headers(("Idempotency-Replayed" = Option<bool>, description = "`true` on a replayed first result"))),
        (status = 422, description = "Invalid body (`invalid_request`), key reused (`idempotency_key_reused`) or refused by the fund rules (`movement_already_instructed`, `non_positive_amount`, `payment_without_call` with `rule` Art. 18, `fee_not_assessed` with `rule` Art. 7, `payment_without_distribution`, `insufficient_cash` with `rule` Art. 18, `overpayment` with `rule` SPEC §2, `fund_closed`)", body = Problem, content_type = "application/problem+json"),
        CommandProblems,
    ),
    security(("bearer" = []))
)]
pub async fn instruct_movement(
    State(state): State<AppState>,
    actor: FundActor<AsManager>,
    headers: CommandHeaders,
    method: Method,
    uri: Uri,
    body: JsonBody<InstructMovementRequest>,
) -> Result<Response, ApiError> {
    let r = &body.value;
    let command = FundCommand::InstructMovement {
        movement_id: MovementId(r.movement_id.unwrap_or_else(Uuid::now_v7)),
        kind: r.movement_kind().map_err(ApiError::InvalidRequest)?,
        amount: r.amount.0,
        value_date: r.value_date,
    };
    let done = run(
        &state,
        &actor,
        &headers,
        (&method, &uri, &body.bytes),
        command,
    )
    .await?;
    let movement_id = written(&done.events, |e| match e {
        FundEvent::MovementInstructed { movement_id, .. } => Some(movement_id.0),
        _ => None,
    })?;
    let body = MovementResult {
        command: done.result,
        movement_id,
    };
    command::created(body, None, done.replayed)
}

/// Confirm that a movement was executed (custodian of the fund: the checker).
#[utoipa::path(
    post,
    path = "/funds/{fund_id}/movements/{movement_id}/confirmation",
    tag = "custody",
    request_body = ConfirmMovementRequest,
    params(
        FundCommandParams,
        ("movement_id" = Uuid, Path, description = "The movement"),
        CommandHeaderParams,
    ),
    responses(
        (status = 201, description = "Confirmed", body = MovementResult,
            headers(("Idempotency-Replayed" = Option<bool>, description = "`true` on a replayed first result"))),
        (status = 422, description = "Invalid body (`invalid_request`), key reused (`idempotency_key_reused`) or refused by the fund rules (`movement_already_confirmed` with `rule` Art. 18)", body = Problem, content_type = "application/problem+json"),
        CommandProblems,
    ),
    security(("bearer" = []))
)]
pub async fn confirm_movement(
    State(state): State<AppState>,
    actor: FundActor<AsCustodian>,
    path: AppPath<(Uuid, Uuid)>,
    headers: CommandHeaders,
    method: Method,
    uri: Uri,
    body: JsonBody<ConfirmMovementRequest>,
) -> Result<Response, ApiError> {
    let AppPath((_, movement_id)) = path;
    let command = FundCommand::ConfirmMovement {
        movement_id: MovementId(movement_id),
        executed_on: body.value.executed_on,
    };
    let done = run(
        &state,
        &actor,
        &headers,
        (&method, &uri, &body.bytes),
        command,
    )
    .await?;
    let body = MovementResult {
        command: done.result,
        movement_id,
    };
    command::created(body, None, done.replayed)
}

/// Declare that an LP of kind `guidance_fund` is a guidance fund administered here (manager of
/// the fund): its subscription and payments here are that fund's commitment and injections,
/// and the accounts show the link.
#[utoipa::path(
    post,
    path = "/funds/{fund_id}/lps/{lp_id}/link",
    tag = "capital",
    request_body = LinkLpRequest,
    params(FundCommandParams, ("lp_id" = Uuid, Path, description = "The LP"), CommandHeaderParams),
    responses(
        (status = 201, description = "Linked (or already so)", body = FundCommandResult),
        (status = 422, description = "Refused (`lp_not_found`, `lp_not_linkable`: not of kind guidance_fund, or the fund is not another guidance fund established here; `lp_already_linked`, `fund_closed`)", body = Problem, content_type = "application/problem+json"),
        CommandProblems,
    ),
    security(("bearer" = []))
)]
pub async fn link_lp(
    State(state): State<AppState>,
    actor: FundActor<AsManager>,
    AppPath((_fund, lp)): AppPath<(Uuid, Uuid)>,
    headers: CommandHeaders,
    method: Method,
    uri: Uri,
    body: JsonBody<LinkLpRequest>,
) -> Result<Response, ApiError> {
    let linked = FundId(body.value.fund_id);
    let (guidance, _) = state
        .funds
        .load(&linked.stream_id())
        .await
        .map_err(ApiError::internal)?;
    let is_guidance = guidance
        .terms
        .as_ref()
        .is_some_and(|t| t.kind == domain::fund::FundKind::Guidance);
    if !is_guidance || linked == actor.fund {
        return Err(ApiError::rejected(&domain::fund::FundError::LpNotLinkable));
    }
    let command = FundCommand::LinkLp {
        lp: LpId(lp),
        fund: linked,
    };
    let done = run(
        &state,
        &actor,
        &headers,
        (&method, &uri, &body.bytes),
        command,
    )
    .await?;
    command::created(done.result, None, done.replayed)
}
