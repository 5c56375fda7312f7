//! The audit feed, `GET /events`: a fund's events as stored, each with its hash and the hash
//! before it in its stream, so that anyone holding the feed can check the hash chains without
//! trusting this server (docs/API.md, "Audit feed", says how).
//!
//! The feed is the log's gap-safe order, `(tx_id, global_position)`, restricted to
//! transactions older than every transaction still open: a page never shows an event that a
//! transaction committing later could precede, so paging with `after` never skips one.

use crate::auth::{Authenticated, Principal};
use crate::error::ApiError;
use crate::extract::{AppJson, AppQuery};
use crate::routes::ledger::ReadProblems;
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use domain::FundId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// Largest page.
const MAX_LIMIT: i64 = 1000;

/// `GET /events` query.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// The fund whose events to list: its own stream, its committee, and every project,
    /// resolution, exemption case and report of it. Required except for the admin.
    pub fund_id: Option<Uuid>,
    /// The previous page's `next_after` (`<tx_id>-<global_position>`).
    pub after: Option<String>,
    /// Page size, 1 to 1000 (default 200).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

/// One event as stored, with what its hash covers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEvent {
    /// Position in the global log.
    pub global_position: i64,
    /// The writing transaction.
    pub tx_id: i64,
    /// Its id.
    pub event_id: Uuid,
    /// Its stream.
    pub stream_id: String,
    /// The stream's type.
    pub stream_type: String,
    /// Its number in the stream, from 1.
    pub stream_version: i64,
    /// Its type.
    pub event_type: String,
    /// The schema version of the payload.
    pub schema_version: i32,
    /// The payload as stored.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// Who and why (actor, role, token id, command, correlation and causation ids).
    #[schema(value_type = Object)]
    pub metadata: serde_json::Value,
    /// Its business date.
    pub effective_at: NaiveDate,
    /// When it was recorded, as hashed: UTC with microseconds (`2024-07-05T01:02:03.123456Z`).
    pub recorded_at: String,
    /// `sha256(previous_hash || canonical bytes)`, hex.
    pub hash: String,
    /// The hash of the event before it in its stream (64 zeros for the first), hex.
    pub previous_hash: String,
}

/// A page of the feed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditPage {
    /// In the log's order.
    pub items: Vec<AuditEvent>,
    /// Pass as `?after=` for the next page; absent when this page is the last one now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_after: Option<String>,
}

fn parse_after(after: Option<&str>) -> Result<(i64, i64), ApiError> {
    let Some(after) = after else {
        return Ok((0, 0));
    };
    let bad = || ApiError::InvalidQuery("after must be <tx_id>-<global_position>".to_owned());
    let (tx, position) = after.split_once('-').ok_or_else(bad)?;
    let tx: i64 = tx.parse().map_err(|_| bad())?;
    let position: i64 = position.parse().map_err(|_| bad())?;
    if tx < 0 || position < 0 {
        return Err(bad());
    }
    Ok((tx, position))
}

/// A fund's events with their hashes, for auditors: the admin (any fund, or all), a
/// regulator or an authority (the funds its token covers), the fund's manager.
#[utoipa::path(
    get,
    path = "/events",
    tag = "audit",
    params(EventsQuery),
    responses(
        (status = 200, description = "A page of events in the log's order", body = AuditPage),
        (status = 403, description = "Not an auditor of the fund (`forbidden`)", body = crate::error::Problem, content_type = "application/problem+json"),
        ReadProblems
    ),
    security(("bearer" = []))
)]
pub async fn events(
    State(state): State<AppState>,
    auth: Authenticated,
    AppQuery(query): AppQuery<EventsQuery>,
) -> Result<Response, ApiError> {
    let limit = query.limit.unwrap_or(200);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::InvalidQuery(format!(
            "limit must be between 1 and {MAX_LIMIT}"
        )));
    }
    let (tx, position) = parse_after(query.after.as_deref())?;
    match (&auth.principal, query.fund_id) {
        (Principal::Admin, _) => {}
        (_, None) => {
            return Err(ApiError::InvalidQuery(
                "fund_id is required: the feed is read fund by fund".to_owned(),
            ))
        }
        (principal, Some(fund)) => {
            if !principal.can_read_fund(FundId(fund)) {
                return Err(ApiError::FundNotFound);
            }
            if !matches!(
                principal,
                Principal::Regulator { .. }
                    | Principal::Authority { .. }
                    | Principal::Manager { .. }
            ) {
                return Err(ApiError::Forbidden(
                    "the audit feed is read by regulators, authorities and the fund's manager",
                ));
            }
        }
    }
    let fund = query.fund_id.map(|f| f.to_string());
    let client = state.pool.get().await?;
    let rows = client
        .query(
            "SELECT e.global_position, e.tx_id::text::int8, e.event_id, e.stream_id, \
               e.stream_type, e.stream_version, e.event_type, e.schema_version, e.payload, \
               e.metadata, e.effective_at, e.recorded_at, e.hash, p.hash \
             FROM events e \
             LEFT JOIN events p ON p.stream_id = e.stream_id \
               AND p.stream_version = e.stream_version - 1 \
             WHERE (e.tx_id, e.global_position) > ($1::int8::text::xid8, $2) \
               AND e.tx_id < pg_snapshot_xmin(pg_current_snapshot()) \
               AND ($3::text IS NULL OR e.stream_id IN ( \
                 SELECT s.stream_id FROM events s \
                 WHERE s.stream_version = 1 AND s.payload->>'fund_id' = $3)) \
             ORDER BY e.tx_id, e.global_position LIMIT $4",
            &[&tx, &position, &fund, &limit],
        )
        .await?;
    let items: Vec<AuditEvent> = rows
        .iter()
        .map(|r| {
            let recorded_at: chrono::DateTime<chrono::Utc> = r.get(11);
            let hash: Vec<u8> = r.get(12);
            let previous: Option<Vec<u8>> = r.get(13);
            AuditEvent {
                global_position: r.get(0),
                tx_id: r.get(1),
                event_id: r.get(2),
                stream_id: r.get(3),
                stream_type: r.get(4),
                stream_version: r.get(5),
                event_type: r.get(6),
                schema_version: r.get(7),
                payload: r.get(8),
                metadata: r.get(9),
                effective_at: r.get(10),
                recorded_at: eventstore::hash::format_timestamp(recorded_at),
                hash: hex::encode(hash),
                previous_hash: hex::encode(previous.unwrap_or_else(|| vec![0; 32])),
            }
        })
        .collect();
    let next_after = (items.len() as i64 == limit)
        .then(|| {
            items
                .last()
                .map(|e| format!("{}-{}", e.tx_id, e.global_position))
        })
        .flatten();
    Ok(AppJson(AuditPage { items, next_after }).into_response())
}
