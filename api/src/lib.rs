//! The REST API (axum) of the fund administration backend, and the commands of the
//! `fundadmin` binary.
//!
//! [`router`] builds the whole HTTP application over an [`AppState`]; tests drive it with
//! `tower::ServiceExt::oneshot`, without a socket. Commands append through the event store's
//! repository; reads come from projections, optionally waiting for a global position
//! (`?min_position=`). Every error is `application/problem+json` with a stable `code`.
//!
//! # Layout
//! - [`state`]: [`AppState`] and the HTTP limits.
//! - [`error`]: [`ApiError`] and the problem+json body; the one place statuses are chosen.
//! - [`extract`]: extractors whose rejections are problem+json; command headers.
//! - [`auth`]: tokens, principals and the authentication extractors.
//! - [`authz`]: the authorisation matrix, every endpoint × every kind of caller.
//! - [`dto`]: request and response shapes with their OpenAPI schemas.
//! - [`routes`]: the route table and the handlers, a module per resource.
//! - [`middleware`]: response counting and problem+json for bare layer errors.
//! - [`openapi`]: the generated OpenAPI document.
//! - [`cli`] and [`serve`]: the `fundadmin` commands (`serve`, `work`, `migrate`, `token`,
//!   `replay`, `verify`, `openapi`, `demo`).
//! - [`demo`]: the demo fund, loaded through the API in process.

pub mod auth;
pub mod authz;
pub mod cli;
pub mod clock;
pub mod demo;
pub mod dto;
pub mod error;
pub mod extract;
pub mod middleware;
pub mod openapi;
pub mod routes;
pub mod serve;
pub mod state;

pub use error::{ApiError, Problem};
pub use state::{ApiConfig, AppState};

use axum::http::StatusCode;
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};

/// The HTTP application: every route of [`routes::table`], the fallbacks for unknown routes
/// and methods, the body limit, the request timeout, response counting and request logs.
pub fn router(state: AppState) -> Router {
    let mut app = Router::new();
    for route in routes::table() {
        app = app.route(route.path, route.handler);
    }
    app.fallback(routes::not_found)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .layer(RequestBodyLimitLayer::new(state.config.body_limit))
        // A timed-out request is answered 408 here and turned into `503 timeout` outside.
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.config.request_timeout,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.metrics.clone(),
            middleware::finish,
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(tracing::Level::INFO))
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .with_state(state)
}
