//! `fundadmin-bench append`: single-event commands through the repository at 1, 8 and 32
//! concurrent writers; command cost on a stream of 10 vs 10,000 events; the raw PostgreSQL
//! rate of single-row INSERT transactions at 32 connections (the yardstick) and the ratio;
//! the feed read rate; relay throughput to JetStream; projection catch-up from PostgreSQL.

use domain::{Aggregate, DomainEvent, Rejection};
use eventstore::repository::CommandContext;
use eventstore::{EventStore, Metadata, Metrics, PgPool, RecordedEvent, Repository};
use projections::Write;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;

#[derive(Default, Clone)]
struct Counter {
    count: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", content = "data")]
enum CounterEvent {
    Incremented { by: u64, note: String },
}

impl DomainEvent for CounterEvent {
    fn event_type(&self) -> &'static str {
        "Incremented"
    }
}

#[derive(Debug, thiserror::Error)]
#[error("never")]
struct Never;

impl Rejection for Never {
    fn code(&self) -> &'static str {
        "never"
    }
}

impl Aggregate for Counter {
    const STREAM_TYPE: &'static str = "counter";
    type Command = u64;
    type Event = CounterEvent;
    type Error = Never;

    fn decide(&self, by: &u64) -> Result<Vec<CounterEvent>, Never> {
        Ok(vec![CounterEvent::Incremented {
            by: *by,
            note: format!("after {}", self.count),
        }])
    }

    fn evolve(&mut self, event: &CounterEvent) {
        let CounterEvent::Incremented { by, .. } = event;
        self.count += by;
    }
}

/// A projection that writes one row per event, as a typical read model does.
struct Sink;

impl projections::Projection for Sink {
    const NAME: &'static str = "bench_sink";
    const STREAM_TYPES: &'static [&'static str] = &["counter"];
    const SCHEMA: &'static str = "CREATE TABLE IF NOT EXISTS rm_bench_sink (
        stream_id text PRIMARY KEY, count bigint NOT NULL, version bigint NOT NULL)";
    const DROP: &'static str = "DROP TABLE IF EXISTS rm_bench_sink";

    const STATEMENTS: &'static [&'static str] = &[
        "INSERT INTO rm_bench_sink (stream_id, count, version) VALUES ($1, $2, $3) \
         ON CONFLICT (stream_id) DO UPDATE \
         SET count = rm_bench_sink.count + EXCLUDED.count, version = EXCLUDED.version",
    ];

    fn writes(&self, event: &RecordedEvent) -> anyhow::Result<Vec<Write>> {
        let by = event.payload["by"].as_i64().unwrap_or(0);
        Ok(vec![Write::new(
            0,
            vec![
                Box::new(event.stream_id.clone()),
                Box::new(by),
                Box::new(event.stream_version),
            ],
        )])
    }
}

/// Runs the benchmark on the freshly migrated scratch database and prints its table and
/// JSON.
pub async fn run(pool: &PgPool, url: &str, seconds: u64) -> anyhow::Result<()> {
    let window = Duration::from_secs(seconds);
    let machine = crate::machine();

    let mut rows = Vec::new();
    if std::env::var_os("BENCH_REPOSITORY_ONLY").is_some() {
        let rate = repository_rate(pool, 32, window).await?;
        println!("repository, 32 writers: {rate:.0} events/s");
        return Ok(());
    }
    for writers in [1usize, 8, 32] {
        let rate = repository_rate(pool, writers, window).await?;
        rows.push((format!("repository, {writers} writers"), rate));
    }
    let (_, short) = stream_rate(pool, "counter-short", 1, window).await?;
    rows.push((
        "repository, 1 writer, one stream of 10 events".into(),
        short,
    ));
    let (cold_ms, long) = stream_rate(pool, "counter-long", 1000, window).await?;
    rows.push((
        "repository, 1 writer, one stream of 10,000 events".into(),
        long,
    ));
    let raw = crate::raw_insert_rate(pool, 32, window).await?;
    let repo32 = rows[2].1;
    rows.push(("raw INSERT transactions, 32 connections".into(), raw));
    let events = EventStore::new(pool.clone()).head_position().await?;
    eprintln!("step: feed read");
    let feed = feed_rate(pool).await?;
    rows.push((format!("feed read only ({events} events)"), feed));
    eprintln!("step: relay");
    let relay = relay_rate(pool, url).await?;
    rows.push((format!("relay to JetStream ({events} events)"), relay));
    eprintln!("step: catch-up");
    let catch_up = catch_up_rate(pool).await?;
    rows.push((format!("projection catch-up ({events} events)"), catch_up));

    let load_average = super::procfs::load_average();
    println!(
        "machine: {machine}; load average {load_average} at the end; window {seconds}s per step"
    );
    println!("{:<48} {:>14}", "measure", "events/s");
    for (name, rate) in &rows {
        println!("{name:<48} {rate:>14.0}");
    }
    let ratio = repo32 / raw;
    println!("{:<48} {:>14.2}", "ratio repository(32) / raw(32)", ratio);
    let flat = long / short;
    println!(
        "{:<48} {:>14.2}",
        "ratio 10,000-event / 10-event stream", flat
    );
    println!(
        "{:<48} {:>14.1}",
        "first command on the long stream (ms, cold)", cold_ms
    );
    let json = serde_json::json!({
        "benchmark": "append",
        "machine": machine,
        "load_average_end": load_average,
        "window_seconds": seconds,
        "repository_events_per_s": { "1": rows[0].1, "8": rows[1].1, "32": rows[2].1 },
        "short_stream_events_per_s_1": short,
        "long_stream_events_per_s_1": long,
        "long_stream_first_command_ms": cold_ms,
        "ratio_long_to_short_stream": flat,
        "raw_insert_tx_per_s_32": raw,
        "ratio_repository32_to_raw": ratio,
        "feed_read_events_per_s": feed,
        "relay_events_per_s": relay,
        "catch_up_events_per_s": catch_up,
        "events": events,
    });
    println!("{json}");
    Ok(())
}

async fn repository_rate(pool: &PgPool, writers: usize, window: Duration) -> anyhow::Result<f64> {
    let repo = Arc::new(Repository::<Counter>::new(
        EventStore::new(pool.clone()),
        10_000,
    ));
    // Each writer works on its own 50 aggregates in turn. They are created (and the tables
    // analyzed) before the clock starts: the window measures the steady state, not the
    // first minute of an empty database, whose plans see tiny tables.
    let streams_of = |w: usize| -> Vec<String> {
        (0..50)
            .map(|s| format!("counter-{writers}-{w}-{s}"))
            .collect()
    };
    let ctx = CommandContext::new(Metadata::new("bench", "admin"));
    for w in 0..writers {
        for stream in streams_of(w) {
            repo.execute(&stream, &1, &ctx)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
    }
    pool.get()
        .await?
        .batch_execute("ANALYZE streams; ANALYZE events; ANALYZE command_results")
        .await?;
    let start = Instant::now();
    let tasks: Vec<_> = (0..writers)
        .map(|w| {
            let (repo, streams, ctx) = (repo.clone(), streams_of(w), ctx.clone());
            tokio::spawn(async move {
                let mut n = 0u64;
                while start.elapsed() < window {
                    let stream = &streams[n as usize % streams.len()];
                    repo.execute(stream, &1, &ctx)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                    n += 1;
                }
                anyhow::Ok(n)
            })
        })
        .collect();
    let mut total = 0;
    for t in tasks {
        total += t.await??;
    }
    let stats = repo.store().group_commit_stats();
    let batches = stats
        .batches
        .load(std::sync::atomic::Ordering::Relaxed)
        .max(1);
    let commands = stats.commands.load(std::sync::atomic::Ordering::Relaxed);
    eprintln!(
        "  {writers} writers: {commands} commands in {batches} batches ({:.1} per batch)",
        commands as f64 / batches as f64
    );
    Ok(total as f64 / start.elapsed().as_secs_f64())
}

/// Commands on one stream seeded with `10 × per_chunk` events: the first loads it (cold),
/// the rest find it in the cache. Returns (first command in ms, commands/s after it).
async fn stream_rate(
    pool: &PgPool,
    stream: &str,
    per_chunk: usize,
    window: Duration,
) -> anyhow::Result<(f64, f64)> {
    let store = EventStore::new(pool.clone());
    let metadata = serde_json::to_value(Metadata::new("bench", "admin"))?;
    for chunk in 0..10 {
        let events = (0..per_chunk)
            .map(|i| eventstore::NewEvent {
                event_id: uuid::Uuid::now_v7(),
                event_type: "Incremented".into(),
                schema_version: 1,
                payload: serde_json::json!({ "by": 1, "note": format!("seed {chunk}-{i}") }),
                metadata: metadata.clone(),
                effective_at: None,
            })
            .collect();
        let append = eventstore::StreamAppend {
            stream_id: stream.into(),
            stream_type: "counter".into(),
            expected: eventstore::ExpectedVersion::Any,
            known_head: None,
            events,
        };
        store
            .append(&[append], None)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let repo = Repository::<Counter>::new(store, 10);
    let ctx = CommandContext::new(Metadata::new("bench", "admin"));
    let cold = Instant::now();
    repo.execute(stream, &1, &ctx)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let cold_ms = cold.elapsed().as_secs_f64() * 1000.0;
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < window {
        repo.execute(stream, &1, &ctx)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        n += 1;
    }
    Ok((cold_ms, n as f64 / start.elapsed().as_secs_f64()))
}

/// Reading the gap-safe feed alone: the ceiling of the relay and of catch-up.
async fn feed_rate(pool: &PgPool) -> anyhow::Result<f64> {
    let store = EventStore::new(pool.clone());
    let start = Instant::now();
    let mut from = eventstore::Position::default();
    let mut total = 0;
    loop {
        let page = store.read_feed(from, 2000).await?;
        let Some(last) = page.last() else { break };
        from = last.position();
        total += page.len();
    }
    Ok(total as f64 / start.elapsed().as_secs_f64())
}

async fn relay_rate(pool: &PgPool, url: &str) -> anyhow::Result<f64> {
    let nats = async_nats::connect(crate::env("NATS_URL", "nats://127.0.0.1:4222")).await?;
    let prefix = format!("bench{}", uuid::Uuid::now_v7().simple());
    let (_tx, shutdown) = watch::channel(false);
    let config = workers::relay::RelayConfig::new(
        pool.clone(),
        url.to_owned(),
        nats.clone(),
        prefix.clone(),
        Metrics::new(),
        shutdown,
    );
    let relay = workers::relay::Relay::new(config);
    workers::relay::ensure_checkpoint(pool).await?;
    let js = async_nats::jetstream::new(nats);
    projections::nats::ensure_stream(&js, &prefix).await?;
    let start = Instant::now();
    let total = relay.relay_available().await?;
    let rate = total as f64 / start.elapsed().as_secs_f64();
    let _ = js
        .delete_stream(eventstore::subjects::stream_name(&prefix))
        .await;
    Ok(rate)
}

async fn catch_up_rate(pool: &PgPool) -> anyhow::Result<f64> {
    projections::runner::setup::<Sink>(pool).await?;
    let store = EventStore::new(pool.clone());
    let start = Instant::now();
    let n = projections::runner::catch_up(&Sink, pool, &store, &Metrics::new()).await?;
    Ok(n as f64 / start.elapsed().as_secs_f64())
}
