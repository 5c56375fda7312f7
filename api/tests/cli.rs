//! The `fundadmin` binary itself, run as a user runs it, against a fresh database.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use eventstore::testkit::test_db;
use eventstore::{ExpectedVersion, Metadata, NewEvent, StreamAppend};
use serde_json::json;
use std::process::Command;
use uuid::Uuid;

fn fundadmin(database_url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_fundadmin"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_exits_non_zero_and_names_a_tampered_event() {
    let db = test_db().await;
    let appends: Vec<StreamAppend> = ["a", "b"]
        .iter()
        .map(|s| StreamAppend {
            stream_id: (*s).into(),
            stream_type: "test".into(),
            expected: ExpectedVersion::NoStream,
            known_head: None,
            events: (0..3)
                .map(|i| NewEvent {
                    event_id: Uuid::now_v7(),
                    event_type: "Tested".into(),
                    schema_version: 1,
                    payload: json!({ "i": i }),
                    metadata: serde_json::to_value(Metadata::new("admin", "admin")).unwrap(),
                    effective_at: None,
                })
                .collect(),
        })
        .collect();
    db.store().append(&appends, None).await.unwrap();

    let intact = fundadmin(&db.url, &["verify"]);
    assert!(intact.status.success());
    let stdout = String::from_utf8(intact.stdout).unwrap();
    assert!(
        stdout.contains("verified 6 events in 2 streams: intact"),
        "{stdout}"
    );

    let c = db.pool.get().await.unwrap();
    let tampered: Uuid = c
        .query_one(
            "SELECT event_id FROM events WHERE stream_id = 'b' AND stream_version = 3",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    c.batch_execute(
        "ALTER TABLE events DISABLE TRIGGER events_no_update_or_delete;
         UPDATE events SET metadata = '{\"actor\": \"someone else\"}'
          WHERE stream_id = 'b' AND stream_version = 3;
         ALTER TABLE events ENABLE TRIGGER events_no_update_or_delete;",
    )
    .await
    .unwrap();

    let broken = fundadmin(&db.url, &["verify"]);
    assert_eq!(broken.status.code(), Some(1));
    let stdout = String::from_utf8(broken.stdout).unwrap();
    let mut lines = stdout.lines();
    assert_eq!(
        lines.next(),
        Some("verified 6 events in 2 streams: 1 problems")
    );
    let problem: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(problem["problem"], "hash_mismatch");
    assert_eq!(problem["event_id"], tampered.to_string());
    assert_eq!(problem["stream_id"], "b");
    assert_eq!(problem["stream_version"], 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn token_create_prints_only_the_token_and_refuses_a_missing_scope() {
    let db = test_db().await;
    let out = fundadmin(&db.url, &["token", "create", "--role", "admin"]);
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1);
    assert!(lines[0].starts_with("fa_"), "{stdout}");

    let refused = fundadmin(&db.url, &["token", "create", "--role", "manager"]);
    assert!(!refused.status.success());
    assert!(refused.stdout.is_empty());
}
