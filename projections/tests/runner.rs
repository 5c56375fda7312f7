//! The projection runner against the real PostgreSQL: duplicated, reordered and missing
//! deliveries, catch-up, repair, rebuild, and the rebuild of a projection whose schema
//! changed.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use eventstore::testkit::{test_db, wait_for_feed, TestDb};
use eventstore::{
    EventStore, ExpectedVersion, Metadata, Metrics, NewEvent, RecordedEvent, StreamAppend,
};
use projections::runner::{apply_batch, catch_up, checkpoint, rebuild, repair, schema_hash, setup};
use projections::{Projection, Write};
use serde_json::json;
use uuid::Uuid;

/// Records every application as a row; the primary key refuses a second application of the
/// same event, and `seq` shows the order of application.
struct Recorder;

impl Projection for Recorder {
    const NAME: &'static str = "recorder";
    const STREAM_TYPES: &'static [&'static str] = &["counted"];
    const SCHEMA: &'static str = "CREATE TABLE IF NOT EXISTS rm_recorder (
        stream_id text NOT NULL, version bigint NOT NULL,
        seq bigint GENERATED ALWAYS AS IDENTITY, PRIMARY KEY (stream_id, version))";
    const DROP: &'static str = "DROP TABLE IF EXISTS rm_recorder";

    const STATEMENTS: &'static [&'static str] =
        &["INSERT INTO rm_recorder (stream_id, version) VALUES ($1, $2)"];

    fn writes(&self, event: &RecordedEvent) -> anyhow::Result<Vec<Write>> {
        Ok(vec![Write::new(
            0,
            vec![
                Box::new(event.stream_id.clone()),
                Box::new(event.stream_version),
            ],
        )])
    }
}

fn events(stream: &str, stream_type: &str, n: usize) -> StreamAppend {
    StreamAppend {
        stream_id: stream.into(),
        stream_type: stream_type.into(),
        expected: ExpectedVersion::Any,
        known_head: None,
        events: (0..n)
            .map(|i| NewEvent {
                event_id: Uuid::now_v7(),
                event_type: "Counted".into(),
                schema_version: 1,
                payload: json!({ "i": i }),
                metadata: serde_json::to_value(Metadata::new("admin", "admin")).unwrap(),
                effective_at: None,
            })
            .collect(),
    }
}

async fn history(db: &TestDb) -> (EventStore, Vec<RecordedEvent>) {
    let store = db.store();
    for round in 0..3 {
        for s in ["a", "b", "c"] {
            store
                .append(&[events(s, "counted", 2)], None)
                .await
                .unwrap();
        }
        store
            .append(&[events(&format!("other{round}"), "ignored", 1)], None)
            .await
            .unwrap();
    }
    let all = wait_for_feed(&store, 21).await;
    assert_eq!(all.len(), 21);
    (store, all)
}

/// (stream, version) in the order applied.
async fn applied(db: &TestDb) -> Vec<(String, i64)> {
    let c = db.pool.get().await.unwrap();
    c.query(
        "SELECT stream_id, version FROM rm_recorder ORDER BY seq",
        &[],
    )
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect()
}

fn assert_each_stream_in_order_once(applied: &[(String, i64)]) {
    for s in ["a", "b", "c"] {
        let versions: Vec<i64> = applied
            .iter()
            .filter(|(id, _)| id == s)
            .map(|(_, v)| *v)
            .collect();
        assert_eq!(versions, (1..=6).collect::<Vec<_>>(), "stream {s}");
    }
    assert_eq!(applied.len(), 18);
}

#[tokio::test(flavor = "multi_thread")]
async fn duplicated_and_reordered_deliveries_apply_every_event_exactly_once() {
    let db = test_db().await;
    setup::<Recorder>(&db.pool).await.unwrap();
    let (store, all) = history(&db).await;
    // Every event twice, newest first, in uneven batches: each batch has duplicates, and a
    // stream's later versions arrive before its earlier ones.
    let mut deliveries: Vec<RecordedEvent> = all.iter().rev().cloned().collect();
    deliveries.extend(all.iter().cloned());
    deliveries.extend(all.iter().step_by(2).cloned());
    for batch in deliveries.chunks(5) {
        apply_batch(&Recorder, &db.pool, &store, batch)
            .await
            .unwrap();
    }
    assert_each_stream_in_order_once(&applied(&db).await);
    assert_eq!(
        checkpoint(&db.pool, Recorder::NAME).await.unwrap(),
        all.last().unwrap().position()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gap_is_filled_from_the_log_before_applying() {
    let db = test_db().await;
    setup::<Recorder>(&db.pool).await.unwrap();
    let (store, all) = history(&db).await;
    let sixth_of_a = all
        .iter()
        .find(|e| e.stream_id == "a" && e.stream_version == 6)
        .unwrap()
        .clone();
    let applied_count = apply_batch(&Recorder, &db.pool, &store, &[sixth_of_a])
        .await
        .unwrap();
    assert_eq!(applied_count, 6);
    let rows = applied(&db).await;
    assert_eq!(
        rows,
        (1..=6).map(|v| ("a".to_owned(), v)).collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_appliers_of_one_projection_never_double_apply() {
    let db = test_db().await;
    setup::<Recorder>(&db.pool).await.unwrap();
    let (store, all) = history(&db).await;
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let (pool, store, all) = (db.pool.clone(), store.clone(), all.clone());
            tokio::spawn(async move { apply_batch(&Recorder, &pool, &store, &all).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_each_stream_in_order_once(&applied(&db).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn catch_up_then_rebuild_replays_the_whole_log() {
    let db = test_db().await;
    setup::<Recorder>(&db.pool).await.unwrap();
    let (store, _) = history(&db).await;
    let metrics = Metrics::new();
    assert_eq!(
        catch_up(&Recorder, &db.pool, &store, &metrics)
            .await
            .unwrap(),
        18
    );
    assert_eq!(
        catch_up(&Recorder, &db.pool, &store, &metrics)
            .await
            .unwrap(),
        0
    );
    assert_each_stream_in_order_once(&applied(&db).await);
    assert!(metrics
        .get(
            "fundadmin_projection_lag_seconds",
            "projection=\"recorder\""
        )
        .is_some());

    assert_eq!(
        rebuild(&Recorder, &db.pool, &store, &metrics)
            .await
            .unwrap(),
        18
    );
    assert_each_stream_in_order_once(&applied(&db).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn repair_applies_what_was_never_delivered() {
    let db = test_db().await;
    setup::<Recorder>(&db.pool).await.unwrap();
    let (store, all) = history(&db).await;
    // Only stream "a" was delivered; "b" and "c" were lost in transit.
    let only_a: Vec<RecordedEvent> = all.iter().filter(|e| e.stream_id == "a").cloned().collect();
    apply_batch(&Recorder, &db.pool, &store, &only_a)
        .await
        .unwrap();
    assert_eq!(applied(&db).await.len(), 6);
    let before = checkpoint(&db.pool, Recorder::NAME).await.unwrap();
    // Events younger than the grace period are still on their way: not repaired yet.
    let grace = projections::runner::REPAIR_GRACE;
    assert_eq!(repair(&Recorder, &db.pool, &store, grace).await.unwrap(), 0);
    let now = chrono::TimeDelta::zero();
    assert_eq!(repair(&Recorder, &db.pool, &store, now).await.unwrap(), 12);
    // Repair reads stream by stream: it never moves the feed checkpoint.
    assert_eq!(checkpoint(&db.pool, Recorder::NAME).await.unwrap(), before);
    assert_each_stream_in_order_once(&applied(&db).await);
    assert_eq!(repair(&Recorder, &db.pool, &store, now).await.unwrap(), 0);
}

/// The recorder's next version: the same name, a changed schema (a new column).
struct RecorderV2;

impl Projection for RecorderV2 {
    const NAME: &'static str = Recorder::NAME;
    const STREAM_TYPES: &'static [&'static str] = Recorder::STREAM_TYPES;
    const SCHEMA: &'static str = "CREATE TABLE IF NOT EXISTS rm_recorder (
        stream_id text NOT NULL, version bigint NOT NULL, schema text NOT NULL DEFAULT 'v2',
        seq bigint GENERATED ALWAYS AS IDENTITY, PRIMARY KEY (stream_id, version))";
    const DROP: &'static str = Recorder::DROP;
    const STATEMENTS: &'static [&'static str] = Recorder::STATEMENTS;

    fn writes(&self, event: &RecordedEvent) -> anyhow::Result<Vec<Write>> {
        Recorder.writes(event)
    }
}

async fn stored_hash(db: &TestDb) -> Option<String> {
    let c = db.pool.get().await.unwrap();
    c.query_one(
        "SELECT schema_hash FROM checkpoints WHERE name = $1",
        &[&Recorder::NAME],
    )
    .await
    .unwrap()
    .get(0)
}

async fn set_stored_hash(db: &TestDb, hash: Option<&str>) {
    let c = db.pool.get().await.unwrap();
    c.execute(
        "UPDATE checkpoints SET schema_hash = $2 WHERE name = $1",
        &[&Recorder::NAME, &hash],
    )
    .await
    .unwrap();
}

async fn applied_stream_rows(db: &TestDb) -> i64 {
    let c = db.pool.get().await.unwrap();
    c.query_one(
        "SELECT count(*) FROM projection_streams WHERE projection = $1",
        &[&Recorder::NAME],
    )
    .await
    .unwrap()
    .get(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn setup_records_the_schema_hash_and_keeps_the_tables_while_it_matches() {
    let db = test_db().await;
    setup::<Recorder>(&db.pool).await.unwrap();
    assert_eq!(stored_hash(&db).await, Some(schema_hash::<Recorder>()));
    assert_eq!(schema_hash::<Recorder>().len(), 64);
    assert_ne!(schema_hash::<Recorder>(), schema_hash::<RecorderV2>());
    let (store, _) = history(&db).await;
    let metrics = Metrics::new();
    catch_up(&Recorder, &db.pool, &store, &metrics)
        .await
        .unwrap();
    let at = checkpoint(&db.pool, Recorder::NAME).await.unwrap();
    // A restart with the same schema keeps everything.
    setup::<Recorder>(&db.pool).await.unwrap();
    assert_each_stream_in_order_once(&applied(&db).await);
    assert_eq!(checkpoint(&db.pool, Recorder::NAME).await.unwrap(), at);
    assert_eq!(applied_stream_rows(&db).await, 3);
    assert_eq!(
        catch_up(&Recorder, &db.pool, &store, &metrics)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stale_schema_hash_rebuilds_the_projection_which_then_catches_up_again() {
    let db = test_db().await;
    setup::<Recorder>(&db.pool).await.unwrap();
    let (store, _) = history(&db).await;
    let metrics = Metrics::new();
    catch_up(&Recorder, &db.pool, &store, &metrics)
        .await
        .unwrap();
    assert_eq!(applied(&db).await.len(), 18);

    set_stored_hash(&db, Some("stale")).await;
    setup::<Recorder>(&db.pool).await.unwrap();
    // Tables recreated empty, progress reset, hash recorded.
    assert!(applied(&db).await.is_empty());
    assert_eq!(
        checkpoint(&db.pool, Recorder::NAME).await.unwrap(),
        Default::default()
    );
    assert_eq!(applied_stream_rows(&db).await, 0);
    assert_eq!(stored_hash(&db).await, Some(schema_hash::<Recorder>()));
    assert_eq!(
        catch_up(&Recorder, &db.pool, &store, &metrics)
            .await
            .unwrap(),
        18
    );
    assert_each_stream_in_order_once(&applied(&db).await);

    // Tables made before hashes were recorded (NULL) are rebuilt once too.
    set_stored_hash(&db, None).await;
    setup::<Recorder>(&db.pool).await.unwrap();
    assert!(applied(&db).await.is_empty());
    assert_eq!(
        catch_up(&Recorder, &db.pool, &store, &metrics)
            .await
            .unwrap(),
        18
    );
    assert_each_stream_in_order_once(&applied(&db).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_changed_schema_takes_effect_on_an_existing_database() {
    let db = test_db().await;
    setup::<Recorder>(&db.pool).await.unwrap();
    let (store, _) = history(&db).await;
    let metrics = Metrics::new();
    catch_up(&Recorder, &db.pool, &store, &metrics)
        .await
        .unwrap();
    // The new version starts on the same database: its column exists and the log is
    // replayed into it.
    setup::<RecorderV2>(&db.pool).await.unwrap();
    assert_eq!(stored_hash(&db).await, Some(schema_hash::<RecorderV2>()));
    assert_eq!(
        catch_up(&RecorderV2, &db.pool, &store, &metrics)
            .await
            .unwrap(),
        18
    );
    assert_each_stream_in_order_once(&applied(&db).await);
    let c = db.pool.get().await.unwrap();
    let v2: i64 = c
        .query_one("SELECT count(*) FROM rm_recorder WHERE schema = 'v2'", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(v2, 18);
    // A rebuild records the hash too.
    set_stored_hash(&db, Some("stale")).await;
    assert_eq!(
        rebuild(&RecorderV2, &db.pool, &store, &metrics)
            .await
            .unwrap(),
        18
    );
    assert_eq!(stored_hash(&db).await, Some(schema_hash::<RecorderV2>()));
}
