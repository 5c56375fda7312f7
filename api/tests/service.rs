//! Operational endpoints and the OpenAPI document: health, readiness against real
//! PostgreSQL and NATS, metrics, and a document that lists exactly the routes served.

mod common;

use axum::http::{Method, StatusCode};
use common::{spawn_app, spawn_app_with};
use std::collections::BTreeSet;

#[tokio::test]
async fn healthz_is_always_ok() {
    let app = spawn_app().await;
    let r = app.send(Method::GET, "/healthz", None, None, &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json, serde_json::json!({"status": "ok"}));
}

#[tokio::test]
async fn readyz_checks_postgres_and_nats() {
    let nats = eventstore::testkit::nats().await;
    let app = spawn_app_with(|mut s| {
        s.nats = Some(nats);
        s
    })
    .await;
    let r = app.send(Method::GET, "/readyz", None, None, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["checks"]["postgres"], "ok");
    assert_eq!(r.json["checks"]["nats"], "ok");
}

#[tokio::test]
async fn readyz_without_nats_is_503() {
    let app = spawn_app().await;
    let r = app.send(Method::GET, "/readyz", None, None, &[]).await;
    r.assert_problem(503, "not_ready");
    assert_eq!(r.json["checks"]["postgres"], "ok");
    assert_eq!(r.json["checks"]["nats"], "not configured");
}

#[tokio::test]
async fn metrics_are_prometheus_text() {
    let app = spawn_app().await;
    app.get("/funds", &app.admin).await;
    let r = app.send(Method::GET, "/metrics", None, None, &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header("content-type").unwrap().starts_with("text/plain"));
    for name in [
        "fundadmin_oldest_open_transaction_seconds",
        "fundadmin_db_pool_size",
        "fundadmin_db_pool_available",
        "fundadmin_process_start_time_seconds",
        "fundadmin_http_responses_total{status=\"200\"}",
    ] {
        assert!(r.text.contains(name), "{name} missing from\n{}", r.text);
    }
}

fn document() -> serde_json::Value {
    serde_json::to_value(api::openapi::document()).expect("the document serializes")
}

#[tokio::test]
async fn openapi_json_is_served() {
    let app = spawn_app().await;
    let r = app
        .send(Method::GET, "/openapi.json", None, None, &[])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.json["openapi"].as_str().unwrap().starts_with("3."));
    assert!(r.json["paths"]["/funds"]["post"].is_object());
    assert!(r.json["paths"]["/funds"]["get"].is_object());
    assert!(r.json["paths"]["/funds/{fund_id}"]["get"].is_object());
    assert_eq!(
        r.json["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let money = &r.json["components"]["schemas"]["Money"];
    assert_eq!(money["type"], "string");
    assert_eq!(money["pattern"], api::dto::MONEY_PATTERN);
}

#[test]
fn the_document_lists_exactly_the_routes_served() {
    let doc = document();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if method != "parameters" {
                documented.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    let served: BTreeSet<(String, String)> = api::routes::list()
        .into_iter()
        .map(|(m, p)| (m.to_string(), p.to_owned()))
        .collect();
    assert_eq!(documented, served);
}

#[tokio::test]
async fn every_route_in_the_table_is_routed() {
    let app = spawn_app().await;
    for (method, path) in api::routes::list() {
        let path = path.replace("{fund_id}", &uuid::Uuid::now_v7().to_string());
        let r = app.send(method.clone(), &path, None, None, &[]).await;
        assert!(
            r.json["code"] != "not_found" && r.json["code"] != "method_not_allowed",
            "{method} {path} is not routed: {}",
            r.text
        );
    }
}

#[test]
fn every_error_response_is_problem_json() {
    let doc = document();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, response) in op["responses"].as_object().unwrap() {
                if status.starts_with('4') || status.starts_with('5') {
                    let schema = &response["content"]["application/problem+json"]["schema"];
                    assert_eq!(
                        schema["$ref"], "#/components/schemas/Problem",
                        "{method} {path} {status}"
                    );
                }
            }
            let secured = op.get("security").is_some();
            assert_eq!(
                secured,
                path.starts_with("/funds")
                    || path.starts_with("/me/")
                    || path == "/reports"
                    || path == "/events",
                "{method} {path}: security"
            );
        }
    }
}

#[test]
fn the_cli_prints_the_same_document() {
    let text = api::openapi::document().to_pretty_json().unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(parsed, document());
}
