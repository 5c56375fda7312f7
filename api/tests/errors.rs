//! Client mistakes: each gets its status and problem+json `code`, never a 500, and writes
//! no event.

mod common;

use axum::http::Method;
use common::{fund_body, spawn_app, spawn_app_with, TestApp};
use serde_json::json;
use std::time::Duration;
use uuid::Uuid;

/// Posts raw bytes as admin and asserts the problem and that nothing was written.
async fn refused(app: &TestApp, body: &[u8], status: u16, code: &str) -> serde_json::Value {
    let before = app.event_count().await;
    let r = app
        .send(Method::POST, "/funds", Some(&app.admin), Some(body), &[])
        .await;
    r.assert_problem(status, code);
    assert_eq!(app.event_count().await, before, "an event was written");
    r.json
}

#[tokio::test]
async fn malformed_json_is_400() {
    let app = spawn_app().await;
    refused(&app, b"{\"name\": ", 400, "invalid_json").await;
    refused(&app, b"not json", 400, "invalid_json").await;
    refused(&app, b"{} trailing", 400, "invalid_json").await;
}

#[tokio::test]
async fn wrong_shapes_are_422_invalid_request() {
    let app = spawn_app().await;
    let mut wrong_type = fund_body("X");
    wrong_type["total_size"] = json!(300000000.00);
    refused(
        &app,
        wrong_type.to_string().as_bytes(),
        422,
        "invalid_request",
    )
    .await;

    let mut unknown_field = fund_body("X");
    unknown_field["currency"] = json!("CNY");
    let p = refused(
        &app,
        unknown_field.to_string().as_bytes(),
        422,
        "invalid_request",
    )
    .await;
    assert!(p["detail"].as_str().unwrap().contains("currency"), "{p}");

    let mut missing = fund_body("X");
    missing.as_object_mut().unwrap().remove("kind");
    refused(&app, missing.to_string().as_bytes(), 422, "invalid_request").await;

    let mut bad_kind = fund_body("X");
    bad_kind["kind"] = json!("hedge");
    refused(
        &app,
        bad_kind.to_string().as_bytes(),
        422,
        "invalid_request",
    )
    .await;

    let mut bad_date = fund_body("X");
    bad_date["establishment_date"] = json!("2021-02-30");
    refused(
        &app,
        bad_date.to_string().as_bytes(),
        422,
        "invalid_request",
    )
    .await;

    let mut bad_id = fund_body("X");
    bad_id["fund_id"] = json!("not-a-uuid");
    refused(&app, bad_id.to_string().as_bytes(), 422, "invalid_request").await;

    refused(&app, b"[]", 422, "invalid_request").await;
}

#[tokio::test]
async fn money_below_the_fen_is_422() {
    let app = spawn_app().await;
    for amount in [
        "300000000.001",
        "1e9",
        "12.340",
        " 100",
        "10000000000000.00",
    ] {
        let mut body = fund_body("X");
        body["total_size"] = json!(amount);
        let p = refused(&app, body.to_string().as_bytes(), 422, "invalid_request").await;
        assert!(p["detail"].as_str().unwrap().contains("total_size"), "{p}");
    }
}

#[tokio::test]
async fn non_positive_sizes_are_refused_by_the_fund_rules() {
    let app = spawn_app().await;
    for amount in ["0", "0.00", "-100.00"] {
        let mut body = fund_body("X");
        body["total_size"] = json!(amount);
        let p = refused(
            &app,
            body.to_string().as_bytes(),
            422,
            "non_positive_fund_size",
        )
        .await;
        assert_eq!(p["rule"], "Art. 3");
    }
    let mut blank = fund_body("   ");
    blank["name"] = json!("   ");
    refused(&app, blank.to_string().as_bytes(), 422, "invalid_fund_name").await;
}

#[tokio::test]
async fn bodies_must_be_json_and_small() {
    let app = spawn_app().await;
    let body = fund_body("X").to_string();
    let r = app
        .send(
            Method::POST,
            "/funds",
            Some(&app.admin),
            Some(body.as_bytes()),
            &[("content-type", "text/plain")],
        )
        .await;
    r.assert_problem(415, "unsupported_media_type");

    let mut huge = fund_body("X");
    huge["name"] = json!("x".repeat(100 * 1024));
    let huge = huge.to_string();
    refused(&app, huge.as_bytes(), 413, "payload_too_large").await;
    // Refused on the declared length too, before reading.
    let length = huge.len().to_string();
    let r = app
        .send(
            Method::POST,
            "/funds",
            Some(&app.admin),
            Some(huge.as_bytes()),
            &[("content-length", &length)],
        )
        .await;
    r.assert_problem(413, "payload_too_large");
    assert_eq!(app.event_count().await, 0);
}

#[tokio::test]
async fn paths_and_routes() {
    let app = spawn_app().await;
    app.get("/funds/not-a-uuid", &app.admin)
        .await
        .assert_problem(400, "invalid_path");
    app.get(&format!("/funds/{}", Uuid::now_v7()), &app.admin)
        .await
        .assert_problem(404, "fund_not_found");
    let r = app.get("/no/such/route", &app.admin).await;
    r.assert_problem(404, "not_found");
    let r = app
        .send(Method::DELETE, "/funds", Some(&app.admin), None, &[])
        .await;
    r.assert_problem(405, "method_not_allowed");
    assert!(
        r.header("allow").unwrap_or_default().contains("POST"),
        "{r:?}"
    );
}

#[tokio::test]
async fn bad_command_headers_are_400() {
    let app = spawn_app().await;
    let body = fund_body("X").to_string();
    for (name, value) in [
        ("if-match", "latest"),
        ("idempotency-key", "has space"),
        ("if-match", "-1"),
    ] {
        let r = app
            .send(
                Method::POST,
                "/funds",
                Some(&app.admin),
                Some(body.as_bytes()),
                &[(name, value)],
            )
            .await;
        r.assert_problem(400, "invalid_header");
    }
    assert_eq!(app.event_count().await, 0);
}

#[tokio::test]
async fn a_request_over_its_time_is_503_timeout() {
    let app = spawn_app_with(|s| {
        let mut config = s.config.clone();
        config.request_timeout = Duration::from_millis(50);
        config.max_projection_wait = Duration::from_secs(5);
        s.with_config(config)
    })
    .await;
    let r = app.post_fund(&app.admin, &fund_body("Slow"), &[]).await;
    let position = r.json["global_position"].as_i64().unwrap();
    // No projection runs, so this read waits until the request timeout cuts it.
    let r = app
        .get(&format!("/funds?min_position={position}"), &app.admin)
        .await;
    r.assert_problem(503, "timeout");
}
