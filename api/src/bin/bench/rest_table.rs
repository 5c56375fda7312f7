//! The table and the JSON of `fundadmin-bench rest`.

use super::procfs;
use serde_json::json;

/// The results of one level of concurrency.
pub struct Level {
    pub clients: usize,
    pub commands: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    pub rate: f64,
    pub latency_ms: [f64; 4],
    pub lag_ms: Vec<f64>,
    pub drain_ms: f64,
    pub cpu: (f64, f64, f64, f64),
    pub events_per_tx: f64,
    pub xacts_per_command: f64,
}

#[expect(
    clippy::too_many_arguments,
    reason = "one printing step of one benchmark"
)]
pub fn print(
    raw: f64,
    runs: &[Level],
    (rss_seeded, rss_peak): (u64, u64),
    rebuilds: &[(String, u64, f64)],
    events: i64,
    funds: usize,
    seconds: u64,
    load_start: &str,
) {
    let machine = crate::machine();
    let load_end = procfs::load_average();
    println!("machine: {machine}; load average {load_start} at the start, {load_end} at the end");
    println!(
        "REST: POST …/projects/{{id}}/reports on {funds} funds, {seconds} s per level; \
         fundadmin serve with its workers; CPU % of one core over the window"
    );
    println!(
        "{:>7} {:>9} {:>7} {:>7} {:>7} {:>7} {:>8} {:>8} {:>6} {:>9} {:>9} {:>6} {:>6} {:>6} {:>6} {:>7}",
        "clients",
        "cmds/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
        "lag p50",
        "lag p99",
        "errors",
        "events/tx",
        "PG tx/cmd",
        "API%",
        "PG%",
        "bench%",
        "busy%",
        "API µs"
    );
    for l in runs {
        let window = seconds as f64;
        let (api, pg, client, busy) = l.cpu;
        println!(
            "{:>7} {:>9.0} {:>7.2} {:>7.2} {:>7.2} {:>7.1} {:>8.1} {:>8.1} {:>6} {:>9.2} {:>9.2} {:>6.0} {:>6.0} {:>6.0} {:>6.0} {:>7.0}",
            l.clients, l.rate, l.latency_ms[0], l.latency_ms[1], l.latency_ms[2],
            l.latency_ms[3], lag(l, 0.5), lag(l, 0.99), l.errors, l.events_per_tx,
            l.xacts_per_command,
            api / window * 100.0, pg / window * 100.0, client / window * 100.0, busy * 100.0,
            api * 1e6 / l.commands.max(1) as f64
        );
    }
    let top = runs.iter().max_by_key(|l| l.clients);
    let top_rate = top.map_or(0.0, |l| l.rate);
    println!(
        "{:<60} {:>12.0}",
        "raw INSERT transactions/s, 32 connections", raw
    );
    println!(
        "{:<60} {:>12.2}",
        "ratio REST (most clients) / raw",
        top_rate / raw
    );
    for (name, n, s) in rebuilds {
        let what = format!("rebuild {name}: {n} applied ({events} in the log), events/s");
        println!("{what:<60} {:>12.0}", *n as f64 / s.max(1e-9));
    }
    println!("{:<60} {:>12}", "API RSS after seeding (KiB)", rss_seeded);
    println!("{:<60} {:>12}", "API peak RSS (KiB)", rss_peak);
    for l in runs.iter().filter(|l| l.first_error.is_some()) {
        println!(
            "first error at {} clients: {}",
            l.clients,
            l.first_error.as_deref().unwrap_or("")
        );
    }
    let levels: Vec<_> = runs
        .iter()
        .map(|l| {
            json!({ "clients": l.clients, "commands": l.commands, "errors": l.errors,
                "commands_per_s": l.rate,
                "latency_ms": { "p50": l.latency_ms[0], "p95": l.latency_ms[1],
                                "p99": l.latency_ms[2], "max": l.latency_ms[3] },
                "projection_lag_ms": { "samples": l.lag_ms.len(), "p50": lag(l, 0.5),
                                       "p99": lag(l, 0.99), "max": lag(l, 1.0) },
                "projection_drain_after_window_ms": l.drain_ms,
                "events_per_transaction": l.events_per_tx,
                "postgres_transactions_per_command": l.xacts_per_command,
                "cpu_s": { "api": l.cpu.0, "postgres_all": l.cpu.1, "bench_client": l.cpu.2 },
                "machine_busy_share": l.cpu.3,
                "api_cpu_us_per_command": l.cpu.0 * 1e6 / l.commands.max(1) as f64,
                "first_error": l.first_error })
        })
        .collect();
    let rebuild: serde_json::Map<_, _> = rebuilds
        .iter()
        .map(|(name, n, s)| {
            let v = json!({ "applied": n, "seconds": s, "events_per_s": *n as f64 / s.max(1e-9) });
            (name.clone(), v)
        })
        .collect();
    let json = json!({
        "benchmark": "rest", "machine": machine, "load_average_start": load_start,
        "load_average_end": load_end, "window_seconds": seconds, "funds": funds,
        "command": "POST /funds/{fund_id}/projects/{project_id}/reports",
        "levels": levels, "raw_insert_tx_per_s_32": raw,
        "ratio_rest_to_raw": top_rate / raw, "events": events, "rebuild": rebuild,
        "api_rss_kib": { "after_seeding": rss_seeded, "peak": rss_peak },
    });
    println!("{json}");
}

/// A lag percentile in ms (nearest rank), 0 without samples.
fn lag(l: &Level, p: f64) -> f64 {
    if l.lag_ms.is_empty() {
        return 0.0;
    }
    let rank = (p * l.lag_ms.len() as f64).ceil() as usize;
    l.lag_ms[rank.clamp(1, l.lag_ms.len()) - 1]
}
