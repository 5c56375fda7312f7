//! The gap-safe global feed against the real PostgreSQL.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use eventstore::testkit::{test_db, wait_for_feed};
use eventstore::{ExpectedVersion, Metadata, NewEvent, Position, StreamAppend};
use serde_json::json;
use uuid::Uuid;

fn one(stream: &str) -> StreamAppend {
    StreamAppend {
        stream_id: stream.into(),
        stream_type: "test".into(),
        expected: ExpectedVersion::Any,
        known_head: None,
        events: vec![NewEvent {
            event_id: Uuid::now_v7(),
            event_type: "Tested".into(),
            schema_version: 1,
            payload: json!({}),
            metadata: serde_json::to_value(Metadata::new("admin", "admin")).unwrap(),
            effective_at: None,
        }],
    }
}

/// Transaction A takes its id first but commits last; B commits in between. A reader that
/// runs while A is open must not move past A: it sees nothing, then A and B in that order.
#[tokio::test(flavor = "multi_thread")]
async fn a_reader_never_skips_a_transaction_that_commits_late() {
    let db = test_db().await;
    let store = db.store();
    store.append(&[one("before")], None).await.unwrap();
    let first = wait_for_feed(&store, 1).await;
    assert_eq!(first.len(), 1);
    let checkpoint = first[0].position();

    // A: open, holding a transaction id, not yet committed.
    let (a_client, conn) = tokio_postgres::connect(&db.url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    a_client.batch_execute("BEGIN").await.unwrap();
    a_client
        .query_one("SELECT pg_current_xact_id()::text", &[])
        .await
        .unwrap();

    // B: commits while A is open.
    let b = store.append(&[one("b")], None).await.unwrap();

    // The reader sees nothing past its checkpoint: B waits behind A.
    let seen = store.read_feed(checkpoint, 100).await.unwrap();
    assert!(
        seen.is_empty(),
        "B must not be visible while A is open: {seen:?}"
    );

    // A writes its event (a later global position than B's) and commits.
    a_client
        .execute(
            "INSERT INTO events (event_id, stream_id, stream_type, stream_version, event_type, \
             schema_version, payload, metadata, effective_at, recorded_at, hash) \
             VALUES ($1, 'a', 'test', 1, 'Tested', 1, '{}', '{}', current_date, now(), '\\x00')",
            &[&Uuid::now_v7()],
        )
        .await
        .unwrap();
    a_client.batch_execute("COMMIT").await.unwrap();

    // Other transactions of the cluster (other tests' databases) may hold the feed back a
    // moment longer: wait until it shows all three events.
    let all = wait_for_feed(&store, 3).await;
    let seen: Vec<_> = all
        .into_iter()
        .filter(|e| e.position() > checkpoint)
        .collect();
    let streams: Vec<&str> = seen.iter().map(|e| e.stream_id.as_str()).collect();
    assert_eq!(streams, vec!["a", "b"]);
    assert!(seen[0].global_position > b.result.first_position);
    assert!(seen[0].position() < seen[1].position());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_feed_pages_in_order_from_a_checkpoint() {
    let db = test_db().await;
    let store = db.store();
    for i in 0..25 {
        store
            .append(&[one(&format!("s{}", i % 4))], None)
            .await
            .unwrap();
    }
    wait_for_feed(&store, 25).await;
    let mut checkpoint = Position::default();
    let mut all = Vec::new();
    loop {
        let page = store.read_feed(checkpoint, 10).await.unwrap();
        if page.is_empty() {
            break;
        }
        checkpoint = page.last().unwrap().position();
        all.extend(page);
    }
    assert_eq!(all.len(), 25);
    assert!(all.windows(2).all(|w| w[0].position() < w[1].position()));
    let position = store.position_of(all[3].global_position).await.unwrap();
    assert_eq!(position, Some(all[3].position()));
}
