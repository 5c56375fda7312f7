//! Appends against the real PostgreSQL: expected versions, multi-stream atomicity,
//! idempotency keys, immutability and the hash chain.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use eventstore::store::{AppendError, IdempotencyKey};
use eventstore::testkit::test_db;
use eventstore::verify::{verify, Problem};
use eventstore::{ExpectedVersion, Metadata, NewEvent, StreamAppend};
use serde_json::json;
use uuid::Uuid;

fn event(n: i64) -> NewEvent {
    NewEvent {
        event_id: Uuid::now_v7(),
        event_type: "Tested".into(),
        schema_version: 1,
        payload: json!({ "n": n, "note": "基金" }),
        metadata: serde_json::to_value(Metadata::new("admin", "admin")).unwrap(),
        effective_at: None,
    }
}

fn append(stream: &str, expected: ExpectedVersion, n: i64) -> StreamAppend {
    StreamAppend {
        stream_id: stream.into(),
        stream_type: "test".into(),
        expected,
        known_head: None,
        events: (0..n).map(event).collect(),
    }
}

fn key(k: &str, request: &str) -> IdempotencyKey {
    use sha2::Digest;
    IdempotencyKey {
        key: k.into(),
        request_hash: sha2::Sha256::digest(request.as_bytes()).into(),
    }
}

async fn count(db: &eventstore::testkit::TestDb, sql: &str) -> i64 {
    let c = db.pool.get().await.unwrap();
    c.query_one(sql, &[]).await.unwrap().get(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_appends_at_the_same_version_let_exactly_one_through() {
    let db = test_db().await;
    let store = db.store();
    store
        .append(&[append("s", ExpectedVersion::NoStream, 2)], None)
        .await
        .unwrap();
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .append(&[append("s", ExpectedVersion::Exact(2), 1)], None)
                    .await
            })
        })
        .collect();
    let mut ok = 0;
    let mut conflicts = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(AppendError::Conflict { actual, .. }) => {
                assert_eq!(actual, 3);
                conflicts += 1;
            }
            Err(e) => panic!("unexpected error {e}"),
        }
    }
    assert_eq!((ok, conflicts), (1, 15));
    assert_eq!(count(&db, "SELECT count(*) FROM events").await, 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_creations_of_a_stream_let_exactly_one_through() {
    let db = test_db().await;
    let store = db.store();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .append(&[append("new", ExpectedVersion::NoStream, 1)], None)
                    .await
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(AppendError::Conflict { stream_id, .. }) => assert_eq!(stream_id, "new"),
            Err(e) => panic!("unexpected error {e}"),
        }
    }
    assert_eq!(ok, 1);
    assert_eq!(count(&db, "SELECT count(*) FROM events").await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_multi_stream_append_is_all_or_nothing() {
    let db = test_db().await;
    let store = db.store();
    store
        .append(&[append("b", ExpectedVersion::NoStream, 1)], None)
        .await
        .unwrap();
    // "a" would be fine, "b" is at 1 not 5: nothing of either is written.
    let err = store
        .append(
            &[
                append("a", ExpectedVersion::NoStream, 2),
                append("b", ExpectedVersion::Exact(5), 1),
            ],
            None,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppendError::Conflict { ref stream_id, actual: 1, .. } if stream_id == "b")
    );
    assert_eq!(count(&db, "SELECT count(*) FROM events").await, 1);
    assert_eq!(count(&db, "SELECT count(*) FROM streams").await, 1);

    let ok = store
        .append(
            &[
                append("a", ExpectedVersion::NoStream, 2),
                append("b", ExpectedVersion::Exact(1), 1),
            ],
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        ok.result.stream_versions,
        vec![("a".to_owned(), 2), ("b".to_owned(), 2)]
    );
    assert_eq!(ok.result.last_position - ok.result.first_position, 2);
    assert!(verify(&db.pool).await.unwrap().is_intact());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retried_key_returns_the_first_result_and_appends_nothing() {
    let db = test_db().await;
    let store = db.store();
    let k = key("k1", "body");
    let first = store
        .append(&[append("s", ExpectedVersion::Any, 1)], Some(&k))
        .await
        .unwrap();
    assert!(!first.replayed);
    let again = store
        .append(&[append("s", ExpectedVersion::Any, 1)], Some(&k))
        .await
        .unwrap();
    assert!(again.replayed);
    assert_eq!(again.result, first.result);
    assert_eq!(count(&db, "SELECT count(*) FROM events").await, 1);

    let reused = store
        .append(
            &[append("s", ExpectedVersion::Any, 1)],
            Some(&key("k1", "other body")),
        )
        .await
        .unwrap_err();
    assert!(matches!(reused, AppendError::KeyReused(_)));
    assert_eq!(count(&db, "SELECT count(*) FROM events").await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn racing_retries_of_one_key_append_once() {
    let db = test_db().await;
    let store = db.store();
    for round in 0..5 {
        let k = key(&format!("race-{round}"), "body");
        let stream = format!("s{round}");
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (store, k, stream) = (store.clone(), k.clone(), stream.clone());
                tokio::spawn(async move {
                    store
                        .append(&[append(&stream, ExpectedVersion::Any, 1)], Some(&k))
                        .await
                })
            })
            .collect();
        let mut results = Vec::new();
        for t in tasks {
            results.push(t.await.unwrap().unwrap());
        }
        assert_eq!(results.iter().filter(|r| !r.replayed).count(), 1);
        assert!(results.windows(2).all(|w| w[0].result == w[1].result));
    }
    assert_eq!(count(&db, "SELECT count(*) FROM events").await, 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn events_cannot_be_updated_or_deleted() {
    let db = test_db().await;
    db.store()
        .append(&[append("s", ExpectedVersion::NoStream, 1)], None)
        .await
        .unwrap();
    let c = db.pool.get().await.unwrap();
    for sql in [
        "UPDATE events SET payload = '{}'",
        "DELETE FROM events",
        "TRUNCATE events",
    ] {
        let err = c.execute(sql, &[]).await.unwrap_err();
        assert!(
            err.as_db_error()
                .unwrap()
                .message()
                .contains("events are immutable"),
            "{sql}: {err}"
        );
    }
    assert_eq!(count(&db, "SELECT count(*) FROM events").await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_names_a_row_tampered_with_behind_the_triggers_back() {
    let db = test_db().await;
    let store = db.store();
    store
        .append(&[append("s", ExpectedVersion::NoStream, 3)], None)
        .await
        .unwrap();
    store
        .append(&[append("t", ExpectedVersion::NoStream, 2)], None)
        .await
        .unwrap();
    assert!(verify(&db.pool).await.unwrap().is_intact());

    let c = db.pool.get().await.unwrap();
    c.batch_execute(
        "ALTER TABLE events DISABLE TRIGGER events_no_update_or_delete;
         UPDATE events SET payload = '{\"n\": 999}' WHERE stream_id = 's' AND stream_version = 2;
         ALTER TABLE events ENABLE TRIGGER events_no_update_or_delete;",
    )
    .await
    .unwrap();
    let tampered: uuid::Uuid = c
        .query_one(
            "SELECT event_id FROM events WHERE stream_id = 's' AND stream_version = 2",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    let report = verify(&db.pool).await.unwrap();
    assert_eq!(report.events, 5);
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(matches!(
        &report.problems[0],
        Problem::HashMismatch { event_id, stream_id, stream_version: 2, .. }
            if *event_id == tampered && stream_id == "s"
    ));

    // A deleted event shows up as a gap in its stream.
    c.batch_execute(
        "ALTER TABLE events DISABLE TRIGGER events_no_update_or_delete;
         DELETE FROM events WHERE stream_id = 't' AND stream_version = 1;
         ALTER TABLE events ENABLE TRIGGER events_no_update_or_delete;",
    )
    .await
    .unwrap();
    let report = verify(&db.pool).await.unwrap();
    assert!(report.problems.contains(&Problem::VersionGap {
        stream_id: "t".into(),
        expected_version: 1,
        found_version: 2,
    }));
}

/// Many commands at once share group-commit batches; each still gets its own outcome, and a
/// multi-stream command that loses on one stream leaves nothing on the others.
#[tokio::test(flavor = "multi_thread")]
async fn concurrent_commands_in_shared_batches_keep_their_own_outcomes() {
    let db = test_db().await;
    let store = db.store();
    let tasks: Vec<_> = (0..60)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let appends = match i {
                    0..20 => vec![append(&format!("own-{i}"), ExpectedVersion::NoStream, 2)],
                    20..40 => vec![append("shared", ExpectedVersion::NoStream, 1)],
                    _ => vec![
                        append(&format!("side-{i}"), ExpectedVersion::NoStream, 1),
                        append("shared-2", ExpectedVersion::NoStream, 1),
                    ],
                };
                (i, store.append(&appends, None).await)
            })
        })
        .collect();
    let mut won = [0, 0, 0];
    for t in tasks {
        let (i, result) = t.await.unwrap();
        let group = match i {
            0..20 => 0,
            20..40 => 1,
            _ => 2,
        };
        match result {
            Ok(_) => won[group] += 1,
            Err(AppendError::Conflict { .. }) => assert_ne!(group, 0, "task {i}"),
            Err(e) => panic!("task {i}: {e}"),
        }
    }
    assert_eq!(won, [20, 1, 1]);
    assert_eq!(count(&db, "SELECT count(*) FROM events").await, 40 + 1 + 2);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM streams WHERE stream_id LIKE 'side-%'"
        )
        .await,
        1
    );
    assert!(verify(&db.pool).await.unwrap().is_intact());
}
