//! Fund endpoints end to end over a real database: establish, read back, scope, idempotency,
//! If-Match, read-your-writes.

mod common;

use api::auth::Principal;
use axum::http::{Method, StatusCode};
use common::{fund_body, spawn_app, spawn_app_with};
use domain::FundId;
use eventstore::Metrics;
use projections::funds::FundsProjection;
use projections::runner::RunnerConfig;
use serde_json::json;
use std::time::Duration;
use tokio::sync::watch;
use uuid::Uuid;

#[tokio::test]
async fn establishing_a_fund_answers_201_and_the_read_model_shows_it() {
    let app = spawn_app().await;
    let fund_id = Uuid::now_v7();
    let mut body = fund_body("深圳天使母基金");
    body["fund_id"] = json!(fund_id);

    let r = app.post_fund(&app.admin, &body, &[]).await;

    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.header("location"), Some(&*format!("/funds/{fund_id}")));
    assert_eq!(r.header("idempotency-replayed"), None);
    assert_eq!(r.json["fund_id"], json!(fund_id));
    assert_eq!(r.json["stream_version"], 1);
    let position = r.json["global_position"].as_i64().unwrap();
    assert!(position >= 1);

    // The event carries who did it.
    let client = app.db.pool.get().await.unwrap();
    let metadata: serde_json::Value = client
        .query_one(
            "SELECT metadata FROM events WHERE stream_id = $1",
            &[&fund_id.to_string()],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(metadata["actor"], "admin");
    assert_eq!(metadata["role"], "admin");
    assert!(metadata["token_id"].is_string());

    app.catch_up().await;
    let r = app.get(&format!("/funds/{fund_id}"), &app.admin).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["name"], "深圳天使母基金");
    assert_eq!(r.json["kind"], "angel");
    assert_eq!(r.json["total_size"], "300000000.00");
    assert_eq!(r.json["establishment_date"], "2021-09-01");
    assert_eq!(r.json["version"], 1);
    assert_eq!(r.header("x-projection-behind"), None);
}

#[tokio::test]
async fn a_fund_id_is_generated_when_absent() {
    let app = spawn_app().await;
    let r = app
        .post_fund(&app.admin, &fund_body("Guidance I"), &[])
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let id: Uuid = r.json["fund_id"].as_str().unwrap().parse().unwrap();
    assert_eq!(id.get_version_num(), 7);
}

#[tokio::test]
async fn lists_are_scoped_by_principal() {
    let app = spawn_app().await;
    let a = app.establish("A").await;
    let b = app.establish("B").await;
    let c = app.establish("C").await;
    app.catch_up().await;
    let ids = |r: &common::TestResponse| -> Vec<String> {
        r.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["fund_id"].as_str().unwrap().to_owned())
            .collect()
    };

    let all = app.get("/funds", &app.admin).await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(ids(&all), [a, b, c].map(|u| u.to_string()));

    let manager_of_b = app
        .token(&Principal::Manager { fund: FundId(b) }, None)
        .await;
    let r = app.get("/funds", &manager_of_b).await;
    assert_eq!(ids(&r), [b.to_string()]);

    let regulator = app
        .token(
            &Principal::Regulator {
                agency: "深圳市财政局".into(),
                funds: vec![FundId(a), FundId(c)],
            },
            None,
        )
        .await;
    let r = app.get("/funds", &regulator).await;
    assert_eq!(ids(&r), [a, c].map(|u| u.to_string()));
    assert_eq!(
        app.get(&format!("/funds/{c}"), &regulator).await.status,
        200
    );
    app.get(&format!("/funds/{b}"), &regulator)
        .await
        .assert_problem(404, "fund_not_found");

    // The app's manager token is bound to a fund that does not exist: an empty list.
    let r = app.get("/funds", &app.manager).await;
    assert_eq!(ids(&r), Vec::<String>::new());
}

#[tokio::test]
async fn lists_are_paged_by_id() {
    let app = spawn_app().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(app.establish(&format!("Fund {i}")).await.to_string());
    }
    app.catch_up().await;
    let page1 = app.get("/funds?limit=2", &app.admin).await;
    assert_eq!(page1.json["items"].as_array().unwrap().len(), 2);
    let next = page1.json["next_after"].as_str().unwrap();
    assert_eq!(next, ids[1]);
    let page3 = app
        .get(&format!("/funds?limit=2&after={}", ids[3]), &app.admin)
        .await;
    assert_eq!(page3.json["items"][0]["fund_id"], ids[4]);
    assert!(page3.json.get("next_after").is_none());
    app.get("/funds?limit=0", &app.admin)
        .await
        .assert_problem(400, "invalid_query");
    app.get("/funds?limit=501", &app.admin)
        .await
        .assert_problem(400, "invalid_query");
    app.get("/funds?limit=ten", &app.admin)
        .await
        .assert_problem(400, "invalid_query");
    app.get("/funds?colour=red", &app.admin)
        .await
        .assert_problem(400, "invalid_query");
}

#[tokio::test]
async fn an_idempotent_retry_answers_the_first_result_and_writes_once() {
    let app = spawn_app().await;
    // No fund_id in the body: the retry must answer the first generated id, not a new one.
    let body = fund_body("Retry Fund");
    let key = [("idempotency-key", "establish-retry-1")];

    let first = app.post_fund(&app.admin, &body, &key).await;
    let second = app.post_fund(&app.admin, &body, &key).await;

    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(second.status, StatusCode::CREATED);
    assert_eq!(second.json, first.json);
    assert_eq!(second.header("location"), first.header("location"));
    assert_eq!(second.header("idempotency-replayed"), Some("true"));
    assert_eq!(app.event_count().await, 1);

    let mut other = body.clone();
    other["name"] = json!("Another Fund");
    app.post_fund(&app.admin, &other, &key)
        .await
        .assert_problem(422, "idempotency_key_reused");
    assert_eq!(app.event_count().await, 1);

    // Keys are scoped by token: another admin token may use the same key for its own request.
    let admin2 = app.token(&Principal::Admin, None).await;
    let r = app.post_fund(&admin2, &other, &key).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_ne!(r.json["fund_id"], first.json["fund_id"]);
    assert_eq!(app.event_count().await, 2);
}

#[tokio::test]
async fn establishing_the_same_fund_twice_is_refused() {
    let app = spawn_app().await;
    let mut body = fund_body("Twice");
    body["fund_id"] = json!(Uuid::now_v7());
    assert_eq!(
        app.post_fund(&app.admin, &body, &[]).await.status,
        StatusCode::CREATED
    );
    let r = app.post_fund(&app.admin, &body, &[]).await;
    r.assert_problem(422, "fund_already_established");
    assert_eq!(app.event_count().await, 1);
}

#[tokio::test]
async fn if_match_guards_the_stream_version() {
    let app = spawn_app().await;
    let mut body = fund_body("Guarded");
    body["fund_id"] = json!(Uuid::now_v7());

    app.post_fund(&app.admin, &body, &[("if-match", "3")])
        .await
        .assert_problem(409, "version_conflict");
    assert_eq!(app.event_count().await, 0);

    let r = app
        .post_fund(&app.admin, &body, &[("if-match", "\"0\"")])
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);

    app.post_fund(&app.admin, &body, &[("if-match", "0")])
        .await
        .assert_problem(409, "version_conflict");
    app.post_fund(&app.admin, &body, &[("if-match", "*")])
        .await
        .assert_problem(400, "invalid_header");
    assert_eq!(app.event_count().await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn min_position_waits_for_the_projection() {
    let app = spawn_app().await;
    let (stop, shutdown) = watch::channel(false);
    let runner = tokio::spawn(projections::runner::run(
        FundsProjection,
        RunnerConfig {
            pool: app.db.pool.clone(),
            database_url: app.db.url.clone(),
            nats: None,
            prefix: "unused".into(),
            metrics: Metrics::new(),
            shutdown,
        },
    ));

    let r = app
        .post_fund(&app.admin, &fund_body("Read your writes"), &[])
        .await;
    let id = r.json["fund_id"].as_str().unwrap();
    let position = r.json["global_position"].as_i64().unwrap();
    let read = app
        .get(&format!("/funds/{id}?min_position={position}"), &app.admin)
        .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!(read.header("x-projection-behind"), None);
    let list = app
        .get(&format!("/funds?min_position={position}"), &app.admin)
        .await;
    assert_eq!(list.json["items"][0]["fund_id"], id);

    stop.send_replace(true);
    runner.await.unwrap().unwrap();
}

/// An application whose reads wait at most `ms` milliseconds for `?min_position=`.
async fn app_waiting_at_most(ms: u64) -> common::TestApp {
    spawn_app_with(|s| {
        let mut config = s.config.clone();
        config.max_projection_wait = Duration::from_millis(ms);
        s.with_config(config)
    })
    .await
}

#[tokio::test]
async fn a_projection_behind_is_flagged_not_hidden() {
    let app = app_waiting_at_most(50).await;
    let r = app.post_fund(&app.admin, &fund_body("Lagging"), &[]).await;
    let id = r.json["fund_id"].as_str().unwrap();
    let position = r.json["global_position"].as_i64().unwrap();

    // No runner: the read model never gets there.
    let read = app
        .get(&format!("/funds/{id}?min_position={position}"), &app.admin)
        .await;
    read.assert_problem(404, "fund_not_found");
    assert_eq!(read.header("x-projection-behind"), Some("true"));
    let list = app
        .get(&format!("/funds?min_position={position}"), &app.admin)
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.header("x-projection-behind"), Some("true"));

    app.get(&format!("/funds/{id}?min_position=-1"), &app.admin)
        .await
        .assert_problem(400, "invalid_query");
}

#[tokio::test]
async fn a_read_model_has_reached_a_position_when_nothing_of_its_kind_came_before_it() {
    let app = app_waiting_at_most(300).await;
    let fund = app.establish("Mixed reads").await;
    let (manager, _) = app.fund_tokens(fund).await;
    app.catch_up().await;
    // A fund event, which the projects read model never receives (no runner runs either).
    let tranche = json!({ "number": 1, "size": "50000000.00", "subscription_date": "2021-09-01" });
    let r = app.ok(&manager, fund, "/tranches", tranche).await;
    let position = r.json["global_position"].as_i64().unwrap();
    let read = app
        .get(
            &format!("/funds/{fund}/projects?min_position={position}"),
            &manager,
        )
        .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!(read.header("x-projection-behind"), None);
    // The capital read model reads fund events and has not applied this one: still behind.
    let read = app
        .get(
            &format!("/funds/{fund}/lps?min_position={position}"),
            &manager,
        )
        .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!(read.header("x-projection-behind"), Some("true"));
}

#[tokio::test]
async fn head_is_answered_for_reads() {
    let app = spawn_app().await;
    let r = app
        .send(Method::HEAD, "/funds", Some(&app.admin), None, &[])
        .await;
    assert_eq!(r.status, StatusCode::OK);
}
