//! The one code path of every command on a fund: metadata from the principal, the
//! `Idempotency-Key` scoped by token with the request's hash, `If-Match`, then load → decide
//! → append through the fund repository; and the `201` answer.
//!
//! A command built from the state of other streams as well (a project's step from its fund's
//! terms) goes through [`execute_decided`]: the states are taken from the repositories' caches
//! without a read, the append checks that none of them has moved, and the command is decided
//! again on states read afresh if one had, or if it was refused on cached states. The answer
//! is built from the command's outcome (its events and the state they leave), not read back.

use crate::auth::{Authenticated, FundActor};
use crate::dto::FundCommandResult;
use crate::error::ApiError;
use crate::extract::{AppJson, CommandHeaders};
use crate::state::AppState;
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use domain::fund::{FundCommand, FundEvent};
use domain::{Aggregate, FundId};
use eventstore::repository::{CommandContext, CommandOutcome};
use eventstore::store::IdempotencyKey;
use eventstore::{CommandError, Metadata, Repository, StreamCheck};
use serde::Serialize;
use std::sync::Arc;
use uuid::Uuid;

/// How many times [`execute_decided`] decides a command at most.
const MAX_DECISIONS: usize = 8;

/// Set to `true` on the stored first answer of an `Idempotency-Key`.
pub const IDEMPOTENCY_REPLAYED: HeaderName = HeaderName::from_static("idempotency-replayed");

/// The request a command came in, as far as the command path needs it.
pub struct CommandRequest<'a> {
    /// Who sent it.
    pub auth: &'a Authenticated,
    /// Its `Idempotency-Key` and `If-Match`.
    pub headers: &'a CommandHeaders,
    /// Its method.
    pub method: &'a Method,
    /// Its URI (the path goes into the request hash).
    pub uri: &'a Uri,
    /// Its body bytes (they go into the request hash).
    pub body: &'a [u8],
}

/// The request parts the command path hashes: method, URI and body bytes.
pub type Parts<'a> = (&'a Method, &'a Uri, &'a [u8]);

impl<'a> CommandRequest<'a> {
    /// The request of an actor on the fund in the path.
    pub fn of<C>(
        actor: &'a FundActor<C>,
        headers: &'a CommandHeaders,
        (method, uri, body): Parts<'a>,
    ) -> Self {
        CommandRequest {
            auth: &actor.auth,
            headers,
            method,
            uri,
            body,
        }
    }
}

/// A command's events as stored (`{"type", "data"}`), for answers that show them.
pub fn events_json<E: serde::Serialize>(events: &[E]) -> Result<Vec<serde_json::Value>, ApiError> {
    events
        .iter()
        .map(|e| serde_json::to_value(e).map_err(ApiError::internal))
        .collect()
}

/// What a command on a fund did.
pub struct Executed {
    /// Versions and position, as answered.
    pub result: FundCommandResult,
    /// The events the command wrote; on a replay, the first request's events read back.
    pub events: Vec<FundEvent>,
    /// `true` when this answers an earlier request with the same `Idempotency-Key`.
    pub replayed: bool,
}

/// What a command on any stream did.
pub struct ExecutedOn<A: Aggregate> {
    /// The stream written (on a replay: the first request's).
    pub stream_id: String,
    /// The stream's version after the command.
    pub stream_version: i64,
    /// The global position of the last event written (the log's head when nothing was).
    pub global_position: i64,
    /// The events the command wrote; on a replay, the first request's events read back.
    pub events: Vec<A::Event>,
    /// The stream's state after the command; `None` on a replay (read it if needed).
    pub state: Option<Arc<A>>,
    /// `true` when this answers an earlier request with the same `Idempotency-Key`.
    pub replayed: bool,
}

impl<A: Aggregate> ExecutedOn<A> {
    /// The stream's state after the command: as the command left it, or, on a replay, as
    /// it stands now.
    pub async fn state_after(&self, repository: &Repository<A>) -> Result<Arc<A>, ApiError> {
        match &self.state {
            Some(state) => Ok(Arc::clone(state)),
            None => Ok(repository
                .snapshot(&self.stream_id, true)
                .await
                .map_err(ApiError::internal)?
                .state),
        }
    }
}

/// A command decided on the state of other streams besides its own (see
/// [`execute_decided`]).
pub struct Decision<C> {
    /// The command.
    pub command: C,
    /// The other streams it was decided on, where they were read.
    pub reads: Vec<StreamCheck>,
}

/// Runs `command` on the fund's stream on behalf of `request`.
pub async fn execute(
    state: &AppState,
    request: &CommandRequest<'_>,
    fund_id: FundId,
    command: &FundCommand,
) -> Result<Executed, ApiError> {
    let done = execute_on(state, request, &state.funds, &fund_id.stream_id(), command).await?;
    let fund_uuid = Uuid::try_parse(&done.stream_id).map_err(ApiError::internal)?;
    Ok(Executed {
        result: FundCommandResult {
            fund_id: fund_uuid,
            stream_version: done.stream_version,
            global_position: done.global_position,
        },
        events: done.events,
        replayed: done.replayed,
    })
}

/// Runs `command` on the stream `stream_id` of aggregate `A` on behalf of `request`: metadata
/// from the principal, the `Idempotency-Key` scoped by token with the request's hash,
/// `If-Match`, then load → decide → append.
pub async fn execute_on<A: Aggregate>(
    state: &AppState,
    request: &CommandRequest<'_>,
    repository: &Repository<A>,
    stream_id: &str,
    command: &A::Command,
) -> Result<ExecutedOn<A>, ApiError> {
    let ctx = context(request);
    let outcome = repository.execute(stream_id, command, &ctx).await?;
    finish(state, stream_id, &ctx, outcome).await
}

/// Runs on the stream `stream_id` the command `decide(fresh)` builds, as [`execute_on`]
/// does, with the streams it read checked by the append. `decide(false)` may read every
/// state from the cache (`Repository::snapshot(_, false)`); the command is decided again with
/// `decide(true)` (states read afresh) when a stream read had moved (another process wrote
/// it), when the command or `decide(false)` itself was refused, at most [`MAX_DECISIONS`]
/// times. So a stale cache never decides what is written, nor refuses.
pub async fn execute_decided<A, F>(
    state: &AppState,
    request: &CommandRequest<'_>,
    repository: &Repository<A>,
    stream_id: &str,
    mut decide: impl FnMut(bool) -> F,
) -> Result<ExecutedOn<A>, ApiError>
where
    A: Aggregate,
    F: std::future::Future<Output = Result<Decision<A::Command>, ApiError>>,
{
    let ctx = context(request);
    let mut fresh = false;
    for decision in 1..=MAX_DECISIONS {
        let last = decision == MAX_DECISIONS;
        let Decision { command, reads } = match decide(fresh).await {
            Ok(d) => d,
            Err(_) if !fresh => {
                fresh = true;
                continue;
            }
            // A retry of a command that succeeded is answered with its first result, though
            // the states it is decided on have moved since.
            Err(e) => match repository.first_answer(stream_id, &ctx).await? {
                Some(first) => return finish(state, stream_id, &ctx, first).await,
                None => return Err(e),
            },
        };
        match repository
            .execute_checked(stream_id, &command, &ctx, &reads)
            .await
        {
            Ok(outcome) => return finish(state, stream_id, &ctx, outcome).await,
            // A stream read had moved: nothing was written; decide again on it as it is.
            Err(CommandError::Conflict {
                stream_id: moved, ..
            }) if moved != stream_id && !last => {}
            Err(CommandError::Rejected(_)) if !fresh => {}
            Err(e) => return Err(e.into()),
        }
        fresh = true;
    }
    Err(ApiError::internal(anyhow::anyhow!(
        "no decision after {MAX_DECISIONS} attempts"
    )))
}

/// The command's context: metadata from the principal, the `Idempotency-Key` scoped by
/// token with the request's hash, `If-Match`.
fn context(request: &CommandRequest<'_>) -> CommandContext {
    let auth = request.auth;
    let mut metadata = Metadata::new(auth.principal.actor(), auth.principal.role().as_str());
    metadata.token_id = Some(auth.token_id);
    let idempotency = request
        .headers
        .idempotency_key
        .as_ref()
        .map(|key| IdempotencyKey {
            key: format!("{}:{key}", auth.token_id),
            request_hash: request.headers.request_hash(
                request.method,
                request.uri.path(),
                request.body,
            ),
        });
    CommandContext {
        metadata,
        idempotency,
        expected_version: request.headers.if_match,
    }
}

/// What the command did, as answered: on a replay, the first request's stream and events.
async fn finish<A: Aggregate>(
    state: &AppState,
    stream_id: &str,
    ctx: &CommandContext,
    outcome: CommandOutcome<A>,
) -> Result<ExecutedOn<A>, ApiError> {
    let Some(result) = outcome.result else {
        // Nothing new to record (e.g. a fee year assessed before): the stream as it stands.
        return Ok(ExecutedOn {
            stream_id: stream_id.to_owned(),
            stream_version: outcome.stream_version,
            global_position: state
                .store
                .head_position()
                .await
                .map_err(ApiError::internal)?,
            events: Vec::new(),
            state: outcome.state,
            replayed: false,
        });
    };
    // A replay answers the first request, whose stream id may have been generated.
    let (written_stream, stream_version) =
        result.stream_versions.first().cloned().ok_or_else(|| {
            ApiError::internal(anyhow::anyhow!("stored result without stream versions"))
        })?;
    let events = if outcome.replayed {
        // The first request's events: its versions end at `stream_version` and its global
        // positions lie in `first_position..=last_position`, so it wrote at most
        // `last - first + 1` of them.
        let span = result.last_position - result.first_position;
        state
            .store
            .load_stream_range(
                &written_stream,
                (stream_version - span).max(1),
                stream_version,
            )
            .await
            .map_err(ApiError::internal)?
            .iter()
            .filter(|e| (result.first_position..=result.last_position).contains(&e.global_position))
            .map(|e| e.decode::<A::Event>().map_err(ApiError::internal))
            .collect::<Result<_, _>>()?
    } else {
        tracing::info!(
            stream.id = %written_stream,
            stream.kind = A::STREAM_TYPE,
            actor = %ctx.metadata.actor,
            global_position = result.last_position,
            events = outcome.events.len(),
            "command executed"
        );
        outcome.events
    };
    Ok(ExecutedOn {
        stream_id: written_stream,
        stream_version,
        global_position: result.last_position,
        events,
        state: outcome.state,
        replayed: outcome.replayed,
    })
}

/// The `201 Created` answer of a command: `body` as JSON, `Location` when given, and
/// `Idempotency-Replayed: true` on a replay.
pub fn created<T: Serialize>(
    body: T,
    location: Option<String>,
    replayed: bool,
) -> Result<Response, ApiError> {
    let mut response = (StatusCode::CREATED, AppJson(body)).into_response();
    if let Some(location) = location {
        let value = HeaderValue::try_from(location).map_err(ApiError::internal)?;
        response.headers_mut().insert(header::LOCATION, value);
    }
    if replayed {
        response
            .headers_mut()
            .insert(IDEMPOTENCY_REPLAYED, HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// Runs a command on the fund in the path on behalf of the actor.
pub async fn run<C>(
    state: &AppState,
    actor: &FundActor<C>,
    headers: &CommandHeaders,
    parts: Parts<'_>,
    command: FundCommand,
) -> Result<Executed, ApiError> {
    let request = CommandRequest::of(actor, headers, parts);
    execute(state, &request, actor.fund, &command).await
}

/// The first event `pick` finds among a command's events.
pub fn written<T>(
    events: &[FundEvent],
    pick: impl Fn(&FundEvent) -> Option<T>,
) -> Result<T, ApiError> {
    events
        .iter()
        .find_map(pick)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("the command's event was not found")))
}
