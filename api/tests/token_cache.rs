//! The token cache of a serving process (`api::auth::cache`): a token checked once is answered
//! from memory, and a revocation returns only once every live cache has forgotten it.
//!
//! A token is shown to be answered from memory by scrambling its stored secret hash after the
//! first request: the table alone would then refuse it as invalid.
#![expect(
    clippy::unwrap_used,
    reason = "integration tests: a failed unwrap is a failed test"
)]

mod common;

use api::auth::{revoke_token, tokens::parse_token, Principal};
use axum::http::StatusCode;
use common::{spawn_app, TestApp};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// An application whose state keeps tokens in memory, once its cache is trusted.
async fn caching_app() -> TestApp {
    let mut app = spawn_app().await;
    app.state = app.state.clone().with_token_cache(app.db.url.clone());
    let cache = app.state.tokens.clone().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cache.is_trusted() {
        assert!(
            Instant::now() < deadline,
            "the token cache never registered"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    app
}

/// The table now says the token's secret is something else.
async fn scramble_secret(app: &TestApp, token_id: Uuid) {
    let client = app.db.pool.get().await.unwrap();
    let changed = client
        .execute(
            "UPDATE api_tokens SET secret_hash = '\\x00' WHERE token_id = $1",
            &[&token_id],
        )
        .await
        .unwrap();
    assert_eq!(changed, 1);
}

/// A holder row of another (pretended) process, its heartbeat `age` old.
async fn holder(app: &TestApp, age_seconds: f64) -> Uuid {
    let id = Uuid::now_v7();
    let client = app.db.pool.get().await.unwrap();
    client
        .execute(
            "INSERT INTO token_cache_holders (holder_id, heartbeat_at) \
             VALUES ($1, now() - make_interval(secs => $2))",
            &[&id, &age_seconds],
        )
        .await
        .unwrap();
    id
}

#[tokio::test(flavor = "multi_thread")]
async fn a_checked_token_is_answered_from_memory_and_an_unchecked_one_from_the_table() {
    let app = caching_app().await;
    let checked = app.token(&Principal::Admin, None).await;
    let unchecked = app.token(&Principal::Admin, None).await;
    assert_eq!(app.get("/funds", &checked).await.status, StatusCode::OK);
    for token in [&checked, &unchecked] {
        scramble_secret(&app, parse_token(token).unwrap().0).await;
    }
    assert_eq!(app.get("/funds", &checked).await.status, StatusCode::OK);
    app.get("/funds", &unchecked)
        .await
        .assert_problem(401, "unauthenticated");
    // A wrong secret for a remembered token is refused from memory too.
    let (id, _) = parse_token(&checked).unwrap();
    let forged = format!("fa_{}_{}", id.simple(), "ab".repeat(32));
    app.get("/funds", &forged)
        .await
        .assert_problem(401, "unauthenticated");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revocation_returns_only_once_the_cache_has_forgotten_the_token() {
    let app = caching_app().await;
    let token = app.token(&Principal::Admin, None).await;
    let (id, _) = parse_token(&token).unwrap();
    assert_eq!(app.get("/funds", &token).await.status, StatusCode::OK);
    assert!(revoke_token(&app.db.pool, id).await.unwrap());
    // The very next request, with nothing waited for.
    let r = app.get("/funds", &token).await;
    r.assert_problem(401, "unauthenticated");
    assert!(r.json["detail"].as_str().unwrap().contains("revoked"));
    let client = app.db.pool.get().await.unwrap();
    let holder = app.state.tokens.as_ref().unwrap().holder_id();
    let acked: i64 = client
        .query_one(
            "SELECT acked FROM token_cache_holders WHERE holder_id = $1",
            &[&holder],
        )
        .await
        .unwrap()
        .get(0);
    assert!(acked >= 1, "the holder acknowledged the revocation");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revocation_waits_for_a_live_holder_that_has_not_acknowledged_it() {
    let app = spawn_app().await;
    let token = app.token(&Principal::Admin, None).await;
    let (id, _) = parse_token(&token).unwrap();
    let other = holder(&app, 0.0).await;
    let pool = app.db.pool.clone();
    let revoking = tokio::spawn(async move { revoke_token(&pool, id).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !revoking.is_finished(),
        "returned before the live holder acknowledged"
    );
    let client = app.db.pool.get().await.unwrap();
    client
        .execute(
            "UPDATE token_cache_holders SET acked = 1000 WHERE holder_id = $1",
            &[&other],
        )
        .await
        .unwrap();
    assert!(revoking.await.unwrap().unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_holder_that_stopped_heartbeating_does_not_hold_up_a_revocation() {
    let app = spawn_app().await;
    let token = app.token(&Principal::Admin, None).await;
    let (id, _) = parse_token(&token).unwrap();
    holder(&app, 60.0).await;
    // Waiting for it would fail after the lease; it has stopped trusting its memory.
    assert!(revoke_token(&app.db.pool, id).await.unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cache_that_loses_its_connection_stops_answering_from_memory() {
    let app = caching_app().await;
    let token = app.token(&Principal::Admin, None).await;
    assert_eq!(app.get("/funds", &token).await.status, StatusCode::OK);
    scramble_secret(&app, parse_token(&token).unwrap().0).await;
    assert_eq!(app.get("/funds", &token).await.status, StatusCode::OK);
    let client = app.db.pool.get().await.unwrap();
    let ended = client
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE application_name = 'fundadmin-token-cache' AND datname = current_database()",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(ended, 1);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = app.get("/funds", &token).await;
        if r.status == StatusCode::UNAUTHORIZED {
            break;
        }
        assert!(Instant::now() < deadline, "still answered from memory");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_remembered_token_expires_on_time() {
    let app = caching_app().await;
    let expires = chrono::Utc::now() + chrono::Duration::milliseconds(1500);
    let token = app.token(&Principal::Admin, Some(expires)).await;
    assert_eq!(app.get("/funds", &token).await.status, StatusCode::OK);
    scramble_secret(&app, parse_token(&token).unwrap().0).await;
    assert_eq!(app.get("/funds", &token).await.status, StatusCode::OK);
    let wait = (expires - chrono::Utc::now()).to_std().unwrap_or_default();
    tokio::time::sleep(wait + Duration::from_millis(50)).await;
    let r = app.get("/funds", &token).await;
    r.assert_problem(401, "unauthenticated");
    // From memory: the table would have said "invalid".
    assert!(r.json["detail"].as_str().unwrap().contains("expired"));
}
