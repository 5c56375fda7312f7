//! `fundadmin-bench rest`: the REST command path of a real `fundadmin serve` process.
//!
//! On a scratch database `fundadmin_bench_rest` and a NATS prefix of its own, in one run:
//! the raw PostgreSQL yardstick (single-row INSERT transactions at 32 connections); then a
//! `fundadmin serve` (the release binary next to this one, on a free loopback port, with its
//! relay and projections running as in production) is started, `BENCH_REST_FUNDS` funds are
//! seeded through its API (see `rest_seed`), and keep-alive clients post the companies'
//! post-investment reports (`POST /funds/{id}/projects/{id}/reports`) for `BENCH_SECONDS`
//! at each of 1, 16 and 64 concurrent clients, each client on projects of its own (no
//! version conflicts). Every latency is kept; percentiles are exact (nearest rank).
//! Meanwhile one sampler measures projection lag: every 2 ms it takes the latest answered
//! command as a probe and checks, in one query on the `projects` checkpoint, which pending
//! probes the read model has applied, so a sample is the time from the 2xx (after the
//! commit) to the read model showing it (to within 2 ms plus a query).
//! Then the API's peak RSS (`VmHWM` of its `/proc/<pid>/status`), and, with the server
//! stopped, the rebuild of each read model from PostgreSQL over everything written.
//! CPU seconds of the API process, of all `postgres` processes and of this client are
//! recorded per level, with the events per transaction (the group-commit batch size) and the
//! PostgreSQL transactions per command (`pg_stat_database.xact_commit` of the scratch
//! database, each statement outside a transaction counting one; the sampler's polls left
//! out): the API's round trips, the relay's and the projections' work together.
//! `BENCH_REST_PERF=<file>` records the API process with `perf record --call-graph dwarf` during the level
//! with the most clients.

use super::http::Conn;
use super::procfs::{self, CpuSnapshot};
use super::rest_seed::{self, Target};
use super::rest_table::Level;
use anyhow::Context;
use eventstore::{connect_pool, Metrics, PgPool};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The scratch database of this benchmark.
const DATABASE: &str = "fundadmin_bench_rest";

/// The latest answered command: (global position, when its 2xx was read).
type Latest = Arc<Mutex<Option<(i64, Instant)>>>;

/// Runs the benchmark and prints its table and JSON.
pub async fn run(base: &str) -> anyhow::Result<()> {
    let seconds: u64 = crate::env("BENCH_SECONDS", "5")
        .parse()
        .context("BENCH_SECONDS")?;
    let levels: Vec<usize> = crate::env("BENCH_REST_CLIENTS", "1,16,64")
        .split(',')
        .map(|s| s.trim().parse().context("BENCH_REST_CLIENTS"))
        .collect::<anyhow::Result<_>>()?;
    let most = levels.iter().copied().max().unwrap_or(1);
    let funds: usize = crate::env("BENCH_REST_FUNDS", "64")
        .parse::<usize>()
        .context("BENCH_REST_FUNDS")?
        .max(most);
    let window = Duration::from_secs(seconds);
    let load_start = procfs::load_average();
    crate::recreate_database(base, DATABASE).await?;
    let url = eventstore::pool::with_database(base, DATABASE);
    let pool = connect_pool(&url, 40)?;
    eprintln!("step: raw INSERT yardstick, 32 connections");
    let raw = crate::raw_insert_rate(&pool, 32, window).await?;
    let prefix = format!("bench{}", uuid::Uuid::now_v7().simple());
    let mut server = super::server::Server::start(&url, &prefix).await?;
    let result = measure(&pool, &server, &levels, funds, window).await;
    let log = server.log.clone();
    let stopped = server.stop();
    let (runs, rss) = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("the server's log: {}", log.display());
            cleanup(base, &prefix).await;
            return Err(e);
        }
    };
    stopped?;
    eprintln!("step: rebuild the read models from PostgreSQL");
    let rebuilds = rebuild(&pool).await?;
    let events = eventstore::EventStore::new(pool.clone())
        .head_position()
        .await?;
    cleanup(base, &prefix).await;
    let _ = std::fs::remove_file(&log);
    super::rest_table::print(
        raw,
        &runs,
        rss,
        &rebuilds,
        events,
        funds,
        seconds,
        &load_start,
    );
    Ok(())
}

/// Seeds, warms up, runs each level; returns the levels and the API's (RSS after seeding,
/// peak RSS) in KiB.
async fn measure(
    pool: &PgPool,
    server: &super::server::Server,
    levels: &[usize],
    funds: usize,
    window: Duration,
) -> anyhow::Result<(Vec<Level>, (u64, u64))> {
    eprintln!("step: seed {funds} funds through the API");
    let t = Instant::now();
    let targets = rest_seed::seed(pool, server.addr, funds, 8).await?;
    eprintln!("  seeded in {:.1} s", t.elapsed().as_secs_f64());
    pool.get()
        .await?
        .batch_execute(
            "ANALYZE streams; ANALYZE events; ANALYZE api_tokens; ANALYZE command_results",
        )
        .await?;
    eprintln!("step: warm-up");
    level(pool, server, &targets, 16, Duration::from_secs(1)).await?;
    let rss_seeded = procfs::memory_kib(server.pid, "VmRSS");
    let mut runs = Vec::new();
    let perf_output = std::env::var("BENCH_REST_PERF").ok();
    let most = levels.iter().copied().max().unwrap_or(1);
    for &clients in levels {
        eprintln!("step: {clients} clients");
        let perf = match &perf_output {
            Some(out) if clients == most => Some(super::server::Perf::record(server.pid, out)?),
            _ => None,
        };
        let l = level(pool, server, &targets, clients, window).await?;
        if let Some(perf) = perf {
            perf.finish()?;
        }
        eprintln!(
            "  {:.0} commands/s, p99 {:.1} ms, {} errors",
            l.rate, l.latency_ms[2], l.errors
        );
        runs.push(l);
    }
    Ok((runs, (rss_seeded, procfs::memory_kib(server.pid, "VmHWM"))))
}

/// One level: `clients` keep-alive connections posting reports for `window`.
async fn level(
    pool: &PgPool,
    server: &super::server::Server,
    targets: &[Target],
    clients: usize,
    window: Duration,
) -> anyhow::Result<Level> {
    let addr = server.addr;
    let head = eventstore::EventStore::new(pool.clone())
        .head_position()
        .await?;
    let latest: Latest = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = tokio::spawn(sample_lag(pool.clone(), latest.clone(), stop.clone()));
    let body = Arc::new(rest_seed::report_body());
    let xacts_before = xact_commits(pool).await?;
    let cpu_before = CpuSnapshot::take(server.pid);
    let start = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let mine: Vec<(String, String)> = targets
                .iter()
                .skip(c)
                .step_by(clients)
                .map(|t| (t.reports_path(), t.manager.clone()))
                .collect();
            let (latest, body) = (latest.clone(), body.clone());
            tokio::spawn(client(addr, mine, body, latest, start, window))
        })
        .collect();
    let (mut latencies, mut errors, mut first_error) = (Vec::new(), 0, None);
    for t in tasks {
        let (l, e, first) = t.await??;
        latencies.extend(l);
        errors += e;
        first_error = first_error.or(first);
    }
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = CpuSnapshot::take(server.pid).since(&cpu_before);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (lag_ms, polls) = sampler.await??;
    let drain = Instant::now();
    wait_caught_up(pool).await?;
    let drain_ms = drain.elapsed().as_secs_f64() * 1000.0;
    // Statistics reach `pg_stat_database` within a second of a backend going idle.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let xacts = xact_commits(pool).await? - xacts_before - polls as i64;
    let row = pool
        .get()
        .await?
        .query_one(
            "SELECT count(*), count(DISTINCT tx_id) FROM events WHERE global_position > $1",
            &[&head],
        )
        .await?;
    let (events, txs): (i64, i64) = (row.get(0), row.get(1));
    latencies.sort_unstable();
    let pct = |p: f64| percentile(&latencies, p) as f64 / 1000.0;
    Ok(Level {
        clients,
        commands: latencies.len() as u64,
        errors,
        first_error,
        rate: latencies.len() as f64 / elapsed,
        latency_ms: [pct(0.50), pct(0.95), pct(0.99), pct(1.0)],
        lag_ms,
        drain_ms,
        cpu,
        events_per_tx: events as f64 / txs.max(1) as f64,
        xacts_per_command: xacts as f64 / latencies.len().max(1) as f64,
    })
}

/// One client: posts in turn on its projects until the window closes. Returns the
/// latencies of the 2xx answers in µs, the number of other answers and the first of them.
async fn client(
    addr: SocketAddr,
    mine: Vec<(String, String)>,
    body: Arc<Vec<u8>>,
    latest: Latest,
    start: Instant,
    window: Duration,
) -> anyhow::Result<(Vec<u32>, u64, Option<String>)> {
    let mut conn = Conn::connect(addr).await?;
    let (mut latencies, mut errors, mut first_error) = (Vec::new(), 0, None);
    let mut i = 0;
    while start.elapsed() < window {
        let (path, token) = &mine[i % mine.len()];
        i += 1;
        let sent = Instant::now();
        let r = conn.request("POST", path, Some(token), Some(&body)).await?;
        let done = Instant::now();
        if (200..300).contains(&r.status) {
            latencies.push((done - sent).as_micros().min(u32::MAX as u128) as u32);
            if let Some(position) = r.global_position() {
                *latest.lock().unwrap_or_else(|p| p.into_inner()) = Some((position, done));
            }
        } else {
            errors += 1;
            first_error.get_or_insert_with(|| {
                format!("{} {}", r.status, String::from_utf8_lossy(&r.body))
            });
        }
    }
    Ok((latencies, errors, first_error))
}

/// Transactions committed so far in the scratch database (each statement outside an
/// explicit transaction is one), from `pg_stat_database`.
async fn xact_commits(pool: &PgPool) -> anyhow::Result<i64> {
    let client = pool.get().await?;
    client
        .batch_execute("SELECT pg_stat_clear_snapshot()")
        .await?;
    let row = client
        .query_one(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()",
            &[],
        )
        .await?;
    Ok(row.get(0))
}

/// Nearest-rank percentile of sorted values (`p` in 0..=1).
fn percentile(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Which of the positions `$1` the `projects` read model has applied.
const PASSED: &str = "SELECT e.global_position FROM checkpoints c, events e \
     WHERE c.name = 'projects' AND e.global_position = ANY($1) \
     AND (c.tx_id, c.global_position) >= (e.tx_id, e.global_position)";

/// The lag sampler. Every 2 ms it takes the latest answered command as a new probe (if it
/// is new) and, in one query, finds which of the pending probes the read model has applied:
/// each of those is a sample, from its 2xx to now. After `stop`, the pending probes are
/// followed to the end (at most 10 s). Returns the samples (sorted) and the queries made.
async fn sample_lag(
    pool: PgPool,
    latest: Latest,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> anyhow::Result<(Vec<f64>, u64)> {
    let client = pool.get().await?;
    let passed = client.prepare(PASSED).await?;
    let (mut samples, mut polls) = (Vec::new(), 0);
    let mut pending: Vec<(i64, Instant)> = Vec::new();
    let mut stopped_at: Option<Instant> = None;
    loop {
        if stopped_at.is_none() && stop.load(std::sync::atomic::Ordering::Relaxed) {
            stopped_at = Some(Instant::now());
        }
        match stopped_at {
            Some(t) if pending.is_empty() || t.elapsed() > Duration::from_secs(10) => break,
            Some(_) => {}
            None => {
                let taken = *latest.lock().unwrap_or_else(|p| p.into_inner());
                if let Some(probe) = taken.filter(|(p, _)| pending.last().is_none_or(|l| l.0 != *p))
                {
                    pending.push(probe);
                }
            }
        }
        if !pending.is_empty() {
            let positions: Vec<i64> = pending.iter().map(|p| p.0).collect();
            let done: std::collections::HashSet<i64> = client
                .query(&passed, &[&positions])
                .await?
                .iter()
                .map(|r| r.get(0))
                .collect();
            polls += 1;
            let now = Instant::now();
            pending.retain(|(position, answered)| {
                let applied = done.contains(position);
                if applied {
                    samples.push((now - *answered).as_secs_f64() * 1000.0);
                }
                !applied
            });
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    samples.sort_by(f64::total_cmp);
    Ok((samples, polls))
}

/// Waits (at most 60 s) until the `projects` read model has applied the whole log.
async fn wait_caught_up(pool: &PgPool) -> anyhow::Result<()> {
    let client = pool.get().await?;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let row = client
            .query_one(
                "SELECT coalesce((SELECT (c.tx_id, c.global_position) >= (e.tx_id, e.global_position) \
                 FROM checkpoints c, events e WHERE c.name = 'projects' \
                 AND e.global_position = (SELECT max(global_position) FROM events)), true)",
                &[],
            )
            .await?;
        if row.get::<_, bool>(0) || Instant::now() > deadline {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Rebuilds each read model from the log: (name, events applied, seconds).
async fn rebuild(pool: &PgPool) -> anyhow::Result<Vec<(String, u64, f64)>> {
    let mut out = Vec::new();
    for name in ["projects", "funds", "committee", "capital", "reports"] {
        let t = Instant::now();
        let n = projections::runner::rebuild_by_name(name, pool, &Metrics::new()).await?;
        out.push((name.to_owned(), n, t.elapsed().as_secs_f64()));
    }
    Ok(out)
}

/// Drops the scratch database and the NATS streams, events and report requests (best
/// effort).
async fn cleanup(base: &str, prefix: &str) {
    if let Err(e) = crate::drop_database(base, DATABASE).await {
        eprintln!("dropping {DATABASE}: {e:#}");
    }
    if let Ok(nats) = async_nats::connect(crate::env("NATS_URL", "nats://127.0.0.1:4222")).await {
        let js = async_nats::jetstream::new(nats);
        for stream in [
            eventstore::subjects::stream_name(prefix),
            workers::reports::schedule::stream_name(prefix),
        ] {
            let _ = js.delete_stream(stream).await;
        }
    }
}
