//! The relay against the real PostgreSQL and the real NATS JetStream.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use async_nats::jetstream;
use eventstore::subjects;
use eventstore::testkit::{nats, nats_prefix, test_db, wait_for_feed, wait_until, TestDb};
use eventstore::{ExpectedVersion, Metadata, Metrics, NewEvent, StreamAppend};
use futures::StreamExt;
use serde_json::json;
use std::collections::HashSet;
use std::time::Duration;
use tokio::sync::watch;
use uuid::Uuid;
use workers::relay::{checkpoint, Relay, RelayConfig};

async fn write_events(db: &TestDb, streams: usize, per_append: usize, appends: usize) {
    let store = db.store();
    for round in 0..appends {
        let batch: Vec<StreamAppend> = (0..streams)
            .map(|s| StreamAppend {
                stream_id: format!("s{s}"),
                stream_type: "test".into(),
                expected: ExpectedVersion::Any,
                known_head: None,
                events: (0..per_append)
                    .map(|i| NewEvent {
                        event_id: Uuid::now_v7(),
                        event_type: "Tested".into(),
                        schema_version: 1,
                        payload: json!({ "round": round, "i": i }),
                        metadata: serde_json::to_value(Metadata::new("admin", "admin")).unwrap(),
                        effective_at: None,
                    })
                    .collect(),
            })
            .collect();
        store.append(&batch, None).await.unwrap();
    }
}

async fn stream_count(js: &jetstream::Context, prefix: &str) -> u64 {
    match js.get_stream(subjects::stream_name(prefix)).await {
        Ok(mut s) => s.info().await.unwrap().state.messages,
        Err(_) => 0,
    }
}

fn relay(
    db: &TestDb,
    nats: &async_nats::Client,
    prefix: &str,
    shutdown: watch::Receiver<bool>,
) -> Relay {
    relay_with_metrics(db, nats, prefix, shutdown, Metrics::new())
}

fn relay_with_metrics(
    db: &TestDb,
    nats: &async_nats::Client,
    prefix: &str,
    shutdown: watch::Receiver<bool>,
    metrics: Metrics,
) -> Relay {
    let mut config = RelayConfig::new(
        db.pool.clone(),
        db.url.clone(),
        nats.clone(),
        prefix.to_owned(),
        metrics,
        shutdown,
    );
    config.max_in_flight = 32;
    config.poll_interval = Duration::from_millis(50);
    Relay::new(config)
}

/// Kills the relay between publishing part of a batch and checkpointing it, restarts it, and
/// counts what JetStream holds: every event exactly once.
#[tokio::test(flavor = "multi_thread")]
async fn a_relay_killed_mid_batch_and_restarted_publishes_every_event_exactly_once() {
    let db = test_db().await;
    let total = 20 * 10 * 15; // 3000 events
    write_events(&db, 20, 10, 15).await;
    let nats = nats().await;
    let js = jetstream::new(nats.clone());

    let mut killed_mid_batch = false;
    let mut prefix = String::new();
    for _attempt in 0..5 {
        prefix = nats_prefix();
        db.pool
            .get()
            .await
            .unwrap()
            .execute("DELETE FROM checkpoints WHERE name = 'relay'", &[])
            .await
            .unwrap();
        let (_tx, rx) = watch::channel(false);
        let task = tokio::spawn(relay(&db, &nats, &prefix, rx).run());
        wait_until(
            async || stream_count(&js, &prefix).await >= 1500,
            "half the events",
        )
        .await;
        task.abort();
        let _ = task.await;
        let published = stream_count(&js, &prefix).await;
        let checkpointed = checkpoint(&db.pool).await.unwrap().global_position as u64;
        // Global positions start at 1 here: the checkpoint counts the events acknowledged
        // and checkpointed. Anything published beyond it will be published again.
        if published > checkpointed && published < total as u64 {
            killed_mid_batch = true;
            break;
        }
    }
    assert!(killed_mid_batch, "could not kill the relay mid-batch");

    let (shutdown_tx, rx) = watch::channel(false);
    let task = tokio::spawn(relay(&db, &nats, &prefix, rx).run());
    wait_until(
        async || checkpoint(&db.pool).await.unwrap().global_position == total,
        "the relay to reach the head",
    )
    .await;
    shutdown_tx.send(true).unwrap();
    task.await.unwrap().unwrap();

    assert_eq!(stream_count(&js, &prefix).await, total as u64);
    // Read every message back: each event id exactly once, with its headers.
    let stream = js.get_stream(subjects::stream_name(&prefix)).await.unwrap();
    let consumer = stream
        .create_consumer(jetstream::consumer::pull::Config::default())
        .await
        .unwrap();
    let mut messages = consumer.messages().await.unwrap();
    let mut ids = HashSet::new();
    for _ in 0..total {
        let m = tokio::time::timeout(Duration::from_secs(10), messages.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        let headers = m.headers.clone().unwrap();
        let id = headers.get("Nats-Msg-Id").unwrap().to_string();
        assert!(headers.get("Fundadmin-Global-Position").is_some());
        assert!(m.subject.starts_with(&format!("{prefix}.events.test.s")));
        assert!(ids.insert(id), "duplicate message");
        m.ack().await.unwrap();
    }
    let c = db.pool.get().await.unwrap();
    let stored: HashSet<String> = c
        .query("SELECT event_id::text FROM events", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(ids, stored);
    js.delete_stream(subjects::stream_name(&prefix))
        .await
        .unwrap();
}

/// Two relays on one database: one holds the lease, the other waits; nothing is published
/// twice and everything is published.
#[tokio::test(flavor = "multi_thread")]
async fn only_one_relay_runs_at_a_time() {
    let db = test_db().await;
    write_events(&db, 5, 4, 5).await;
    let nats = nats().await;
    let js = jetstream::new(nats.clone());
    let prefix = nats_prefix();
    let (shutdown_tx, rx) = watch::channel(false);
    let (ma, mb) = (Metrics::new(), Metrics::new());
    let a = tokio::spawn(relay_with_metrics(&db, &nats, &prefix, rx.clone(), ma.clone()).run());
    let b = tokio::spawn(relay_with_metrics(&db, &nats, &prefix, rx, mb.clone()).run());
    wait_until(
        async || checkpoint(&db.pool).await.unwrap().global_position == 100,
        "the relay to reach the head",
    )
    .await;
    shutdown_tx.send(true).unwrap();
    a.await.unwrap().unwrap();
    b.await.unwrap().unwrap();
    assert_eq!(stream_count(&js, &prefix).await, 100);
    // Exactly one of them published, and it published everything once.
    let published = |m: &Metrics| m.get("fundadmin_relay_published_total", "").unwrap_or(0.0);
    let mut counts = [published(&ma), published(&mb)];
    counts.sort_by(f64::total_cmp);
    assert_eq!(counts, [0.0, 100.0]);
    js.delete_stream(subjects::stream_name(&prefix))
        .await
        .unwrap();
}

/// The event ids of every message of `prefix`'s stream (a `Nats-Msg-Id` up to its `:`).
async fn event_ids_on_nats(js: &jetstream::Context, prefix: &str) -> Vec<String> {
    let total = stream_count(js, prefix).await;
    let stream = js.get_stream(subjects::stream_name(prefix)).await.unwrap();
    let consumer = stream
        .create_consumer(jetstream::consumer::pull::Config::default())
        .await
        .unwrap();
    let mut messages = consumer.messages().await.unwrap();
    let mut ids = Vec::new();
    for _ in 0..total {
        let m = tokio::time::timeout(Duration::from_secs(10), messages.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        let id = m.headers.as_ref().unwrap().get("Nats-Msg-Id").unwrap();
        ids.push(workers::relay::audit::event_id_of(id.as_str()).to_owned());
        m.ack().await.unwrap();
    }
    ids
}

/// NATS loses acknowledged messages (a purge, then deleted ones, all inside the duplicate
/// window): the audit republishes exactly what the stream lacks, and nothing when it lacks
/// nothing.
#[tokio::test(flavor = "multi_thread")]
async fn the_audit_republishes_what_the_stream_lost_exactly_once() {
    let db = test_db().await;
    write_events(&db, 5, 4, 5).await;
    wait_for_feed(&db.store(), 100).await;
    let nats = nats().await;
    let js = jetstream::new(nats.clone());
    let prefix = nats_prefix();
    let (_tx, rx) = watch::channel(false);
    let relay = relay(&db, &nats, &prefix, rx);
    projections::nats::ensure_stream(&js, &prefix)
        .await
        .unwrap();
    workers::relay::ensure_checkpoint(&db.pool).await.unwrap();
    assert_eq!(relay.relay_available().await.unwrap(), 100);
    assert_eq!(relay.audit().await.unwrap().republished, 0);

    let mut stream = js.get_stream(subjects::stream_name(&prefix)).await.unwrap();
    stream.purge().await.unwrap();
    assert_eq!(stream_count(&js, &prefix).await, 0);
    let audit = relay.audit().await.unwrap();
    assert_eq!(
        (audit.relayed, audit.in_stream, audit.republished),
        (100, 0, 100)
    );

    let last = stream.info().await.unwrap().state.last_sequence;
    for seq in [last - 40, last - 1, last] {
        assert!(stream.delete_message(seq).await.unwrap());
    }
    write_events(&db, 1, 1, 1).await; // a new event, relayed after the loss
    wait_for_feed(&db.store(), 101).await;
    assert_eq!(relay.relay_available().await.unwrap(), 1);
    assert_eq!(relay.audit().await.unwrap().republished, 3);
    assert_eq!(relay.audit().await.unwrap().republished, 0);

    let ids = event_ids_on_nats(&js, &prefix).await;
    let unique: HashSet<String> = ids.iter().cloned().collect();
    assert_eq!(ids.len(), unique.len(), "an event is on NATS twice");
    let c = db.pool.get().await.unwrap();
    let stored: HashSet<String> = c
        .query("SELECT event_id::text FROM events", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(unique, stored);
    js.delete_stream(subjects::stream_name(&prefix))
        .await
        .unwrap();
}
