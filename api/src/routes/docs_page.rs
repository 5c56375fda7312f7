//! `GET /docs`: a browsable page of the API, with no token, that needs no internet. One
//! self-contained HTML file (`api/static/docs.html`: inline CSS and a small vanilla script,
//! embedded in the binary) that fetches `/openapi.json` from the same server and renders it:
//! the operations grouped by tag, each with its parameters, request body, responses and
//! schemas (every `$ref` resolved) and its security requirement, with a filter box.
//!
//! Its `Content-Security-Policy` lets the page load nothing but `/openapi.json` from its own
//! origin, so a browser proves it: the page works offline or not at all.

use axum::http::{header, HeaderValue};
use axum::response::{Html, IntoResponse, Response};

/// The page.
pub const PAGE: &str = include_str!("../../static/docs.html");

/// What the page may load: its own inline script and style, and JSON from its own origin.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'unsafe-inline'; \
    style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; \
    form-action 'none'; frame-ancestors 'none'";

/// The API documentation page, rendered in the browser from `/openapi.json`.
#[utoipa::path(
    get,
    path = "/docs",
    tag = "operations",
    responses((status = 200, description = "A self-contained HTML page that renders /openapi.json (no token, nothing loaded from elsewhere)", body = String, content_type = "text/html"))
)]
pub async fn docs_page() -> Response {
    let mut response = Html(PAGE).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}
