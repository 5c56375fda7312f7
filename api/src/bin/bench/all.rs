//! `fundadmin-bench all`: the whole suite in one run. Runs `append`, `rest`, `report` and
//! `rebuild`, each in a process of its own (this binary again), shows each one's table as it
//! ends, then prints one table of the targets and one JSON document combining them.
//! `BENCH_SKIP` (comma separated: `append`, `rest`, `report`, `rebuild`) leaves parts out.

use anyhow::Context;
use serde_json::{json, Value};

/// The parts, in the order they run.
const PARTS: [&str; 4] = ["append", "rest", "report", "rebuild"];

/// Runs the suite.
pub async fn run() -> anyhow::Result<()> {
    let skip = crate::env("BENCH_SKIP", "");
    let skip: Vec<&str> = skip.split(',').map(str::trim).collect();
    let start = std::time::Instant::now();
    let mut results = serde_json::Map::new();
    for part in PARTS.iter().filter(|p| !skip.contains(p)) {
        eprintln!("== {part}");
        let output = std::process::Command::new(std::env::current_exe()?)
            .arg(part)
            .stderr(std::process::Stdio::inherit())
            .output()
            .with_context(|| format!("running {part}"))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let (table, json) = split_json(&stdout);
        println!("== {part}\n{table}");
        if !output.status.success() {
            anyhow::bail!("{part} failed: {}", output.status);
        }
        results.insert((*part).to_owned(), json.unwrap_or(Value::Null));
    }
    let targets = targets(&results);
    println!("== targets (2-core machine, PostgreSQL and NATS on the same box)");
    println!(
        "{:<46} {:>12} {:>12} {:>5}",
        "measure", "value", "target", "met"
    );
    for t in &targets {
        let value = t["value"]
            .as_f64()
            .map_or("-".into(), |v| format!("{v:.2}"));
        let met = match t["met"].as_bool() {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "-",
        };
        let target = t["target"].as_str().unwrap_or("");
        println!(
            "{:<46} {value:>12} {target:>12} {met:>5}",
            t["measure"].as_str().unwrap_or("")
        );
    }
    let mut all = json!({
        "benchmark": "all",
        "machine": crate::machine(),
        "load_average_end": super::procfs::load_average(),
        "total_seconds": start.elapsed().as_secs_f64(),
        "targets": targets,
    });
    for (k, v) in results {
        all[k] = v;
    }
    println!("{all}");
    Ok(())
}

/// A part's output: its table, and its JSON (the last line that parses as an object).
fn split_json(stdout: &str) -> (String, Option<Value>) {
    let mut lines: Vec<&str> = stdout.lines().collect();
    let json = lines
        .iter()
        .rposition(|l| l.starts_with('{'))
        .and_then(|i| serde_json::from_str::<Value>(lines.remove(i)).ok());
    (lines.join("\n"), json)
}

/// The targets against what was measured (`met` null when the part was skipped).
fn targets(r: &serde_json::Map<String, Value>) -> Vec<Value> {
    let rest = r.get("rest");
    let top = rest.and_then(|v| {
        v["levels"]
            .as_array()
            .and_then(|l| l.iter().max_by_key(|l| l["clients"].as_u64().unwrap_or(0)))
    });
    let clients = top.and_then(|l| l["clients"].as_u64()).unwrap_or(64);
    let f = |v: Option<&Value>| v.and_then(Value::as_f64);
    let rate = f(top.map(|l| &l["commands_per_s"]));
    let row = |measure: String, value: Option<f64>, target: &str, ok: fn(f64) -> bool| json!({ "measure": measure, "value": value, "target": target, "met": value.map(ok) });
    vec![
        row(
            format!("REST commands/s at {clients} clients"),
            rate,
            "≥ 10000",
            |v| v >= 10_000.0,
        ),
        row(
            "REST / raw single-row INSERT tx/s (same run)".into(),
            f(rest.map(|v| &v["ratio_rest_to_raw"])),
            "≥ 1.5",
            |v| v >= 1.5,
        ),
        row(
            format!("REST p99 ms at {clients} clients"),
            f(top.map(|l| &l["latency_ms"]["p99"])),
            "≤ 50",
            |v| v <= 50.0,
        ),
        row(
            format!("projection lag p99 ms at {clients} clients"),
            f(top.map(|l| &l["projection_lag_ms"]["p99"])),
            "≤ 100",
            |v| v <= 100.0,
        ),
        row(
            "rebuild of the projects read model, events/s".into(),
            // The rebuild part's (50,000 events a fund); without it the rest part's.
            f(r.get("rebuild")
                .map(|v| &v["measures"]["projects"]["events_per_s"]))
            .or(f(rest.map(|v| &v["rebuild"]["projects"]["events_per_s"]))),
            "≥ 100000",
            |v| v >= 100_000.0,
        ),
        row(
            "API peak RSS MB".into(),
            f(rest.map(|v| &v["api_rss_kib"]["peak"])).map(|k| k / 1024.0),
            "≤ 150",
            |v| v <= 150.0,
        ),
        row(
            "annual report, end to end median ms".into(),
            f(r.get("report").map(|v| &v["generate_ms"]["median"])),
            "≤ 500",
            |v| v <= 500.0,
        ),
    ]
}
