//! Errors as `application/problem+json` (RFC 9457), the only error format the API speaks.
//!
//! Policy: every failure a handler can meet becomes one [`ApiError`] variant, and its HTTP
//! status, stable `code` and title are chosen in one `match` ([`ApiError::parts`]). Client
//! mistakes are 4xx with a `detail` that helps fix the request; store failures are 500 with a
//! generic detail, and their cause chain goes to the log once, here, never to the client.
//! A failure because PostgreSQL is unreachable or restarting is `503 not_ready` instead (the
//! client may retry, with the same `Idempotency-Key` for a command).
//! Domain rejections carry the rule's `code()` and, when it comes from the fund rules, its
//! `rule()` (e.g. `Art. 3`). Status codes and `code`s are part of the API contract (see
//! `docs/API.md`).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::Rejection;
use eventstore::CommandError;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Where the problem types are documented; a problem's `type` is this plus its `code`.
pub const PROBLEM_BASE: &str = "https://fundadmin.example/problems/";

/// An error body (RFC 9457 problem details) with the API's stable `code`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "https://fundadmin.example/problems/non_positive_fund_size",
    "title": "Refused by the fund rules",
    "status": 422,
    "detail": "the total size must be greater than zero",
    "code": "non_positive_fund_size",
    "rule": "Art. 3"
}))]
pub struct Problem {
    /// A URI naming the problem type: `https://fundadmin.example/problems/<code>`.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// A short summary of the problem type.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong with this request.
    pub detail: String,
    /// Stable, machine-readable code (snake_case), e.g. `fund_not_found`.
    pub code: String,
    /// The rule broken (e.g. `Art. 3`), for refusals by the fund rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Readiness checks and their outcome (only on `503 not_ready`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checks: Option<BTreeMap<String, String>>,
}

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body is not JSON (400 `invalid_json`).
    #[error("{0}")]
    InvalidJson(String),
    /// The body is JSON of the wrong shape: wrong types, unknown or missing fields, values
    /// out of their format (422 `invalid_request`).
    #[error("{0}")]
    InvalidRequest(String),
    /// The body is not declared as JSON (415 `unsupported_media_type`).
    #[error("expected a body with Content-Type: application/json")]
    UnsupportedMediaType,
    /// The body is larger than the limit (413 `payload_too_large`).
    #[error("the request body is too large")]
    PayloadTooLarge,
    /// A path segment is malformed, e.g. not a UUID (400 `invalid_path`).
    #[error("{0}")]
    InvalidPath(String),
    /// The query string is malformed (400 `invalid_query`).
    #[error("{0}")]
    InvalidQuery(String),
    /// A header is malformed, e.g. `If-Match` or `Idempotency-Key` (400 `invalid_header`).
    #[error("{0}")]
    InvalidHeader(String),
    /// No valid bearer token (401 `unauthenticated`).
    #[error("{0}")]
    Unauthenticated(&'static str),
    /// The principal may not do this (403 `forbidden`).
    #[error("{0}")]
    Forbidden(&'static str),
    /// No such fund, or not one the principal may see (404 `fund_not_found`).
    #[error("no such fund")]
    FundNotFound,
    /// No such resource of a fund (a call, an LP account…), or not one the principal may
    /// see (404 with the resource's code, e.g. `call_not_found`).
    #[error("{detail}")]
    NotFound {
        /// The stable code.
        code: &'static str,
        /// What was not found.
        detail: &'static str,
    },
    /// No such route (404 `not_found`).
    #[error("no such resource")]
    RouteNotFound,
    /// The route exists, not with this method (405 `method_not_allowed`).
    #[error("this method is not allowed on this resource")]
    MethodNotAllowed,
    /// The stream is not at the version the client said (`If-Match`) (409 `version_conflict`).
    #[error("{0}")]
    VersionConflict(String),
    /// The `Idempotency-Key` was first used for another request (422 `idempotency_key_reused`).
    #[error("this Idempotency-Key was already used for a different request")]
    KeyReused,
    /// Refused by a domain rule (422, or 404 for a missing target) with the rule's code.
    #[error("{detail}")]
    Rejected {
        /// The rejection's stable code.
        code: &'static str,
        /// The rule broken, if any.
        rule: Option<&'static str>,
        /// The rejection's message.
        detail: String,
        /// Whether the target does not exist (404 instead of 422).
        not_found: bool,
    },
    /// The request took too long (503 `timeout`).
    #[error("the request took too long")]
    Timeout,
    /// A dependency is down (503 `not_ready`), with each check's outcome.
    #[error("not ready")]
    NotReady(BTreeMap<String, String>),
    /// Any other error status a layer produced (e.g. from tower), kept as it is.
    #[error("{1}")]
    Other(StatusCode, String),
    /// The server failed (500 `internal`); the cause is logged, never sent.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    /// An internal error from any cause; `503 not_ready` when the cause is that PostgreSQL
    /// is unavailable.
    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        let e = e.into();
        if postgres_unavailable(&e) {
            tracing::warn!(
                error = format!("{e:#}"),
                "PostgreSQL unavailable: answering 503"
            );
            let checks = BTreeMap::from([("postgres".to_owned(), "unavailable".to_owned())]);
            return ApiError::NotReady(checks);
        }
        ApiError::Internal(e)
    }

    /// Status, stable code and title.
    pub fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        use StatusCode as S;
        match self {
            ApiError::InvalidJson(_) => (S::BAD_REQUEST, "invalid_json", "Malformed JSON"),
            ApiError::InvalidRequest(_) => (
                S::UNPROCESSABLE_ENTITY,
                "invalid_request",
                "Invalid request body",
            ),
            ApiError::UnsupportedMediaType => (
                S::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Unsupported media type",
            ),
            ApiError::PayloadTooLarge => (
                S::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "Request body too large",
            ),
            ApiError::InvalidPath(_) => (S::BAD_REQUEST, "invalid_path", "Invalid path"),
            ApiError::InvalidQuery(_) => (S::BAD_REQUEST, "invalid_query", "Invalid query"),
            ApiError::InvalidHeader(_) => (S::BAD_REQUEST, "invalid_header", "Invalid header"),
            ApiError::Unauthenticated(_) => (
                S::UNAUTHORIZED,
                "unauthenticated",
                "Authentication required",
            ),
            ApiError::Forbidden(_) => (S::FORBIDDEN, "forbidden", "Forbidden"),
            ApiError::FundNotFound => (S::NOT_FOUND, "fund_not_found", "Fund not found"),
            ApiError::NotFound { code, .. } => (S::NOT_FOUND, code, "Not found"),
            ApiError::RouteNotFound => (S::NOT_FOUND, "not_found", "Not found"),
            ApiError::MethodNotAllowed => (
                S::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "Method not allowed",
            ),
            ApiError::VersionConflict(_) => (S::CONFLICT, "version_conflict", "Version conflict"),
            ApiError::KeyReused => (
                S::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "Idempotency key reused",
            ),
            ApiError::Rejected {
                code, not_found, ..
            } => {
                if *not_found {
                    (S::NOT_FOUND, code, "Not found")
                } else {
                    (S::UNPROCESSABLE_ENTITY, code, "Refused by the fund rules")
                }
            }
            ApiError::Timeout => (S::SERVICE_UNAVAILABLE, "timeout", "Request timed out"),
            ApiError::NotReady(_) => (S::SERVICE_UNAVAILABLE, "not_ready", "Not ready"),
            ApiError::Other(status, _) => (
                *status,
                "http_error",
                status.canonical_reason().unwrap_or("Error"),
            ),
            ApiError::Internal(_) => (S::INTERNAL_SERVER_ERROR, "internal", "Internal error"),
        }
    }

    /// The problem body this error is sent as.
    pub fn problem(&self) -> Problem {
        let (status, code, title) = self.parts();
        let detail = match self {
            ApiError::Internal(_) => {
                "the server failed; the incident is logged, please retry later".to_owned()
            }
            ApiError::NotReady(_) => "a dependency is unavailable".to_owned(),
            other => other.to_string(),
        };
        Problem {
            type_uri: format!("{PROBLEM_BASE}{code}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            code: code.to_owned(),
            rule: match self {
                ApiError::Rejected { rule, .. } => rule.map(str::to_owned),
                _ => None,
            },
            checks: match self {
                ApiError::NotReady(checks) => Some(checks.clone()),
                _ => None,
            },
        }
    }

    /// The error a bare error status (from a layer such as the body limit) stands for.
    pub fn from_status(status: StatusCode, text: String) -> Self {
        match status {
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
            StatusCode::NOT_FOUND => ApiError::RouteNotFound,
            StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
            StatusCode::REQUEST_TIMEOUT => ApiError::Timeout,
            s if s.is_server_error() => ApiError::Internal(anyhow::anyhow!("{s}: {text}")),
            s => ApiError::Other(
                s,
                if text.is_empty() {
                    s.canonical_reason().unwrap_or("error").to_owned()
                } else {
                    text
                },
            ),
        }
    }
}

/// Whether anything in `e`'s cause chain says PostgreSQL is unavailable.
fn postgres_unavailable(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        if let Some(s) = cause.downcast_ref::<eventstore::StoreError>() {
            s.is_unavailable()
        } else if let Some(p) = cause.downcast_ref::<tokio_postgres::Error>() {
            eventstore::pool::pg_unavailable(p)
        } else if let Some(p) = cause.downcast_ref::<deadpool_postgres::PoolError>() {
            eventstore::pool::pool_unavailable(p)
        } else {
            false
        }
    })
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(e) = &self {
            tracing::error!(error = format!("{e:#}"), "request failed");
        }
        let problem = self.problem();
        let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::BAD_REQUEST);
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if matches!(self, ApiError::Unauthenticated(_)) {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"fundadmin\""),
            );
        }
        response
    }
}

impl ApiError {
    /// A refusal by a domain rule, outside the command path.
    pub fn rejected(r: &impl Rejection) -> Self {
        ApiError::Rejected {
            code: r.code(),
            rule: r.rule(),
            detail: r.to_string(),
            not_found: r.is_not_found(),
        }
    }
}

impl<R: Rejection> From<CommandError<R>> for ApiError {
    fn from(e: CommandError<R>) -> Self {
        match e {
            CommandError::Rejected(r) => ApiError::rejected(&r),
            CommandError::Conflict {
                stream_id,
                expected,
                actual,
            } => ApiError::VersionConflict(if actual >= 0 {
                format!("{stream_id} is at version {actual}, the request expected {expected}")
            } else {
                format!("{stream_id} was changed concurrently; reload and retry")
            }),
            CommandError::KeyReused(_) => ApiError::KeyReused,
            CommandError::Store(s) => ApiError::internal(s),
        }
    }
}

impl From<tokio_postgres::Error> for ApiError {
    fn from(e: tokio_postgres::Error) -> Self {
        ApiError::internal(e)
    }
}

impl From<deadpool_postgres::PoolError> for ApiError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        ApiError::internal(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::fund::FundError;

    #[test]
    fn domain_rejections_keep_code_and_rule() {
        let e: ApiError = CommandError::Rejected(FundError::NonPositiveSize).into();
        let p = e.problem();
        assert_eq!(p.status, 422);
        assert_eq!(p.code, "non_positive_fund_size");
        assert_eq!(p.rule.as_deref(), Some("Art. 3"));
        assert_eq!(
            p.type_uri,
            "https://fundadmin.example/problems/non_positive_fund_size"
        );
    }

    #[test]
    fn not_found_rejections_are_404() {
        let e: ApiError = CommandError::Rejected(FundError::NotEstablished).into();
        assert_eq!(e.problem().status, 404);
        assert_eq!(e.problem().code, "fund_not_found");
    }

    #[test]
    fn internal_errors_do_not_leak() {
        let e = ApiError::internal(anyhow::anyhow!("password=hunter2 at db host"));
        let p = e.problem();
        assert_eq!(p.status, 500);
        assert!(!p.detail.contains("hunter2"));
    }

    #[test]
    fn postgres_unavailable_is_503_not_ready() {
        let closed = eventstore::StoreError::Pool(deadpool_postgres::PoolError::Closed);
        let p = ApiError::internal(closed).problem();
        assert_eq!((p.status, p.code.as_str()), (503, "not_ready"));
        let batch = eventstore::StoreError::Batch {
            message: "connection closed".into(),
            unavailable: true,
        };
        let e: ApiError = CommandError::<FundError>::Store(batch).into();
        assert_eq!(e.problem().status, 503);
        let other = eventstore::StoreError::Invalid("a bug");
        assert_eq!(ApiError::internal(other).problem().status, 500);
    }

    #[test]
    fn unauthenticated_carries_www_authenticate() {
        let r = ApiError::Unauthenticated("missing bearer token").into_response();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert!(r.headers().contains_key(header::WWW_AUTHENTICATE));
        assert_eq!(r.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
    }
}
