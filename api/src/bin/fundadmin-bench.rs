//! `fundadmin-bench`: the benchmark suite behind `ops/bench`. Measurements, not tests: each
//! benchmark prints a table and one JSON object, and asserts nothing.
//!
//! - `append` (`bench/append.rs`): commands through the repository directly, the raw
//!   PostgreSQL yardstick, feed, relay and projection catch-up.
//! - `rest` (`bench/rest.rs`): the REST command path of a real `fundadmin serve` process at
//!   1, 16 and 64 clients, projection lag under that load, rebuild of the read models, the
//!   API's peak RSS, and the yardstick measured in the same run.
//! - `report` (`bench/report.rs`): report generation on a synthetic fund of 500 investments
//!   and 50,000 events built through the domain commands.
//! - `rebuild` (`bench/rebuild.rs`): the rebuild of every read model from the log, on
//!   synthetic funds of 50,000 events each; `rebuild-measure` again on what it seeded.
//! - `all` (`bench/all.rs`): the four in one run, each in a process of its own, then one
//!   table and one JSON document combining them.

use anyhow::{bail, Context};
use eventstore::{connect_pool, PgPool};
use std::time::{Duration, Instant};

#[path = "bench/all.rs"]
mod all;
#[path = "bench/append.rs"]
mod append;
#[path = "bench/http.rs"]
mod http;
#[path = "bench/procfs.rs"]
mod procfs;
#[path = "bench/rebuild.rs"]
mod rebuild;
#[path = "bench/report.rs"]
mod report;
#[path = "bench/rest.rs"]
mod rest;
#[path = "bench/rest_seed.rs"]
mod rest_seed;
#[path = "bench/rest_table.rs"]
mod rest_table;
#[path = "bench/server.rs"]
mod server;

/// An environment variable, or its default.
fn env(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let what = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    let seconds: u64 = env("BENCH_SECONDS", "5").parse().context("BENCH_SECONDS")?;
    let base = env(
        "DATABASE_URL",
        "postgres://postgres@127.0.0.1:5432/fundadmin",
    );
    let url = eventstore::pool::with_database(&base, "fundadmin_bench");
    match what.as_str() {
        "all" => return all::run().await,
        "rest" => return rest::run(&base).await,
        // The second half of `report`, in a fresh process, on the database it seeded.
        "report-measure" => return report::measure(&connect_pool(&url, 8)?).await,
        "rebuild-measure" => {
            let url = eventstore::pool::with_database(&base, rebuild::DATABASE);
            return rebuild::measure(&connect_pool(&url, 8)?).await;
        }
        "rebuild" => {
            let url = eventstore::pool::with_database(&base, rebuild::DATABASE);
            recreate_database(&base, rebuild::DATABASE).await?;
            migrate(&url).await?;
            return rebuild::run(&connect_pool(&url, 8)?).await;
        }
        "append" | "report" => {}
        _ => bail!("unknown benchmark {what:?}; known: all, append, rest, report, rebuild"),
    }
    recreate_database(&base, "fundadmin_bench").await?;
    migrate(&url).await?;
    let pool = connect_pool(&url, 40)?;
    if what == "report" {
        return report::run(&pool).await;
    }
    append::run(&pool, &url, seconds).await
}

/// Applies the migrations to the database at `url`.
async fn migrate(url: &str) -> anyhow::Result<()> {
    let (mut client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    let conn = tokio::spawn(conn);
    eventstore::migrate::run(&mut client).await?;
    drop(client);
    let _ = conn.await;
    Ok(())
}

/// The machine: cores, architecture, CPU model.
fn machine() -> String {
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown cpu".into());
    format!("{cpus} cpus, {}, {model}", std::env::consts::ARCH)
}

/// Drops and creates a scratch database.
async fn recreate_database(base: &str, name: &str) -> anyhow::Result<()> {
    let admin = eventstore::pool::with_database(base, "postgres");
    let (client, conn) = tokio_postgres::connect(&admin, tokio_postgres::NoTls).await?;
    let conn = tokio::spawn(conn);
    client
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await?;
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await?;
    drop(client);
    let _ = conn.await;
    Ok(())
}

/// Drops a scratch database.
async fn drop_database(base: &str, name: &str) -> anyhow::Result<()> {
    let admin = eventstore::pool::with_database(base, "postgres");
    let (client, conn) = tokio_postgres::connect(&admin, tokio_postgres::NoTls).await?;
    let conn = tokio::spawn(conn);
    client
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await?;
    drop(client);
    let _ = conn.await;
    Ok(())
}

/// The raw PostgreSQL yardstick: single-row INSERT transactions per second at `connections`
/// connections for `window`.
async fn raw_insert_rate(
    pool: &PgPool,
    connections: usize,
    window: Duration,
) -> anyhow::Result<f64> {
    pool.get()
        .await?
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS bench_raw (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, payload jsonb NOT NULL)",
        )
        .await?;
    let start = Instant::now();
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move {
                let client = pool.get().await?;
                let stmt = client
                    .prepare_cached("INSERT INTO bench_raw (payload) VALUES ($1)")
                    .await?;
                let payload = serde_json::json!({"by": 1, "note": "after 0"});
                let mut n = 0u64;
                while start.elapsed() < window {
                    client.execute(&stmt, &[&payload]).await?;
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
    Ok(total as f64 / start.elapsed().as_secs_f64())
}
