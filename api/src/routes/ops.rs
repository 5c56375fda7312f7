//! Operational endpoints, unauthenticated: `/healthz` (the process answers), `/readyz` (its
//! dependencies answer), `/metrics` (Prometheus) and `/openapi.json` (the page that renders
//! it, `/docs`, is [`super::docs_page`]).

use crate::dto::{Health, Readiness};
use crate::error::{ApiError, Problem};
use crate::extract::AppJson;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::time::{Duration, SystemTime};

/// How long each readiness check may take.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// Liveness: the process serves requests.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses((status = 200, description = "Alive", body = Health))
)]
pub async fn healthz() -> AppJson<Health> {
    AppJson(Health {
        status: "ok".to_owned(),
    })
}

/// Readiness: PostgreSQL answers `SELECT 1` and the NATS connection is up.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Readiness),
        (status = 503, description = "A dependency is down (`not_ready`, with `checks`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn readyz(State(state): State<AppState>) -> Result<AppJson<Readiness>, ApiError> {
    let mut checks = BTreeMap::new();
    let postgres = tokio::time::timeout(CHECK_TIMEOUT, async {
        let client = state.pool.get().await?;
        client.query_one("SELECT 1", &[]).await?;
        anyhow::Ok(())
    })
    .await;
    let postgres = match postgres {
        Ok(Ok(())) => "ok".to_owned(),
        Ok(Err(e)) => {
            tracing::warn!(error = format!("{e:#}"), "readiness: postgres failed");
            "unavailable".to_owned()
        }
        Err(_) => "timeout".to_owned(),
    };
    checks.insert("postgres".to_owned(), postgres);
    let nats = match &state.nats {
        None => "not configured".to_owned(),
        Some(client) => match client.connection_state() {
            async_nats::connection::State::Connected => "ok".to_owned(),
            other => other.to_string(),
        },
    };
    checks.insert("nats".to_owned(), nats);
    if checks.values().all(|v| v == "ok") {
        Ok(AppJson(Readiness {
            status: "ready".to_owned(),
            checks,
        }))
    } else {
        Err(ApiError::NotReady(checks))
    }
}

/// Prometheus metrics: the shared registry (projection lag, relay progress, HTTP requests)
/// plus figures read at scrape time (oldest open transaction, pool, uptime).
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses((status = 200, description = "Prometheus text exposition format", body = String, content_type = "text/plain"))
)]
pub async fn metrics(State(state): State<AppState>) -> Response {
    let mut text = state.metrics.render();
    let mut gauge = |name: &str, help: &str, value: f64| {
        let _ = writeln!(
            text,
            "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
        );
    };
    match tokio::time::timeout(CHECK_TIMEOUT, state.store.oldest_open_transaction_seconds()).await {
        Ok(Ok(seconds)) => gauge(
            "fundadmin_oldest_open_transaction_seconds",
            "Age of the oldest open transaction holding a transaction id (it holds the feed back).",
            seconds,
        ),
        Ok(Err(e)) => tracing::warn!(error = %e, "metrics: oldest open transaction unavailable"),
        Err(_) => tracing::warn!("metrics: oldest open transaction timed out"),
    }
    let status = state.pool.status();
    gauge(
        "fundadmin_db_pool_max_size",
        "Most connections the PostgreSQL pool opens.",
        status.max_size as f64,
    );
    gauge(
        "fundadmin_db_pool_size",
        "Connections the PostgreSQL pool holds.",
        status.size as f64,
    );
    gauge(
        "fundadmin_db_pool_available",
        "Idle connections in the PostgreSQL pool.",
        status.available as f64,
    );
    gauge(
        "fundadmin_db_pool_waiting",
        "Requests waiting for a PostgreSQL connection.",
        status.waiting as f64,
    );
    let started = state
        .started_at
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    gauge(
        "fundadmin_process_start_time_seconds",
        "When the process started, in seconds since the Unix epoch.",
        started.as_secs_f64(),
    );
    let mut response = text.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object))
)]
pub async fn openapi_json() -> Response {
    AppJson(crate::openapi::document()).into_response()
}
