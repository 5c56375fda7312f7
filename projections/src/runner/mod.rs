//! The projection runner: catch-up from PostgreSQL, live from NATS JetStream.
//!
//! Every batch is applied in one transaction that also records, per stream, the last applied
//! version and the projection's checkpoint; the transaction first locks the checkpoint row so
//! two runners of one projection never apply the same event twice. Deliveries are never
//! trusted: an event at or below its stream's applied version is skipped, one above the next
//! expected version first pulls the missing versions from the log. While live, a periodic
//! repair compares every stream's head with the applied versions and fills what NATS lost.

use crate::Projection;
use eventstore::{EventStore, FeedPage, Metrics, PgPool, Position, RecordedEvent};
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::watch;

mod all;
mod live;
mod schema;
mod wait;
mod writes;
pub use all::{catch_up_all, setup_all};
pub use live::run;
pub use schema::{rebuild, schema_hash, setup};
pub use wait::{stream_types, wait_for_position};
use writes::execute_writes;

/// Events read from the PostgreSQL feed per batch.
const CATCH_UP_BATCH: i64 = 2000;
/// Messages taken from NATS per batch at most.
const LIVE_BATCH: usize = 1000;
/// How often a live runner checks stream heads against what it applied.
const REPAIR_INTERVAL: Duration = Duration::from_secs(5);
/// How old an event must be before the live runner's repair counts it as lost by NATS.
pub const REPAIR_GRACE: chrono::TimeDelta = chrono::TimeDelta::seconds(3);
/// How often an idle runner without NATS polls the feed.
const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// What a runner needs.
#[derive(Clone)]
pub struct RunnerConfig {
    /// The database (read models live next to the log).
    pub pool: PgPool,
    /// For LISTEN/NOTIFY wake-ups when NATS is unavailable.
    pub database_url: String,
    /// NATS, or `None` to run from PostgreSQL only.
    pub nats: Option<async_nats::Client>,
    /// Subject prefix of this environment.
    pub prefix: String,
    /// Where lag and progress are reported.
    pub metrics: Metrics,
    /// Flips to `true` when the process shuts down.
    pub shutdown: watch::Receiver<bool>,
}

/// The projection's checkpoint.
pub async fn checkpoint(pool: &PgPool, name: &str) -> anyhow::Result<Position> {
    let client = pool.get().await?;
    let row = client
        .query_opt(
            "SELECT tx_id::text::int8, global_position FROM checkpoints WHERE name = $1",
            &[&name],
        )
        .await?;
    Ok(row
        .map(|r| Position {
            tx_id: r.get(0),
            global_position: r.get(1),
        })
        .unwrap_or_default())
}

/// Applies a batch of events (in feed order) and records progress, in one transaction.
/// Returns how many events were applied (duplicates and other stream types excluded).
pub async fn apply_batch<P: Projection>(
    projection: &P,
    pool: &PgPool,
    store: &EventStore,
    events: &[RecordedEvent],
) -> anyhow::Result<usize> {
    let last = events.iter().map(RecordedEvent::position).max();
    apply_events(projection, pool, store, events, last).await
}

/// Applies events (skipping duplicates, filling gaps) and records the streams' applied
/// versions, in one transaction; with `checkpoint_to`, also moves the checkpoint there (events
/// read from the feed, up to that position), without it not (events read stream by stream,
/// which the feed may not show yet).
async fn apply_events<P: Projection>(
    projection: &P,
    pool: &PgPool,
    store: &EventStore,
    events: &[RecordedEvent],
    checkpoint_to: Option<Position>,
) -> anyhow::Result<usize> {
    if events.is_empty() {
        if let Some(to) = checkpoint_to {
            // Nothing to apply: the checkpoint moves in one statement.
            move_checkpoint(&pool.get().await?, P::NAME, to).await?;
        }
        return Ok(0);
    }
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    lock_projection(&tx, P::NAME).await?;
    // Every statement of a batch reaches its rows by key. A generic plan made while a table
    // was small (a rebuild starts from empty tables) would otherwise go on scanning the table
    // whole as it grows: the projects' set forms, joined by key as a hash join over a
    // sequential scan, scanned `rm_projects` a thousand times in a rebuild of 38,000 events.
    tx.batch_execute("SET LOCAL enable_seqscan = off").await?;
    let relevant: Vec<&RecordedEvent> = events
        .iter()
        .filter(|e| P::STREAM_TYPES.contains(&e.stream_type.as_str()))
        .collect();
    let ids: Vec<&str> = relevant.iter().map(|e| e.stream_id.as_str()).collect();
    let mut applied_versions: HashMap<String, i64> = tx
        .query(
            "SELECT stream_id, version FROM projection_streams \
             WHERE projection = $1 AND stream_id = ANY($2)",
            &[&P::NAME, &ids],
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    // Dedupe and fill gaps first; then run every write of the batch pipelined.
    let mut gap_fill: Vec<RecordedEvent> = Vec::new();
    let mut order: Vec<(bool, usize)> = Vec::new(); // (from gap fill, index)
    let mut touched: HashMap<String, i64> = HashMap::new();
    for (index, event) in relevant.iter().enumerate() {
        let done = applied_versions.get(&event.stream_id).copied().unwrap_or(0);
        if event.stream_version <= done {
            continue; // duplicate
        }
        if event.stream_version > done + 1 {
            // A gap: what NATS (or ordering) lost is read from the log first.
            let missing = store
                .load_stream_range(&event.stream_id, done + 1, event.stream_version - 1)
                .await?;
            for m in missing {
                order.push((true, gap_fill.len()));
                gap_fill.push(m);
            }
        }
        order.push((false, index));
        applied_versions.insert(event.stream_id.clone(), event.stream_version);
        touched.insert(event.stream_id.clone(), event.stream_version);
    }
    let to_apply: Vec<&RecordedEvent> = order
        .iter()
        .map(|&(gap, i)| if gap { &gap_fill[i] } else { relevant[i] })
        .collect();
    let applied = to_apply.len();
    execute_writes(projection, &tx, &to_apply).await?;
    if !touched.is_empty() {
        let (streams, versions): (Vec<String>, Vec<i64>) = touched.into_iter().unzip();
        tx.execute(
            "INSERT INTO projection_streams (projection, stream_id, version) \
             SELECT $1, * FROM unnest($2::text[], $3::int8[]) \
             ON CONFLICT (projection, stream_id) DO UPDATE SET version = EXCLUDED.version",
            &[&P::NAME, &streams, &versions],
        )
        .await?;
    }
    if let Some(to) = checkpoint_to {
        move_checkpoint(&tx, P::NAME, to).await?;
    }
    tx.commit().await?;
    Ok(applied)
}

/// Moves the checkpoint of projection `name` forward to `to` (never back).
async fn move_checkpoint(
    client: &impl deadpool_postgres::GenericClient,
    name: &str,
    to: Position,
) -> Result<(), tokio_postgres::Error> {
    client
        .execute(
            "UPDATE checkpoints SET tx_id = $2::text::xid8, global_position = $3, \
             updated_at = now() \
             WHERE name = $1 AND (tx_id, global_position) < ($2::text::xid8, $3)",
            &[&name, &to.tx_id.to_string(), &to.global_position],
        )
        .await
        .map(|_| ())
}

/// Takes the projection's checkpoint row for the rest of the transaction: one applier (or
/// rebuild) per projection at a time, whatever the number of runners.
pub(crate) async fn lock_projection(
    tx: &deadpool_postgres::Transaction<'_>,
    name: &str,
) -> Result<(), tokio_postgres::Error> {
    tx.execute(
        "SELECT 1 FROM checkpoints WHERE name = $1 FOR UPDATE",
        &[&name],
    )
    .await
    .map(|_| ())
}

/// Reads the PostgreSQL feed from the checkpoint to its end; returns events applied. Events
/// of other stream types are only counted (their payloads are not read), and move the
/// checkpoint with the rest of their page.
pub async fn catch_up<P: Projection>(
    projection: &P,
    pool: &PgPool,
    store: &EventStore,
    metrics: &Metrics,
) -> anyhow::Result<u64> {
    let mut total = 0u64;
    let from = checkpoint(pool, P::NAME).await?;
    let mut page = store
        .read_feed_of(from, CATCH_UP_BATCH, P::STREAM_TYPES)
        .await?;
    loop {
        let Some((last, recorded_at)) = page.last else {
            return Ok(total);
        };
        let full = page.read as i64 == CATCH_UP_BATCH;
        // The next page is read while this one is applied.
        let next = async {
            if full {
                store
                    .read_feed_of(last, CATCH_UP_BATCH, P::STREAM_TYPES)
                    .await
            } else {
                Ok(FeedPage::default())
            }
        };
        let (applied, next) = tokio::join!(
            apply_events(projection, pool, store, &page.events, Some(last)),
            next
        );
        total += applied? as u64;
        report_at(metrics, P::NAME, "postgres", (last, recorded_at), page.read);
        page = next?;
    }
}

/// Applies stream versions the projection has not seen although the log has them (events
/// NATS lost, or that were never delivered) and that were recorded more than `grace` ago.
/// Returns how many events were applied.
pub async fn repair<P: Projection>(
    projection: &P,
    pool: &PgPool,
    store: &EventStore,
    grace: chrono::TimeDelta,
) -> anyhow::Result<usize> {
    let behind: Vec<(String, i64)> = {
        let client = pool.get().await?;
        client
            .query(
                "SELECT s.stream_id, coalesce(p.version, 0) FROM streams s \
                 LEFT JOIN projection_streams p ON p.projection = $1 AND p.stream_id = s.stream_id \
                 WHERE s.stream_type = ANY($2) AND s.version > coalesce(p.version, 0) \
                 LIMIT 1000",
                &[&P::NAME, &P::STREAM_TYPES],
            )
            .await?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect()
    };
    // Events committed moments ago are on their way through NATS; only older ones are
    // missing. (The NATS path skips what the repair applied, and the other way round.)
    let cutoff = chrono::Utc::now() - grace;
    let mut applied = 0;
    for (stream_id, version) in behind {
        let events: Vec<RecordedEvent> = store
            .load_stream(&stream_id, version)
            .await?
            .into_iter()
            .take_while(|e| e.recorded_at < cutoff)
            .collect();
        if !events.is_empty() {
            applied += apply_events(projection, pool, store, &events, None).await?;
        }
    }
    Ok(applied)
}

fn report(metrics: &Metrics, name: &str, source: &str, events: &[RecordedEvent]) {
    if let Some(last) = events.iter().max_by_key(|e| e.position()) {
        report_at(
            metrics,
            name,
            source,
            (last.position(), last.recorded_at),
            events.len(),
        );
    }
}

/// Reports `count` events read from `source`, the last at `last` (position, recording time).
fn report_at(
    metrics: &Metrics,
    name: &str,
    source: &str,
    last: (Position, chrono::DateTime<chrono::Utc>),
    count: usize,
) {
    let labels = format!("projection=\"{name}\"");
    let lag = (chrono::Utc::now() - last.1)
        .num_microseconds()
        .unwrap_or(0) as f64
        / 1e6;
    metrics.set(
        "fundadmin_projection_lag_seconds",
        &labels,
        "Seconds between an event's recording and its application by the projection.",
        lag.max(0.0),
    );
    metrics.set(
        "fundadmin_projection_position",
        &labels,
        "Global position of the last event the projection applied.",
        last.0.global_position as f64,
    );
    metrics.add(
        "fundadmin_projection_events_total",
        &format!("{labels},source=\"{source}\""),
        "Events the projection has read, by source (postgres feed or nats).",
        count as f64,
    );
}

/// Rebuilds the projection named `name`; returns events applied, or an error for an unknown
/// name.
pub async fn rebuild_by_name(name: &str, pool: &PgPool, metrics: &Metrics) -> anyhow::Result<u64> {
    let store = EventStore::new(pool.clone());
    match name {
        n if n == <crate::funds::FundsProjection as Projection>::NAME => {
            rebuild(&crate::funds::FundsProjection, pool, &store, metrics).await
        }
        n if n == <crate::capital::CapitalProjection as Projection>::NAME => {
            rebuild(&crate::capital::CapitalProjection, pool, &store, metrics).await
        }
        n if n == <crate::committee::CommitteeProjection as Projection>::NAME => {
            rebuild(
                &crate::committee::CommitteeProjection,
                pool,
                &store,
                metrics,
            )
            .await
        }
        n if n == <crate::projects::ProjectsProjection as Projection>::NAME => {
            rebuild(&crate::projects::ProjectsProjection, pool, &store, metrics).await
        }
        n if n == <crate::reports::ReportsProjection as Projection>::NAME => {
            rebuild(&crate::reports::ReportsProjection, pool, &store, metrics).await
        }
        other => anyhow::bail!(
            "unknown projection {other:?}; known: {}",
            crate::ALL.join(", ")
        ),
    }
}
