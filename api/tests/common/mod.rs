//! The test application: a fresh database, an admin and a manager token, and request helpers
//! that drive `router(state)` with `oneshot`, without a socket.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the helpers"
)]
#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

use api::auth::{create_token, Principal};
use api::{router, AppState};
use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use chrono::{DateTime, Utc};
use domain::FundId;
use eventstore::testkit::{test_db, TestDb};
use eventstore::Metrics;
use serde_json::{json, Value};
use tower::ServiceExt;
use uuid::Uuid;

/// A running application over its own database.
pub struct TestApp {
    /// The database.
    pub db: TestDb,
    /// The state the router was built on.
    pub state: AppState,
    /// An admin token.
    pub admin: String,
    /// A manager token of `manager_fund`.
    pub manager: String,
    /// The fund the manager token is bound to (not established).
    pub manager_fund: Uuid,
}

/// A response, body parsed as JSON when it is JSON.
#[derive(Debug)]
pub struct TestResponse {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body as JSON (`Null` when empty or not JSON).
    pub json: Value,
    /// Body as text.
    pub text: String,
}

impl TestResponse {
    /// The header's value as a string.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a problem+json answer with `status` and `code`.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "body: {}",
            self.text
        );
        assert_eq!(self.json["code"], code, "body: {}", self.text);
        assert_eq!(self.json["status"], status);
        assert_eq!(
            self.json["type"],
            format!("https://fundadmin.example/problems/{code}")
        );
        assert!(self.json["title"].is_string());
        assert!(self.json["detail"].is_string());
    }
}

/// Builds the application on a fresh database with the default limits.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|state| state).await
}

/// Builds the application, letting the test adjust the state (limits, NATS).
pub async fn spawn_app_with(adjust: impl FnOnce(AppState) -> AppState) -> TestApp {
    let db = test_db().await;
    projections::runner::setup_all(&db.pool).await.unwrap();
    let state = adjust(AppState::new(db.pool.clone(), None, Metrics::new()));
    let admin = create_token(&db.pool, &Principal::Admin, None, Some("test admin"))
        .await
        .unwrap()
        .token;
    let manager_fund = Uuid::now_v7();
    let manager = create_token(
        &db.pool,
        &Principal::Manager {
            fund: FundId(manager_fund),
        },
        None,
        None,
    )
    .await
    .unwrap()
    .token;
    TestApp {
        db,
        state,
        admin,
        manager,
        manager_fund,
    }
}

/// A valid establishment body.
pub fn fund_body(name: &str) -> Value {
    json!({
        "name": name,
        "kind": "angel",
        "total_size": "300000000.00",
        "establishment_date": "2021-09-01",
        "manager": "昆山市天使投资管理有限公司",
        "custodian": "中国工商银行昆山分行",
        "city": "昆山",
    })
}

impl TestApp {
    /// Sends a request: `body` as raw bytes with `Content-Type: application/json`.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&[u8]>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let typed = headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"));
        if body.is_some() && !typed {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request
            .body(body.map(|b| Body::from(b.to_vec())).unwrap_or_default())
            .unwrap();
        let response = router(self.state.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        TestResponse {
            status,
            headers,
            json: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// `GET path` with a token.
    pub async fn get(&self, path: &str, token: &str) -> TestResponse {
        self.send(Method::GET, path, Some(token), None, &[]).await
    }

    /// `POST /funds` with a token, a JSON body and extra headers.
    pub async fn post_fund(
        &self,
        token: &str,
        body: &Value,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        self.post_json("/funds", token, body, headers).await
    }

    /// `POST path` with a token, a JSON body and extra headers.
    pub async fn post_json(
        &self,
        path: &str,
        token: &str,
        body: &Value,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let bytes = serde_json::to_vec(body).unwrap();
        self.send(Method::POST, path, Some(token), Some(&bytes), headers)
            .await
    }

    /// Establishes a fund as admin and returns its id (asserting 201).
    pub async fn establish(&self, name: &str) -> Uuid {
        let r = self.post_fund(&self.admin, &fund_body(name), &[]).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.json["fund_id"].as_str().unwrap().parse().unwrap()
    }

    /// Rows in `events`.
    pub async fn event_count(&self) -> i64 {
        let client = self.db.pool.get().await.unwrap();
        client
            .query_one("SELECT count(*) FROM events", &[])
            .await
            .unwrap()
            .get(0)
    }

    /// Brings the read models up to date with everything written so far. The gap-safe
    /// feed shows a transaction only once every older one in the cluster has ended (other
    /// tests run in parallel), so this repeats the catch-up until the head is applied.
    pub async fn catch_up(&self) {
        let (pool, store, metrics) = (&self.db.pool, &self.state.store, &self.state.metrics);
        let timeout = std::time::Duration::from_secs(10);
        projections::runner::catch_up_all(pool, store, metrics, timeout)
            .await
            .unwrap();
    }

    /// A manager token and a custodian token of `fund`.
    pub async fn fund_tokens(&self, fund: Uuid) -> (String, String) {
        let fund = FundId(fund);
        (
            self.token(&Principal::Manager { fund }, None).await,
            self.token(&Principal::Custodian { fund }, None).await,
        )
    }

    /// Issues a token for `principal`.
    pub async fn token(&self, principal: &Principal, expires_at: Option<DateTime<Utc>>) -> String {
        create_token(&self.db.pool, principal, expires_at, None)
            .await
            .unwrap()
            .token
    }

    /// Posts a command to `/funds/{fund}{suffix}` and asserts `201`.
    pub async fn ok(&self, token: &str, fund: Uuid, suffix: &str, body: Value) -> TestResponse {
        let r = self.post(token, fund, suffix, body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{suffix}: {}", r.text);
        assert_eq!(r.json["fund_id"], json!(fund));
        assert!(r.json["stream_version"].as_i64().unwrap() >= 1);
        assert!(r.json["global_position"].as_i64().unwrap() >= 1);
        r
    }

    /// Posts a command to `/funds/{fund}{suffix}`.
    pub async fn post(&self, token: &str, fund: Uuid, suffix: &str, body: Value) -> TestResponse {
        self.post_json(&format!("/funds/{fund}{suffix}"), token, &body, &[])
            .await
    }

    /// Asserts that the command is refused with `status` and `code` and writes nothing.
    pub async fn refused(
        &self,
        token: &str,
        fund: Uuid,
        suffix: &str,
        body: Value,
        (status, code): (u16, &str),
    ) -> TestResponse {
        let before = self.event_count().await;
        let r = self.post(token, fund, suffix, body).await;
        r.assert_problem(status, code);
        assert_eq!(self.event_count().await, before, "{code} wrote events");
        r
    }
}
