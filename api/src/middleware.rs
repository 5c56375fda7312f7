//! The outer middleware every response passes: it counts responses by status for `/metrics`
//! and turns any bare error response a layer produced (413 from the body limit, 408 from
//! the timeout, a 405 without body) into problem+json, so clients never see plain text.

use crate::error::{ApiError, PROBLEM_JSON};
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use eventstore::Metrics;

/// See the module documentation.
pub async fn finish(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let response = as_problem(next.run(request).await);
    metrics.add(
        "fundadmin_http_responses_total",
        &format!("status=\"{}\"", response.status().as_u16()),
        "HTTP responses sent, by status.",
        1.0,
    );
    response
}

fn as_problem(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if is_problem {
        return response;
    }
    let allow = response.headers().get(header::ALLOW).cloned();
    let mut problem = ApiError::from_status(status, String::new()).into_response();
    if let Some(allow) = allow {
        problem.headers_mut().insert(header::ALLOW, allow);
    }
    problem
}
