//! The demo's requests: each one goes through [`crate::router`] in process
//! (`tower::ServiceExt::oneshot`, no socket), with a real bearer token, so authentication,
//! validation, the fund rules and the event store see it exactly as a client's request.

use crate::AppState;
use anyhow::{bail, Context};
use axum::body::Body;
use axum::http::{header, Method, Request};
use axum::Router;
use serde_json::Value;
use tower::ServiceExt;

/// The router over the demo's state, and how many requests it answered.
pub(super) struct Client {
    router: Router,
    /// The state the router serves (its pool, clock and repositories).
    pub(super) state: AppState,
    /// Requests sent so far.
    pub(super) requests: usize,
}

impl Client {
    /// A client of the whole HTTP application over `state`.
    pub(super) fn new(state: AppState) -> Self {
        Client {
            router: crate::router(state.clone()),
            state,
            requests: 0,
        }
    }

    /// Sends one request; answers the status and the body. `body` goes as JSON.
    async fn send(
        &mut self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<(u16, Vec<u8>)> {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        let body = match body {
            Some(json) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(serde_json::to_vec(json)?)
            }
            None => Body::empty(),
        };
        let response = self
            .router
            .clone()
            .oneshot(request.body(body)?)
            .await
            .context("the router failed")?;
        self.requests += 1;
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
        Ok((status, bytes.to_vec()))
    }

    /// `POST path` with a JSON body; its JSON answer, or an error naming the step and the
    /// problem the API answered.
    pub(super) async fn post(
        &mut self,
        token: &str,
        path: &str,
        body: Value,
    ) -> anyhow::Result<Value> {
        let (status, bytes) = self.send(Method::POST, path, token, Some(&body)).await?;
        if !(200..300).contains(&status) {
            bail!("POST {path}: {status} {}", String::from_utf8_lossy(&bytes));
        }
        serde_json::from_slice(&bytes)
            .with_context(|| format!("POST {path}: the answer is not JSON"))
    }

    /// `GET path`; its bytes as answered (a report's canonical document).
    pub(super) async fn get_bytes(&mut self, token: &str, path: &str) -> anyhow::Result<Vec<u8>> {
        let (status, bytes) = self.send(Method::GET, path, token, None).await?;
        if !(200..300).contains(&status) {
            bail!("GET {path}: {status} {}", String::from_utf8_lossy(&bytes));
        }
        Ok(bytes)
    }
}
