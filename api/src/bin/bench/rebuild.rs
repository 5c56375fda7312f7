//! `fundadmin-bench rebuild`: the rebuild of every read model from the PostgreSQL log
//! (target for `projects`: 100,000 events/s).
//!
//! `rebuild` drops and creates the scratch database `fundadmin_bench_rebuild`, seeds it with
//! `BENCH_REBUILD_FUNDS` (default 1) copies of the synthetic fund of `fundadmin-bench report`
//! (50,000 events each, built through the domain commands), then measures as
//! `rebuild-measure` does. The events are appended in date order across streams (a k-way merge
//! that keeps each stream's order), `BENCH_REBUILD_CHUNK` (default 200) events per append, so a
//! batch of the feed interleaves many projects as a log written by the API does;
//! `BENCH_REBUILD_ORDER=stream` appends each stream whole instead (a project's events then
//! follow one another in the feed). The database is kept for `rebuild-measure`.
//!
//! `rebuild-measure` measures on the database as it is: the feed read alone (every event
//! read through `EventStore::read_feed` in the catch-up's batches, nothing applied), then
//! `projections::runner::rebuild_by_name` for each read model, `BENCH_REBUILD_RUNS` (default
//! 3) times (`BENCH_REBUILD_ONLY=projects,…` leaves the others out); the median of each,
//! with the CPU seconds per run of this process and of every PostgreSQL process (what each
//! rebuild costs on either side; the latter noisy on a shared machine).

use super::procfs;
use super::report::{Stream, Synthetic};
use anyhow::anyhow;
use chrono::NaiveDate;
use domain::Aggregate;
use eventstore::{EventStore, ExpectedVersion, Metadata, Metrics, NewEvent, PgPool, StreamAppend};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::time::Instant;

/// The scratch database of this benchmark.
pub const DATABASE: &str = "fundadmin_bench_rebuild";

/// Events read per feed batch by the feed-only measure (as the catch-up reads).
const FEED_BATCH: i64 = 2000;

/// One stream to seed: id, type, events in order.
type Seeded = (String, &'static str, Vec<NewEvent>);

/// `rebuild`: seeds the freshly created scratch database, then measures.
pub async fn run(pool: &PgPool) -> anyhow::Result<()> {
    let funds: u32 = crate::env("BENCH_REBUILD_FUNDS", "1").parse()?;
    let chunk: usize = crate::env("BENCH_REBUILD_CHUNK", "200").parse()?;
    let by_stream = crate::env("BENCH_REBUILD_ORDER", "date") == "stream";
    let start = Instant::now();
    let mut total = 0;
    for copy in 0..funds.max(1) {
        eprintln!("step: build and seed synthetic fund {copy}");
        let built = Synthetic::build(copy)?;
        let streams = streams(&built);
        total += seed(pool, streams, chunk, by_stream).await?;
    }
    pool.get()
        .await?
        .batch_execute("ANALYZE streams; ANALYZE events")
        .await?;
    eprintln!(
        "  seeded {total} events in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    measure(pool).await
}

/// Every stream of a synthetic fund as events to append.
fn streams(s: &Synthetic) -> Vec<Seeded> {
    let metadata = Metadata::new("bench", "admin");
    let mut out = vec![one(&s.fund_id.stream_id(), &s.fund, &metadata)];
    out.push(one(
        &domain::committee::membership::stream_id(s.fund_id),
        &s.committee,
        &metadata,
    ));
    out.extend(
        s.projects
            .iter()
            .map(|(id, p)| one(&id.stream_id(), p, &metadata)),
    );
    out.extend(
        s.resolutions
            .iter()
            .map(|(id, r)| one(&id.stream_id(), r, &metadata)),
    );
    out.extend(
        s.cases
            .iter()
            .map(|(id, c)| one(&id.stream_id(), c, &metadata)),
    );
    out
}

fn one<A: Aggregate>(id: &str, s: &Stream<A>, metadata: &Metadata) -> Seeded {
    let events = s
        .events
        .iter()
        .map(|e| NewEvent::from_domain(e, metadata))
        .collect();
    (id.to_owned(), A::STREAM_TYPE, events)
}

/// Appends `streams`, `chunk` events per append: in date order across streams (each
/// stream's own order kept), or with `by_stream` each stream whole. Returns events written.
async fn seed(
    pool: &PgPool,
    streams: Vec<Seeded>,
    chunk: usize,
    by_stream: bool,
) -> anyhow::Result<usize> {
    let store = EventStore::new(pool.clone());
    // The order: (stream index) per event.
    let mut order = Vec::new();
    if by_stream {
        for (i, (_, _, events)) in streams.iter().enumerate() {
            order.extend(std::iter::repeat_n(i, events.len()));
        }
    } else {
        // A k-way merge on each stream's next event date (an undated event takes its
        // predecessor's), ties by stream.
        let mut last = vec![NaiveDate::MIN; streams.len()];
        let mut next = vec![0usize; streams.len()];
        let mut heap = BinaryHeap::new();
        let date = |i: usize, n: usize, last: &[NaiveDate]| {
            streams[i].2[n].effective_at.unwrap_or(last[i])
        };
        for (i, (_, _, events)) in streams.iter().enumerate() {
            if !events.is_empty() {
                heap.push(Reverse((date(i, 0, &last), i)));
            }
        }
        while let Some(Reverse((day, i))) = heap.pop() {
            order.push(i);
            last[i] = day;
            next[i] += 1;
            if next[i] < streams[i].2.len() {
                heap.push(Reverse((date(i, next[i], &last), i)));
            }
        }
    }
    let mut streams: Vec<(String, &str, std::vec::IntoIter<NewEvent>)> = streams
        .into_iter()
        .map(|(id, ty, events)| (id, ty, events.into_iter()))
        .collect();
    let mut versions = vec![0i64; streams.len()];
    for part in order.chunks(chunk.max(1)) {
        // One StreamAppend per stream in the chunk, in order of first appearance.
        let mut appends: BTreeMap<usize, StreamAppend> = BTreeMap::new();
        let mut first = Vec::new();
        for &i in part {
            let (id, ty, events) = &mut streams[i];
            let append = appends.entry(i).or_insert_with(|| {
                first.push(i);
                StreamAppend {
                    stream_id: id.clone(),
                    stream_type: (*ty).to_owned(),
                    expected: match versions[i] {
                        0 => ExpectedVersion::NoStream,
                        v => ExpectedVersion::Exact(v),
                    },
                    known_head: None,
                    events: Vec::new(),
                }
            });
            append
                .events
                .push(events.next().ok_or_else(|| anyhow!("stream {i} ran out"))?);
            versions[i] += 1;
        }
        let batch: Vec<StreamAppend> = first.iter().filter_map(|i| appends.remove(i)).collect();
        store
            .append(&batch, None)
            .await
            .map_err(|e| anyhow!("{e}"))?;
    }
    Ok(order.len())
}

/// `rebuild-measure`: the feed alone, then each read model's rebuild, on the database as it
/// is; prints a table and one JSON line.
pub async fn measure(pool: &PgPool) -> anyhow::Result<()> {
    let runs: usize = crate::env("BENCH_REBUILD_RUNS", "3").parse()?;
    let load_start = procfs::load_average();
    let store = EventStore::new(pool.clone());
    let events = store.head_position().await?;
    let mut rows: Vec<(String, u64, Vec<f64>, f64, f64)> = Vec::new();
    let only = crate::env("BENCH_REBUILD_ONLY", "");
    let names = std::iter::once("feed").chain(projections::ALL.iter().copied());
    for name in names.filter(|n| only.is_empty() || only.split(',').any(|o| o.trim() == *n)) {
        let (mut seconds, mut count) = (Vec::new(), 0);
        let (client0, pg0) = (
            procfs::process_cpu_s(std::process::id()),
            procfs::postgres_cpu_s(),
        );
        for _ in 0..runs.max(1) {
            eprintln!("step: {name}");
            let t = Instant::now();
            count = if name == "feed" {
                read_feed(&store).await?
            } else {
                projections::runner::rebuild_by_name(name, pool, &Metrics::new()).await?
            };
            seconds.push(t.elapsed().as_secs_f64());
        }
        let client = procfs::process_cpu_s(std::process::id()) - client0;
        let pg = procfs::postgres_cpu_s() - pg0;
        rows.push((name.to_owned(), count, seconds, client, pg));
    }
    print(events, runs.max(1), &load_start, &rows);
    Ok(())
}

/// Reads the whole feed in catch-up batches; returns the events read.
async fn read_feed(store: &EventStore) -> anyhow::Result<u64> {
    let mut at = eventstore::Position::default();
    let mut n = 0;
    loop {
        let events = store.read_feed(at, FEED_BATCH).await?;
        n += events.len() as u64;
        match events.last() {
            Some(last) if events.len() as i64 == FEED_BATCH => at = last.position(),
            _ => return Ok(n),
        }
    }
}

/// The table and the JSON line.
fn print(events: i64, runs: usize, load_start: &str, rows: &[(String, u64, Vec<f64>, f64, f64)]) {
    println!(
        "machine: {}; load average {load_start} at the start, {} at the end",
        crate::machine(),
        procfs::load_average()
    );
    println!(
        "rebuild from the PostgreSQL log: {events} events; median of {runs} runs; CPU s per run"
    );
    println!(
        "{:<34} {:>8} {:>9} {:>10} {:>9} {:>9}",
        "measure", "events", "seconds", "events/s", "bench s", "PG s"
    );
    let mut json = serde_json::Map::new();
    for (name, n, seconds, client, pg) in rows {
        let mut sorted = seconds.clone();
        sorted.sort_by(f64::total_cmp);
        let median = sorted[sorted.len() / 2];
        let rate = if median > 0.0 {
            *n as f64 / median
        } else {
            0.0
        };
        let what = if name == "feed" {
            "feed read only".to_owned()
        } else {
            format!("rebuild {name} (events applied)")
        };
        // All postgres processes of the machine: others' connections that ended while
        // this measured take their time with them (then `-`).
        let pg_s = if *pg >= 0.0 {
            format!("{:.2}", pg / runs as f64)
        } else {
            "-".into()
        };
        println!(
            "{what:<34} {n:>8} {median:>9.3} {rate:>10.0} {:>9.2} {pg_s:>9}",
            client / runs as f64
        );
        json.insert(
            name.clone(),
            serde_json::json!({ "events": n, "seconds": median, "events_per_s": rate,
                "bench_cpu_s": client / runs as f64, "postgres_cpu_s": pg / runs as f64 }),
        );
    }
    println!(
        "{}",
        serde_json::json!({ "benchmark": "rebuild", "machine": crate::machine(),
            "load_average_start": load_start, "load_average_end": procfs::load_average(),
            "events": events, "runs": runs, "measures": json })
    );
}
