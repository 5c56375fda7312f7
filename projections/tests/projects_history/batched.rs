//! Set-based application gives exactly the rows of applying the events one by one: a log of
//! two funds' pipelines (every statement of the projection used, the same projects updated
//! many times) applied in one batch with the projects' events interleaved (each stream's
//! order kept), and in batches of a few, equals applying the same events one at a time by the
//! per-row statements, and the rows the history's own catch-ups gave.

use super::sub_fund::{committed, reported};
use super::{history, yuan, History};
use domain::FundId;
use eventstore::{Position, RecordedEvent};
use projections::projects::ProjectsProjection;
use projections::runner::apply_batch;
use projections::{Projection, Write};
use std::collections::{BTreeMap, VecDeque};
use uuid::Uuid;

/// The projects projection without its set forms: every write by its own statement.
struct PerRow;

impl Projection for PerRow {
    const NAME: &'static str = ProjectsProjection::NAME;
    const STREAM_TYPES: &'static [&'static str] = ProjectsProjection::STREAM_TYPES;
    const SCHEMA: &'static str = ProjectsProjection::SCHEMA;
    const DROP: &'static str = ProjectsProjection::DROP;
    const STATEMENTS: &'static [&'static str] = ProjectsProjection::STATEMENTS;

    fn writes(&self, event: &RecordedEvent) -> anyhow::Result<Vec<Write>> {
        ProjectsProjection.writes(event)
    }
}

/// Every row of both tables, in key order.
async fn rows(h: &History) -> Vec<Vec<serde_json::Value>> {
    let c = h.db.pool.get().await.unwrap();
    let mut tables = Vec::new();
    for (table, key) in [
        ("rm_projects", "project_id"),
        ("rm_project_steps", "project_id, version"),
    ] {
        let sql = format!("SELECT to_jsonb(t) FROM {table} t ORDER BY {key}");
        let rows = c.query(&sql, &[]).await.unwrap();
        tables.push(rows.iter().map(|r| r.get(0)).collect());
    }
    tables
}

/// Empties the read model and forgets what it applied.
async fn reset(h: &History) {
    h.db.pool
        .get()
        .await
        .unwrap()
        .batch_execute(
            "TRUNCATE rm_projects, rm_project_steps; \
             DELETE FROM projection_streams WHERE projection = 'projects'",
        )
        .await
        .unwrap();
}

/// The log's project events, one of each stream in turn (each stream's order kept).
async fn interleaved(h: &History) -> Vec<RecordedEvent> {
    let log = h
        .store
        .read_feed(Position::default(), 100_000)
        .await
        .unwrap();
    let mut streams: BTreeMap<String, VecDeque<RecordedEvent>> = BTreeMap::new();
    for event in log
        .into_iter()
        .filter(|e| ProjectsProjection::STREAM_TYPES.contains(&e.stream_type.as_str()))
    {
        streams
            .entry(event.stream_id.clone())
            .or_default()
            .push_back(event);
    }
    let mut out = Vec::new();
    while streams.values().any(|s| !s.is_empty()) {
        for stream in streams.values_mut() {
            out.extend(stream.pop_front());
        }
    }
    out
}

/// Applies `events` in batches of `size` by `projection`, from an empty read model.
async fn apply<P: Projection>(h: &History, projection: &P, events: &[RecordedEvent], size: usize) {
    reset(h).await;
    for batch in events.chunks(size) {
        apply_batch(projection, &h.db.pool, &h.store, batch)
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn set_based_batches_with_repeated_keys_equal_the_events_one_by_one() {
    let mut h = History::new().await;
    let (fund, other) = (FundId(Uuid::now_v7()), FundId(Uuid::now_v7()));
    history(&mut h, fund).await;
    history(&mut h, other).await;
    let sub_fund = committed(&mut h, other).await;
    for (company, city, on) in [("甲", "昆山", "2024-10-10"), ("乙", "上海", "2024-11-10")] {
        h.run(sub_fund, reported(company, city, yuan(1_000_000), on))
            .await;
    }
    h.catch_up().await;
    let caught_up = rows(&h).await;
    let events = interleaved(&h).await;
    // The same project many times in the batch, between other projects' events.
    let mut per_project: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &events {
        *per_project.entry(e.stream_id.as_str()).or_default() += 1;
    }
    assert!(per_project.len() > 10 && per_project.values().any(|&n| n >= 10));
    assert_ne!(events[0].stream_id, events[1].stream_id);

    apply(&h, &PerRow, &events, 1).await;
    let one_by_one = rows(&h).await;
    assert_eq!(one_by_one[1].len(), events.len(), "a step per event");
    assert_eq!(one_by_one, caught_up);

    apply(&h, &ProjectsProjection, &events, events.len()).await;
    assert_eq!(rows(&h).await, one_by_one, "one batch, set-based");
    for size in [2, 7, 30] {
        apply(&h, &ProjectsProjection, &events, size).await;
        assert_eq!(rows(&h).await, one_by_one, "batches of {size}, set-based");
    }
}
