//! Authentication and authorisation: tokens that do not work are 401 with
//! `WWW-Authenticate`, principals that may not act are 403, funds they may not see are 404;
//! the command line's token list and revocation.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

mod common;

use api::auth::{list_tokens, revoke_token, tokens::parse_token, Principal};
use axum::http::{Method, StatusCode};
use common::{fund_body, spawn_app, TestApp, TestResponse};
use domain::FundId;
use sha2::{Digest, Sha256};
use uuid::Uuid;

#[track_caller]
fn assert_unauthenticated(r: &TestResponse) {
    r.assert_problem(401, "unauthenticated");
    assert!(r
        .header("www-authenticate")
        .is_some_and(|v| v.starts_with("Bearer")));
}

#[tokio::test]
async fn requests_without_a_working_token_are_401_and_write_nothing() {
    let app = spawn_app().await;
    let body = fund_body("X").to_string();
    let post = |token: Option<String>, headers: Vec<(&'static str, String)>| {
        let app = &app;
        let body = body.clone();
        async move {
            let headers: Vec<(&str, &str)> =
                headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.send(
                Method::POST,
                "/funds",
                token.as_deref(),
                Some(body.as_bytes()),
                &headers,
            )
            .await
        }
    };

    assert_unauthenticated(&post(None, vec![]).await);
    assert_unauthenticated(&post(Some("garbage".into()), vec![]).await);
    let (id, _) = parse_token(&app.admin).unwrap();
    let wrong_secret = format!("fa_{}_{}", id.simple(), "00".repeat(32));
    assert_unauthenticated(&post(Some(wrong_secret), vec![]).await);
    let unknown_id = format!("fa_{}_{}", Uuid::now_v7().simple(), "00".repeat(32));
    assert_unauthenticated(&post(Some(unknown_id), vec![]).await);
    let basic = vec![("authorization", "Basic YWRtaW46YWRtaW4=".to_owned())];
    assert_unauthenticated(&post(None, basic).await);
    assert_eq!(app.event_count().await, 0);
}

#[tokio::test]
async fn revoked_and_expired_tokens_are_401() {
    let app = spawn_app().await;
    let token = app.token(&Principal::Admin, None).await;
    assert_eq!(app.get("/funds", &token).await.status, StatusCode::OK);
    let (id, _) = parse_token(&token).unwrap();
    assert!(revoke_token(&app.db.pool, id).await.unwrap());
    assert!(!revoke_token(&app.db.pool, id).await.unwrap());
    let r = app.get("/funds", &token).await;
    assert_unauthenticated(&r);
    assert!(r.json["detail"].as_str().unwrap().contains("revoked"));

    let expired = app
        .token(
            &Principal::Admin,
            Some(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .await;
    let r = app.get("/funds", &expired).await;
    assert_unauthenticated(&r);
    assert!(r.json["detail"].as_str().unwrap().contains("expired"));
    let r = app.post_fund(&expired, &fund_body("X"), &[]).await;
    assert_unauthenticated(&r);

    let later = app
        .token(
            &Principal::Admin,
            Some(chrono::Utc::now() + chrono::Duration::days(1)),
        )
        .await;
    assert_eq!(app.get("/funds", &later).await.status, StatusCode::OK);
    // Expiry is checked on every request: a token that expires while in use stops at once.
    let (later_id, _) = parse_token(&later).unwrap();
    let client = app.db.pool.get().await.unwrap();
    client
        .execute(
            "UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE token_id = $1",
            &[&later_id],
        )
        .await
        .unwrap();
    let r = app.get("/funds", &later).await;
    assert_unauthenticated(&r);
    assert!(r.json["detail"].as_str().unwrap().contains("expired"));
    assert_eq!(app.event_count().await, 0);
}

#[tokio::test]
async fn only_admins_establish_funds() {
    let app = spawn_app().await;
    let mut body = fund_body("Manager's own");
    body["fund_id"] = serde_json::json!(app.manager_fund);
    app.post_fund(&app.manager, &body, &[])
        .await
        .assert_problem(403, "forbidden");
    // Refused before the body is read: a malformed body from a manager is still 403.
    app.send(
        Method::POST,
        "/funds",
        Some(&app.manager),
        Some(b"{oops"),
        &[],
    )
    .await
    .assert_problem(403, "forbidden");
    assert_eq!(app.event_count().await, 0);
}

#[tokio::test]
async fn another_funds_data_is_404_as_if_it_did_not_exist() {
    let app = spawn_app().await;
    let other = app.establish("Someone else's").await;
    app.catch_up().await;
    let r = app.get(&format!("/funds/{other}"), &app.manager).await;
    r.assert_problem(404, "fund_not_found");
    let missing = app
        .get(&format!("/funds/{}", Uuid::now_v7()), &app.manager)
        .await;
    assert_eq!(missing.json["detail"], r.json["detail"]);

    let lp = app
        .token(
            &Principal::Lp {
                fund: FundId(other),
                lp: Uuid::now_v7(),
            },
            None,
        )
        .await;
    assert_eq!(
        app.get(&format!("/funds/{other}"), &lp).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn use_is_recorded_and_listing_shows_no_secrets() {
    let app = spawn_app().await;
    assert_eq!(app.get("/funds", &app.admin).await.status, StatusCode::OK);
    let tokens = list_tokens(&app.db.pool).await.unwrap();
    assert_eq!(tokens.len(), 2);
    let (admin_id, secret) = parse_token(&app.admin).unwrap();
    let admin = tokens.iter().find(|t| t.token_id == admin_id).unwrap();
    assert_eq!(admin.role, "admin");
    assert!(admin.last_used_at.is_some());
    let manager = tokens.iter().find(|t| t.role == "manager").unwrap();
    assert!(manager.last_used_at.is_none());
    assert_eq!(manager.scope, format!("fund={}", app.manager_fund));
    let listed = serde_json::to_string(&tokens).unwrap();
    assert!(!listed.contains(&hex::encode(secret)));
    let hash = Sha256::digest(secret);
    assert!(
        !listed.contains(&hex::encode(hash)),
        "the listing shows the hash"
    );

    // Only the sha256 of the secret is stored: neither the secret nor the token string is
    // anywhere in the row.
    let client = app.db.pool.get().await.unwrap();
    let row = client
        .query_one(
            "SELECT secret_hash, t::text FROM api_tokens t WHERE token_id = $1",
            &[&admin_id],
        )
        .await
        .unwrap();
    let stored: Vec<u8> = row.get(0);
    assert_eq!(stored, hash.to_vec());
    let text: String = row.get(1);
    assert!(text.contains(&hex::encode(hash)), "{text}");
    assert!(!text.contains(&hex::encode(secret)), "{text}");
    assert!(!text.contains(&app.admin), "{text}");
}

/// Runs the `fundadmin` binary against the test database.
fn fundadmin(app: &TestApp, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_fundadmin"))
        .args(args)
        .env("DATABASE_URL", &app.db.url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_command_line_shows_a_secret_once_lists_none_and_revokes_at_once() {
    let app = spawn_app().await;
    let out = fundadmin(
        &app,
        &["token", "create", "--role", "admin", "--label", "ops"],
    );
    assert!(out.status.success());
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let (id, secret) = parse_token(&token).unwrap();
    assert_eq!(app.get("/funds", &token).await.status, StatusCode::OK);

    // Listed with its last use, never with its secret or the secret's hash.
    let out = fundadmin(&app, &["token", "list"]);
    assert!(out.status.success());
    let listed = String::from_utf8(out.stdout).unwrap();
    let line = listed
        .lines()
        .find(|l| l.starts_with(&id.to_string()))
        .unwrap_or_else(|| panic!("{id} not listed:\n{listed}"));
    let columns: Vec<&str> = line.split('\t').collect();
    assert_eq!((columns[1], columns[5], columns[7]), ("admin", "-", "ops"));
    assert_ne!(columns[6], "-", "last use not shown: {line}");
    assert!(!listed.contains(&hex::encode(secret)), "{listed}");
    assert!(
        !listed.contains(&hex::encode(Sha256::digest(secret))),
        "{listed}"
    );

    let id = id.to_string();
    let out = fundadmin(&app, &["token", "revoke", &id]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        format!("revoked {id}")
    );
    let r = app.get("/funds", &token).await;
    assert_unauthenticated(&r);
    assert!(r.json["detail"].as_str().unwrap().contains("revoked"));
    let r = app.post_fund(&token, &fund_body("X"), &[]).await;
    assert_unauthenticated(&r);

    // Revoking again, or an unknown token, fails.
    assert_eq!(
        fundadmin(&app, &["token", "revoke", &id]).status.code(),
        Some(1)
    );
    let unknown = Uuid::now_v7().to_string();
    assert_eq!(
        fundadmin(&app, &["token", "revoke", &unknown])
            .status
            .code(),
        Some(1)
    );
    let out = fundadmin(&app, &["token", "list"]);
    let listed = String::from_utf8(out.stdout).unwrap();
    let line = listed.lines().find(|l| l.starts_with(&id)).unwrap();
    assert_ne!(
        line.split('\t').nth(5),
        Some("-"),
        "revocation not shown: {line}"
    );
    assert_eq!(app.event_count().await, 0);
}
