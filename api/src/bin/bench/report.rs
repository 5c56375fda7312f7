//! `fundadmin-bench report`: the time to generate one annual report of a large fund, and of
//! 100 in a row, with the peak memory (target: one report ≤ 500 ms).
//!
//! # The synthetic fund
//! Built in memory through the real aggregates: every event comes from `decide` on the state
//! folded from the events before it (fund, committee, projects, resolutions, exemption cases),
//! in date order, then appended to the scratch database through [`EventStore::append`], many
//! streams per transaction. The history runs from 2019-12 to 2025-01 and is reported on for
//! 2024 (annual); see [`Synthetic::run`] for its contents. It is padded to exactly
//! [`TARGET_EVENTS`] events with the companies' monthly and quarterly post-investment
//! reports, thinned evenly.
//!
//! # The measures
//! `report` builds and seeds, then runs `report-measure` in a fresh process, so that the peak
//! memory (`VmHWM`) measured there is that of generating reports, not of building and seeding
//! (whose freed heap the allocator keeps). There: `generate` end to end (load, fold, bytes
//! and sha256) as median and p95 of `BENCH_REPORT_RUNS` runs (default 20) after a first call;
//! `BENCH_REPORT_IN_A_ROW` (default 100) `generate` calls in a row, cycling over the funds
//! seeded (`BENCH_REPORT_FUNDS`, default 1: then the same fund every time); `load` alone and
//! its parts (`generate::query`: snapshot, query and transfer; `generate::history`: rows into
//! domain events; freeing them; the server's execution time); the pure fold (`compute` on the loaded history) and the
//! serialization with its hash. The document is checked against the fold of the history as
//! built in memory (printed, not asserted).

use anyhow::{anyhow, Context};
use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use domain::committee::membership::{self, Committee, CommitteeCommand};
use domain::committee::{
    Attendee, Choice, Document, Mode, Resolution, ResolutionCommand, SeatHolder, Subject,
    SubjectKind,
};
use domain::eligibility::{ApplicationFacts, IpKind};
use domain::exemption::{CoveredPerson, ExemptionCase, ExemptionCommand, Role};
use domain::fund::capital::{Lp, LpKind};
use domain::fund::custody::MovementKind;
use domain::fund::phases;
use domain::fund::policy::{EligibilityPolicy, FundPolicy, InvestmentPolicy};
use domain::fund::{lifecycle, Fund, FundCommand, FundKind, FundTerms};
use domain::investment::{Instrument, Proposal, Shareholder};
use domain::project::{
    CompanyReport, DecisionFacts, DueDiligenceKind, FinancingRound, Project, ProjectCommand,
    ResearchOutcome, SupervisoryAction, Trigger,
};
use domain::report::{report_bytes, Period, PeriodKind};
use domain::{
    Aggregate, CallId, DistributionId, ExemptionCaseId, ExitId, FundId, LpId, MemberId, Money,
    MovementId, ObserverId, ProjectId, ResolutionId,
};
use eventstore::{EventStore, ExpectedVersion, Metadata, NewEvent, PgPool, StreamAppend};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use uuid::Uuid;
use workers::reports::generate::{self, FundHistory};

/// Events per synthetic fund.
const TARGET_EVENTS: usize = 50_000;
/// Investments per synthetic fund.
const INVESTMENTS: u64 = 500;
/// Applications that never became investments (rejected, withdrawn, failed, pending).
const OTHER_APPLICATIONS: u64 = 1_500;
/// The target of one report, in ms.
const TARGET_MS: f64 = 500.0;
/// Events per append (one transaction), at least one whole stream.
const EVENTS_PER_APPEND: usize = 5_000;

const INDUSTRIES: [&str; 4] = ["集成电路", "生物医药", "人工智能", "新材料"];
/// Commitments in yuan: above 3,000,000 the committee must meet on site.
const AMOUNTS: [i64; 6] = [
    1_200_000, 2_000_000, 2_500_000, 3_000_000, 4_000_000, 5_000_000,
];
const STAKES: [&str; 4] = ["0.10", "0.12", "0.15", "0.20"];

/// The annual period reported on.
fn period() -> Period {
    Period {
        kind: PeriodKind::Annual,
        year: 2024,
    }
}

/// What the seeding process hands to the measuring one (as JSON in [`SEEDED_VAR`]).
#[derive(serde::Serialize, serde::Deserialize)]
struct Seeded {
    fund_ids: Vec<FundId>,
    summary: String,
    events_per_fund: usize,
    build_s: f64,
    seed_s: f64,
    /// sha256 of the report folded from the in-memory history as built (first fund).
    built_sha256: String,
    rss_start_kib: u64,
    rss_peak_kib: u64,
}

/// The environment variable carrying [`Seeded`] to `fundadmin-bench report-measure`.
const SEEDED_VAR: &str = "FUNDADMIN_BENCH_REPORT_SEEDED";

/// `fundadmin-bench report`: builds and seeds the synthetic fund(s) into the freshly created
/// scratch database, then measures in a fresh process (`report-measure`), so that its peak
/// memory is that of generating reports, not of building and seeding.
pub async fn run(pool: &PgPool) -> anyhow::Result<()> {
    let funds: u32 = crate::env("BENCH_REPORT_FUNDS", "1")
        .parse()
        .context("BENCH_REPORT_FUNDS")?;
    let rss_start_kib = memory("VmRSS");
    eprintln!(
        "step: build {} synthetic fund(s) through the domain commands",
        funds.max(1)
    );
    // One fund at a time: built, seeded, dropped.
    let (mut build_s, mut seed_s) = (0.0, 0.0);
    let mut fund_ids = Vec::new();
    let mut first = None;
    for copy in 0..funds.max(1) {
        let start = Instant::now();
        let built = Synthetic::build(copy)?;
        build_s += start.elapsed().as_secs_f64();
        eprintln!("step: seed fund {copy}");
        let start = Instant::now();
        let stored = seed(pool, &built).await?;
        seed_s += start.elapsed().as_secs_f64();
        if first.is_none() {
            let sha = generate::sha256_hex(&report_bytes(&generate::compute(
                &built.history(),
                &period(),
            )?));
            first = Some((built.summary(), stored, sha));
        }
        fund_ids.push(built.fund_id);
    }
    let start = Instant::now();
    pool.get()
        .await?
        .batch_execute("ANALYZE streams; ANALYZE events")
        .await?;
    seed_s += start.elapsed().as_secs_f64();
    let (summary, events_per_fund, built_sha256) = first.context("no fund built")?;
    let seeded = Seeded {
        fund_ids,
        summary,
        events_per_fund,
        build_s,
        seed_s,
        built_sha256,
        rss_start_kib,
        rss_peak_kib: memory("VmHWM"),
    };
    let status = std::process::Command::new(std::env::current_exe()?)
        .arg("report-measure")
        .env(SEEDED_VAR, serde_json::to_string(&seeded)?)
        .status()?;
    if !status.success() {
        anyhow::bail!("report-measure failed: {status}");
    }
    Ok(())
}

/// `fundadmin-bench report-measure`: the measures on the funds `report` seeded.
pub async fn measure(pool: &PgPool) -> anyhow::Result<()> {
    let seeded: Seeded = serde_json::from_str(
        &std::env::var(SEEDED_VAR).context("run by `fundadmin-bench report` only")?,
    )?;
    let runs: usize = crate::env("BENCH_REPORT_RUNS", "20")
        .parse()
        .context("BENCH_REPORT_RUNS")?;
    let in_a_row: usize = crate::env("BENCH_REPORT_IN_A_ROW", "100")
        .parse()
        .context("BENCH_REPORT_IN_A_ROW")?;
    let runs = runs.max(1);
    let machine = crate::machine();
    let rss_before_runs = memory("VmRSS");
    let period = period();
    let fund_ids = &seeded.fund_ids;
    let fund = *fund_ids.first().context("no fund seeded")?;

    eprintln!("step: generate");
    let t = Instant::now();
    let mut generated = generate::generate(pool, fund, &period, None).await?;
    let cold_ms = ms(t.elapsed());
    let mut end_to_end = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        generated = generate::generate(pool, fund, &period, None).await?;
        end_to_end.push(t.elapsed());
    }
    eprintln!("step: {in_a_row} in a row");
    let t = Instant::now();
    let mut row_bytes = 0;
    for i in 0..in_a_row {
        let g = generate::generate(pool, fund_ids[i % fund_ids.len()], &period, None).await?;
        row_bytes += g.bytes.len();
    }
    let row = t.elapsed();
    let peak_generating = memory("VmHWM");

    eprintln!("step: load, and its parts");
    let mut load = Vec::new();
    let mut history = FundHistory::default();
    for _ in 0..runs {
        let t = Instant::now();
        history = generate::load(pool, fund, None).await?;
        load.push(t.elapsed());
    }
    let (mut query, mut decode, mut free) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let [q, d, f] = load_parts(pool, fund).await?;
        query.push(q);
        decode.push(d);
        free.push(f);
    }
    let (server_ms, spilled) = server_time(pool, fund).await?;

    eprintln!("step: pure fold");
    let mut fold = Vec::new();
    let mut folded = generate::compute(&history, &period)?;
    for _ in 0..runs {
        let t = Instant::now();
        folded = generate::compute(&history, &period)?;
        fold.push(t.elapsed());
    }
    let mut serialize = Vec::new();
    let mut bytes = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        bytes = report_bytes(&folded);
        let hash = generate::sha256_hex(&bytes);
        serialize.push(t.elapsed());
        std::hint::black_box(hash);
    }
    let folded_sha = generate::sha256_hex(&bytes);
    let peak_all = memory("VmHWM");
    let rss_end = memory("VmRSS");

    let (fold_med, fold_p95) = stats(&fold);
    let (ser_med, ser_p95) = stats(&serialize);
    let (load_med, load_p95) = stats(&load);
    let (e2e_med, e2e_p95) = stats(&end_to_end);
    let (query_med, query_p95) = stats(&query);
    let (decode_med, decode_p95) = stats(&decode);
    let (free_med, free_p95) = stats(&free);
    let row_s = row.as_secs_f64();
    let per_report = row_s * 1000.0 / in_a_row.max(1) as f64;
    let same = generated.sha256 == seeded.built_sha256 && folded_sha == seeded.built_sha256;
    let same_fund = fund_ids.len() == 1;
    let loaded_events = history.events;
    let events = seeded.events_per_fund;
    let (build_s, seed_s, summary) = (seeded.build_s, seeded.seed_s, &seeded.summary);
    let funds = fund_ids.len();
    let (rss_start, peak_seeding) = (seeded.rss_start_kib, seeded.rss_peak_kib);
    let load_avg = super::procfs::load_average();

    println!("machine: {machine}; load average {load_avg} at the end");
    println!("synthetic fund ({events} events per fund, {funds} fund(s) seeded): {summary}");
    println!(
        "built in {build_s:.1} s, seeded in {seed_s:.1} s (not measured); {runs} runs per measure"
    );
    println!("{:<48} {:>10} {:>10}", "measure", "median ms", "p95 ms");
    let line = |name: &str, med: f64, p95: f64| println!("{name:<48} {med:>10.1} {p95:>10.1}");
    line(
        "end to end (generate: load+fold+bytes+hash)",
        e2e_med,
        e2e_p95,
    );
    line(
        &format!("load ({loaded_events} events: SQL + decode)"),
        load_med,
        load_p95,
    );
    line("  load: snapshot + query + transfer", query_med, query_p95);
    line("  load: rows → domain events", decode_med, decode_p95);
    line("  load: freeing rows and history", free_med, free_p95);
    println!(
        "{:<48} {:>10.1}{}",
        "  load query, server execution (EXPLAIN ANALYZE)",
        server_ms,
        if spilled {
            "  (sort spilled to disk)"
        } else {
            ""
        }
    );
    line("pure fold (compute, in memory)", fold_med, fold_p95);
    line("serialize + sha256 (report_bytes)", ser_med, ser_p95);
    println!(
        "{:<48} {:>10.1}",
        "first generate after seeding (ms)", cold_ms
    );
    let row_what = if same_fund {
        format!("{in_a_row} in a row, same fund (total s)")
    } else {
        format!("{in_a_row} in a row over {funds} funds (total s)")
    };
    println!("{row_what:<48} {row_s:>10.2}");
    println!("{:<48} {:>10.1}", "  per report (ms)", per_report);
    println!("{:<48} {:>10}", "document bytes", generated.bytes.len());
    println!(
        "{:<48} {:>10}",
        "document equals the fold of the built history",
        if same { "yes" } else { "NO" }
    );
    let kib = |name: &str, v: u64| println!("{name:<48} {v:>10}");
    kib("RSS before building and seeding (KiB)", rss_start);
    kib("peak RSS building + seeding (KiB, seeder)", peak_seeding);
    kib(
        "RSS of the measuring process at start (KiB)",
        rss_before_runs,
    );
    kib("peak RSS generating reports (KiB)", peak_generating);
    kib("peak RSS after load + fold runs (KiB)", peak_all);
    println!(
        "{:<48} {:>10}",
        format!("one report ≤ {TARGET_MS} ms (end to end median)"),
        if e2e_med <= TARGET_MS { "yes" } else { "no" }
    );
    let json = serde_json::json!({
        "benchmark": "report",
        "machine": machine,
        "load_average_end": load_avg,
        "period": "2024 annual",
        "funds_seeded": funds,
        "events_per_fund": events,
        "events_loaded": loaded_events,
        "synthetic_fund": summary,
        "build_s": build_s,
        "seed_s": seed_s,
        "runs": runs,
        "generate_ms": { "median": e2e_med, "p95": e2e_p95, "first_after_seeding": cold_ms },
        "load_ms": { "median": load_med, "p95": load_p95 },
        "load_parts_ms": {
            "query_transfer": { "median": query_med, "p95": query_p95 },
            "decode_domain_events": { "median": decode_med, "p95": decode_p95 },
            "free_rows_and_history": { "median": free_med, "p95": free_p95 },
            "server_execution": server_ms,
            "sort_spilled_to_disk": spilled,
        },
        "fold_ms": { "median": fold_med, "p95": fold_p95 },
        "serialize_hash_ms": { "median": ser_med, "p95": ser_p95 },
        "in_a_row": {
            "reports": in_a_row,
            "funds": funds,
            "same_fund": same_fund,
            "total_s": row_s,
            "per_report_ms": per_report,
            "bytes": row_bytes,
        },
        "document_bytes": generated.bytes.len(),
        "document_equals_built_fold": same,
        "rss_kib": {
            "seeder_start": rss_start,
            "seeder_peak": peak_seeding,
            "measurer_start": rss_before_runs,
            "peak_generating": peak_generating,
            "peak_after_load_and_fold_runs": peak_all,
            "measurer_end": rss_end,
        },
        "target_ms": TARGET_MS,
        "within_target": e2e_med <= TARGET_MS,
    });
    println!("{json}");
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median and p95 (nearest rank) in ms.
fn stats(samples: &[Duration]) -> (f64, f64) {
    let mut v: Vec<f64> = samples.iter().map(|d| ms(*d)).collect();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return (0.0, 0.0);
    }
    let rank = |q: f64| v[((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
    let median = if v.len() % 2 == 0 {
        (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0
    } else {
        v[v.len() / 2]
    };
    (median, rank(0.95))
}

/// A line of this process's `/proc/self/status` in KiB (`VmRSS`, `VmHWM`), 0 if unreadable.
fn memory(field: &str) -> u64 {
    super::procfs::memory_kib(std::process::id(), field)
}

/// `generate::load`'s two halves timed apart: `generate::query` (the snapshot, the query,
/// the transfer) and `generate::history` (the rows decoded into domain events), then freeing
/// the rows and the history.
async fn load_parts(pool: &PgPool, fund: FundId) -> anyhow::Result<[Duration; 3]> {
    let t = Instant::now();
    let (snapshot, cut, rows) = generate::query(pool, fund, None).await?;
    let query = t.elapsed();
    let t = Instant::now();
    let history = generate::history(snapshot, cut, &rows)?;
    let decode = t.elapsed();
    let t = Instant::now();
    drop(history);
    drop(rows);
    Ok([query, decode, t.elapsed()])
}

/// The server's execution time of the load query (`EXPLAIN ANALYZE`), in ms, and whether
/// its sort spilled to disk.
async fn server_time(pool: &PgPool, fund: FundId) -> anyhow::Result<(f64, bool)> {
    let client = pool.get().await?;
    let types: Vec<String> = generate::STREAM_TYPES.map(String::from).to_vec();
    let snapshot: String = client
        .query_one("SELECT pg_current_snapshot()::text", &[])
        .await?
        .get(0);
    let rows = client
        .query(
            &format!("EXPLAIN (ANALYZE, FORMAT JSON) {}", generate::LOAD_QUERY),
            &[&fund.to_string(), &types, &snapshot],
        )
        .await?;
    let plan: serde_json::Value = rows.first().context("no plan")?.get(0);
    let ms = plan[0]["Execution Time"].as_f64().unwrap_or(0.0);
    Ok((ms, plan.to_string().contains("\"Disk\"")))
}

/// Appends every stream of `s`, [`EVENTS_PER_APPEND`] events or so per transaction; returns
/// the number of events written.
async fn seed(pool: &PgPool, s: &Synthetic) -> anyhow::Result<usize> {
    let store = EventStore::new(pool.clone());
    let metadata = Metadata::new("bench", "admin");
    let mut appends = vec![stream_append(&s.fund_id.stream_id(), &s.fund, &metadata)];
    appends.push(stream_append(
        &membership::stream_id(s.fund_id),
        &s.committee,
        &metadata,
    ));
    for (id, stream) in &s.projects {
        appends.push(stream_append(&id.stream_id(), stream, &metadata));
    }
    for (id, stream) in &s.resolutions {
        appends.push(stream_append(&id.stream_id(), stream, &metadata));
    }
    for (id, stream) in &s.cases {
        appends.push(stream_append(&id.stream_id(), stream, &metadata));
    }
    let total = appends.iter().map(|a| a.events.len()).sum();
    let mut batch = Vec::new();
    let mut events = 0;
    for append in appends {
        events += append.events.len();
        batch.push(append);
        if events >= EVENTS_PER_APPEND {
            store
                .append(&batch, None)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            batch.clear();
            events = 0;
        }
    }
    if !batch.is_empty() {
        store
            .append(&batch, None)
            .await
            .map_err(|e| anyhow!("{e}"))?;
    }
    Ok(total)
}

fn stream_append<A: Aggregate>(id: &str, s: &Stream<A>, metadata: &Metadata) -> StreamAppend {
    StreamAppend {
        stream_id: id.to_owned(),
        stream_type: A::STREAM_TYPE.to_owned(),
        expected: ExpectedVersion::NoStream,
        known_head: None,
        events: s
            .events
            .iter()
            .map(|e| NewEvent::from_domain(e, metadata))
            .collect(),
    }
}

/// One aggregate's events and the state folded from them.
pub(crate) struct Stream<A: Aggregate> {
    state: A,
    pub(crate) events: Vec<A::Event>,
}

impl<A: Aggregate> Default for Stream<A> {
    fn default() -> Self {
        Stream {
            state: A::default(),
            events: Vec::new(),
        }
    }
}

impl<A: Aggregate> Stream<A>
where
    A::Command: std::fmt::Debug,
{
    /// Decides `command` on the state and folds its events; a refusal is an error.
    fn run(&mut self, command: &A::Command) -> anyhow::Result<()> {
        let events = self
            .state
            .decide(command)
            .map_err(|e| anyhow!("{} refused {command:?}: {e}", A::STREAM_TYPE))?;
        for event in &events {
            self.state.evolve(event);
        }
        self.events.extend(events);
        Ok(())
    }
}

/// A step of the script, run on its day.
type Step = Box<dyn FnOnce(&mut Synthetic) -> anyhow::Result<()>>;

/// The steps of the history, run in order of day, then of scheduling.
#[derive(Default)]
struct Script {
    steps: Vec<(NaiveDate, usize, Step)>,
    /// Post-investment reports offered as padding.
    candidates: u64,
    /// Resolutions opened.
    resolutions: u64,
}

impl Script {
    fn at(
        &mut self,
        day: NaiveDate,
        step: impl FnOnce(&mut Synthetic) -> anyhow::Result<()> + 'static,
    ) {
        let seq = self.steps.len();
        self.steps.push((day, seq, Box::new(step)));
    }

    fn resolution(&mut self, copy: u32) -> ResolutionId {
        self.resolutions += 1;
        ResolutionId(id(copy, Kind::Resolution, self.resolutions))
    }

    /// The next padding report's number.
    fn candidate(&mut self) -> u64 {
        self.candidates += 1;
        self.candidates - 1
    }
}

/// What an id names (its bits 64..80).
#[derive(Clone, Copy)]
enum Kind {
    Fund = 1,
    Project,
    Resolution,
    Case,
    Lp,
    Call,
    Movement,
    Exit,
    Distribution,
    Member,
    Observer,
    Staff,
}

/// A fixed id: `copy` (the fund copy), `kind` and a number.
fn id(copy: u32, kind: Kind, n: u64) -> Uuid {
    Uuid::from_u128(
        (0xBE7C_u128 << 112) | (u128::from(copy) << 80) | ((kind as u128) << 64) | u128::from(n),
    )
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap_or_default()
}

fn plus(day: NaiveDate, n: i64) -> NaiveDate {
    day + TimeDelta::days(n)
}

fn yuan(y: i64) -> Money {
    Money::from_yuan(y)
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap_or_default()
}

/// 10:00 in Kunshan (02:00 UTC) on `day`, plus `minutes`.
fn at(day: NaiveDate, minutes: i64) -> DateTime<Utc> {
    day.and_hms_opt(2, 0, 0).unwrap_or_default().and_utc() + TimeDelta::minutes(minutes)
}

fn eligibility_policy() -> EligibilityPolicy {
    EligibilityPolicy {
        industries: INDUSTRIES.map(String::from).to_vec(),
        ..EligibilityPolicy::default()
    }
}

/// A Kunshan company in `industry` with `staff` people, a fifth in R&D, founded two years
/// before `applied`: eligible unless `staff` is above 200.
fn facts(industry: &str, staff: u32, applied: NaiveDate) -> ApplicationFacts {
    ApplicationFacts {
        registered_city: "昆山".into(),
        operating_city: "昆山".into(),
        independent_legal_person: true,
        industry: industry.into(),
        ip: vec![IpKind::Patent],
        business_model_company: false,
        alternative_qualifications: vec![],
        staff,
        rd_staff: staff / 5,
        clear_ownership: true,
        subsidiary_of_large_group: false,
        annual_revenue: yuan(3_500_000),
        net_assets: yuan(8_000_000),
        rd_spending: yuan(1_200_000),
        founded_on: plus(applied, -730),
        talent_programme: None,
    }
}

fn proposal(amount: Money, industry: &str, stake: &str) -> Proposal {
    let founder = dec("0.55");
    let other = Decimal::ONE - dec(stake) - founder;
    let row = |name: &str, stake: Decimal, is_fund: bool| Shareholder {
        name: name.into(),
        stake,
        is_fund,
    };
    Proposal {
        amount,
        higher_approval_ref: None,
        post_money_cap_table: vec![
            row("昆山市天使投资基金(基准)", dec(stake), true),
            row("创始人", founder, false),
            row("昆山创业投资有限公司", other, false),
        ],
        instrument: Instrument::Equity,
        industry: industry.into(),
    }
}

/// A benign monthly report (no trigger): `n` varies the figures.
fn company_report(period: String, n: u64, going_concern: bool) -> CompanyReport {
    let n = n as i64;
    let staff = 30 + (n % 60) as u32;
    CompanyReport {
        period,
        revenue: yuan(200_000 + (n * 7_919) % 900_000),
        net_assets: yuan(5_000_000 + (n * 104_729) % 9_000_000),
        staff,
        rd_staff: staff / 3,
        financing_rounds: vec![FinancingRound {
            closed_on: d("2019-06-01"),
            amount: yuan(1_000_000),
        }],
        raising_round: false,
        registered_city: "昆山".into(),
        going_concern,
    }
}

/// The month before `day`, as `YYYY-MM`.
fn previous_month(day: NaiveDate) -> String {
    let (y, m) = if day.month() == 1 {
        (day.year() - 1, 12)
    } else {
        (day.year(), day.month() - 1)
    };
    format!("{y}-{m:02}")
}

/// The 20th of each month after `from` until `until` (exclusive).
fn twentieths(from: NaiveDate, until: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let (mut y, mut m) = (from.year(), from.month());
    loop {
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        let Some(day) = NaiveDate::from_ymd_opt(y, m, 20) else {
            break;
        };
        if day >= until {
            break;
        }
        out.push(day);
    }
    out
}

/// The quarterly statements due after `from` and before `until`: each quarter's, on the 25th
/// of the month after it (`YYYY-Qn`).
fn quarter_reports(from: NaiveDate, until: NaiveDate) -> Vec<(NaiveDate, String)> {
    let mut out = Vec::new();
    for year in from.year()..=until.year() {
        for q in 1..=4u32 {
            let (y, m) = if q == 4 {
                (year + 1, 1)
            } else {
                (year, 3 * q + 1)
            };
            let Some(day) = NaiveDate::from_ymd_opt(y, m, 25) else {
                continue;
            };
            if day > from && day < until {
                out.push((day, format!("{year}-Q{q}")));
            }
        }
    }
    out
}

/// Which padding reports are kept: of `offered`, `wanted` spread evenly.
#[derive(Clone, Copy)]
struct Padding {
    wanted: u64,
    offered: u64,
}

impl Padding {
    fn keeps(&self, n: u64) -> bool {
        self.offered > 0 && (n + 1) * self.wanted / self.offered > n * self.wanted / self.offered
    }
}

/// A synthetic fund's streams.
pub(crate) struct Synthetic {
    copy: u32,
    pub(crate) fund_id: FundId,
    pub(crate) fund: Stream<Fund>,
    pub(crate) committee: Stream<Committee>,
    pub(crate) projects: BTreeMap<ProjectId, Stream<Project>>,
    pub(crate) resolutions: BTreeMap<ResolutionId, Stream<Resolution>>,
    pub(crate) cases: BTreeMap<ExemptionCaseId, Stream<ExemptionCase>>,
    movements: u64,
    padding: Padding,
    investments: u64,
    exits: u64,
    write_offs: u64,
    reports: u64,
}

impl Synthetic {
    /// Builds copy `copy` of the synthetic fund, padded to [`TARGET_EVENTS`]: once without
    /// padding to count, then with it.
    pub(crate) fn build(copy: u32) -> anyhow::Result<Synthetic> {
        let bare = Synthetic::run(copy, None)?;
        let (base, offered) = (bare.event_count(), bare.padding.offered);
        let wanted = TARGET_EVENTS.saturating_sub(base) as u64;
        if wanted > offered {
            eprintln!("  only {offered} padding reports for {wanted} wanted: fewer events");
        }
        Synthetic::run(
            copy,
            Some(Padding {
                wanted: wanted.min(offered),
                offered,
            }),
        )
    }

    fn event_count(&self) -> usize {
        self.fund.events.len()
            + self.committee.events.len()
            + self
                .projects
                .values()
                .map(|s| s.events.len())
                .sum::<usize>()
            + self
                .resolutions
                .values()
                .map(|s| s.events.len())
                .sum::<usize>()
            + self.cases.values().map(|s| s.events.len()).sum::<usize>()
    }

    /// What the fund contains, in one line.
    fn summary(&self) -> String {
        format!(
            "{} investments ({} exits, {} write-offs), {} projects in all, {} resolutions, \
             {} exemption cases, {} LPs, {} calls, {} fund events, {} post-investment reports; \
             {} events",
            self.investments,
            self.exits,
            self.write_offs,
            self.projects.len(),
            self.resolutions.len(),
            self.cases.len(),
            self.fund.state.lps.len(),
            self.fund.state.calls.len(),
            self.fund.events.len(),
            self.reports,
            self.event_count()
        )
    }

    /// The history as `generate::load` would read it (streams in id order).
    fn history(&self) -> FundHistory {
        FundHistory {
            cut: 0,
            snapshot: String::new(),
            fund: self.fund.events.clone(),
            committee: self.committee.events.clone(),
            projects: self.projects.values().map(|s| s.events.clone()).collect(),
            resolutions: self
                .resolutions
                .values()
                .map(|s| s.events.clone())
                .collect(),
            exemptions: self.cases.values().map(|s| s.events.clone()).collect(),
            events: self.event_count(),
        }
    }

    /// Schedules the whole history and runs it in date order. Without `padding`, no padding
    /// report is kept (they are only counted).
    ///
    /// - **Fund**: angel fund of 3,000,000,000 established 2020-01-01, investment period 36
    ///   months (to 2022-12-31), then the exit period. Tranche 1 of 1.6bn (LPs 1–3) called at
    ///   once and paid on 2020-01-10; tranche 2 of 1.2bn from 2021-06-01 (LPs 1, 4, 5, 6),
    ///   six calls of 200M every six months from 2021-07-01, LP 6 paying one of them late in
    ///   two parts. Management fees assessed and paid each January for 2020–2024; phase
    ///   changes recorded on 2023-01-02; distributions of 40M (2023-12) and 100M (2024-12).
    /// - **Committee**: five seats and three observers from 2019-12-20; seat 3 re-appointed
    ///   on 2022-06-01.
    /// - **500 investments**, one every two days from 2020-02-01: application, qualification
    ///   review, research (shortlisted), establishment, four due-diligence reports, proposal
    ///   (1.2M to 5M, 10–20 %), resolution (written with 4 approvals, some with a rejection
    ///   first; on site with convening, five attendances, an abstention and 4 approvals above
    ///   3M), decision, agreement (registered capital 10× the commitment), four paid-in
    ///   reports (25 % steps, quarterly), each followed by the injection it requires
    ///   (`InstructInjection` + custodian confirmation).
    /// - **Exits**: 50 (every project ≡ 3 mod 10) in 2023–2024, a third-party-buyer trigger,
    ///   an exit resolution, the exit (half of them whole at 2× cost, half partial: half the
    ///   cost for 0.75× the commitment) and the proceeds collected.
    /// - **Write-offs**: 20 (every project ≡ 7 mod 25): a report showing the going concern
    ///   lost (trigger), a termination, a write-off resolution, the exit at zero proceeds, an
    ///   exemption case opened with two attestations.
    /// - **1,500 other applications** from 2020-01 to 2024-12: 30 % not eligible (250 staff),
    ///   20 % kept in follow-up then withdrawn, 20 % rejected in due diligence, 10 % still in
    ///   follow-up, 10 % proposed and failed at the committee (or rejected after the
    ///   investment period), 10 % awaiting review.
    /// - **Padding**: monthly reports and quarterly statements of the investments (from the
    ///   agreement to the whole exit, the write-off or 2024-12), kept evenly to reach the
    ///   target.
    fn run(copy: u32, padding: Option<Padding>) -> anyhow::Result<Synthetic> {
        let fund_id = FundId(id(copy, Kind::Fund, 1));
        let mut script = Script::default();
        schedule_fund(&mut script, copy, fund_id);
        for i in 0..INVESTMENTS {
            schedule_investment(&mut script, copy, i);
        }
        for j in 0..OTHER_APPLICATIONS {
            schedule_application(&mut script, copy, j);
        }
        let offered = script.candidates;
        let mut s = Synthetic {
            copy,
            fund_id,
            fund: Stream::default(),
            committee: Stream::default(),
            projects: BTreeMap::new(),
            resolutions: BTreeMap::new(),
            cases: BTreeMap::new(),
            movements: 0,
            padding: padding.unwrap_or(Padding { wanted: 0, offered }),
            investments: 0,
            exits: 0,
            write_offs: 0,
            reports: 0,
        };
        let mut steps = script.steps;
        steps.sort_by_key(|(day, seq, _)| (*day, *seq));
        for (day, _, step) in steps {
            step(&mut s).with_context(|| format!("on {day}"))?;
        }
        Ok(s)
    }

    fn lp(&self, n: u64) -> LpId {
        LpId(id(self.copy, Kind::Lp, n))
    }

    fn call(&self, n: u64) -> CallId {
        CallId(id(self.copy, Kind::Call, n))
    }

    fn member(&self, n: u64) -> MemberId {
        MemberId(id(self.copy, Kind::Member, n))
    }

    fn observer(&self, n: u64) -> ObserverId {
        ObserverId(id(self.copy, Kind::Observer, n))
    }

    fn movement(&mut self) -> MovementId {
        self.movements += 1;
        MovementId(id(self.copy, Kind::Movement, self.movements))
    }

    fn fund(&mut self, commands: impl IntoIterator<Item = FundCommand>) -> anyhow::Result<()> {
        for command in commands {
            self.fund.run(&command)?;
        }
        Ok(())
    }

    fn project(
        &mut self,
        p: ProjectId,
        commands: impl IntoIterator<Item = ProjectCommand>,
    ) -> anyhow::Result<()> {
        let stream = self.projects.entry(p).or_default();
        for command in commands {
            stream.run(&command)?;
        }
        Ok(())
    }

    /// A movement of `kind` paying `amount`, instructed and confirmed on `on`.
    fn pay(&mut self, kind: MovementKind, amount: Money, on: NaiveDate) -> anyhow::Result<()> {
        let movement_id = self.movement();
        self.fund([
            FundCommand::InstructMovement {
                movement_id,
                kind,
                amount,
                value_date: on,
            },
            FundCommand::ConfirmMovement {
                movement_id,
                executed_on: on,
            },
        ])
    }

    /// Pays what is left of the due of `kind` (nothing if nothing is).
    fn pay_due(&mut self, kind: MovementKind, on: NaiveDate) -> anyhow::Result<()> {
        let room = self
            .fund
            .state
            .custody
            .due(&kind)
            .map_or(Money::ZERO, |d| d.room());
        if room.is_positive() {
            self.pay(kind, room, on)?;
        }
        Ok(())
    }

    /// Every LP's allocation of call `n`, paid on `on`.
    fn lps_pay(&mut self, n: u64, on: NaiveDate) -> anyhow::Result<()> {
        let call_id = self.call(n);
        let lps: Vec<LpId> = self
            .fund
            .state
            .custody
            .call_payments
            .keys()
            .filter(|(c, _)| *c == call_id)
            .map(|(_, lp)| *lp)
            .collect();
        for lp in lps {
            self.pay_due(MovementKind::LpPayment { call_id, lp }, on)?;
        }
        Ok(())
    }

    fn seats(&self) -> Vec<SeatHolder> {
        FundPolicy::default()
            .committee
            .seats
            .into_iter()
            .zip(1..)
            .map(|(body, seat)| SeatHolder {
                seat,
                body,
                member: self.committee.state.seats.get(&seat).map(|a| a.member),
            })
            .collect()
    }

    /// Opens resolution `id` on `day` and casts `votes` (on site above the written-vote
    /// maximum: convened, every seat attends, the meeting opens, votes, closes).
    #[expect(
        clippy::too_many_arguments,
        reason = "one argument per field of the subject"
    )]
    fn ballot(
        &mut self,
        id: ResolutionId,
        kind: SubjectKind,
        title: String,
        reference: String,
        amount: Money,
        day: NaiveDate,
        votes: &[(u32, Choice)],
    ) -> anyhow::Result<()> {
        let policy = FundPolicy::default().committee;
        let mode = if amount > policy.written_vote_max {
            Mode::OnSite
        } else {
            Mode::Written
        };
        let mut r = Stream::<Resolution>::default();
        r.run(&ResolutionCommand::Open {
            resolution_id: id,
            fund_id: self.fund_id,
            subject: Subject {
                kind,
                title: title.clone(),
                reference,
            },
            amount,
            mode,
            deadline: at(day, 7 * 24 * 60),
            seats: self.seats(),
            observers: (1..=3).map(|n| self.observer(n)).collect(),
            quorum: policy.approvals_to_pass,
            written_vote_max: policy.written_vote_max,
            documents: vec![Document {
                title: format!("{title}建议书"),
                reference: format!("IC-{}", id.0.simple()),
            }],
            now: at(day, 0),
        })?;
        if mode == Mode::OnSite {
            r.run(&ResolutionCommand::Convene {
                meets_at: at(day, 30),
                place: "昆山市科创办会议室".into(),
                now: at(day, 1),
            })?;
            for seat in 1..=5 {
                r.run(&ResolutionCommand::RecordAttendance {
                    attendee: Attendee::Member { seat },
                    now: at(day, 30),
                })?;
            }
            r.run(&ResolutionCommand::OpenMeeting { now: at(day, 31) })?;
        }
        let votes: Vec<(u32, Choice)> = if mode == Mode::OnSite {
            vec![
                (3, Choice::Abstain),
                (1, Choice::Approve),
                (2, Choice::Approve),
                (4, Choice::Approve),
                (5, Choice::Approve),
            ]
        } else {
            votes.to_vec()
        };
        for ((seat, choice), minute) in votes.into_iter().zip(40..) {
            r.run(&ResolutionCommand::CastVote {
                seat,
                choice,
                reason: None,
                now: at(day, minute),
            })?;
        }
        if mode == Mode::OnSite {
            r.run(&ResolutionCommand::CloseMeeting { now: at(day, 90) })?;
        }
        self.resolutions.insert(id, r);
        Ok(())
    }

    /// Project `p` records the decision of resolution `r` as read from its stream.
    fn record_decision(
        &mut self,
        p: ProjectId,
        r: ResolutionId,
        on: NaiveDate,
    ) -> anyhow::Result<()> {
        let state = &self.resolutions.get(&r).context("no resolution")?.state;
        let opened = state.opened.clone().context("not opened")?;
        let command = ProjectCommand::RecordDecision {
            decision: DecisionFacts {
                resolution_id: r,
                fund: self.fund_id,
                kind: opened.subject.kind,
                reference: opened.subject.reference,
                amount: opened.amount,
                mode: opened.mode,
                status: state.status.context("no status")?,
            },
            written_vote_max: FundPolicy::default().committee.written_vote_max,
            on,
        };
        self.project(p, [command])
    }

    /// The fund injects into `p` what its last paid-in report requires, on `on`.
    fn inject(&mut self, p: ProjectId, on: NaiveDate) -> anyhow::Result<()> {
        let project = &self.projects.get(&p).context("no project")?.state;
        let agreement = project.agreement.as_ref().context("no agreement")?;
        let (required, commitment) = (project.required_cumulative, agreement.commitment);
        let instructed = self
            .fund
            .state
            .investments
            .get(&p)
            .map_or(Money::ZERO, |i| i.instructed);
        let amount = required - instructed;
        if !amount.is_positive() {
            return Ok(());
        }
        let movement_id = self.movement();
        self.fund([
            FundCommand::InstructInjection {
                movement_id,
                project_id: p,
                amount,
                value_date: on,
                required_cumulative: required,
                commitment,
            },
            FundCommand::ConfirmMovement {
                movement_id,
                executed_on: on,
            },
        ])
    }

    /// The fund's phase on `on`, from its schedule.
    fn phase(&self, on: NaiveDate) -> anyhow::Result<Option<phases::Phase>> {
        let spans = lifecycle::schedule(&self.fund.state).map_err(|e| anyhow!("{e}"))?;
        Ok(phases::phase_on(&spans, on))
    }

    /// Project `p` from its application on `applied` to its proposal 65 days later.
    fn until_proposal(
        &mut self,
        p: ProjectId,
        company: String,
        industry: &str,
        stake: &str,
        amount: Money,
        applied: NaiveDate,
    ) -> anyhow::Result<()> {
        let mut commands = vec![
            ProjectCommand::Apply {
                project_id: p,
                fund_id: self.fund_id,
                company: company.clone(),
                facts: facts(industry, 50, applied),
                applied_on: applied,
            },
            ProjectCommand::ReviewQualification {
                policy: eligibility_policy(),
                reviewed_on: plus(applied, 14),
            },
            ProjectCommand::CompleteResearch {
                outcome: ResearchOutcome::Shortlisted,
                note: "走访企业".into(),
                on: plus(applied, 30),
            },
            ProjectCommand::Establish {
                partner_opinion_ref: format!("工研院立项意见-{company}"),
                on: plus(applied, 45),
            },
        ];
        for (kind, n) in DueDiligenceKind::ALL.into_iter().zip(60..) {
            commands.push(ProjectCommand::RecordDueDiligence {
                kind,
                provider: "第三方机构".into(),
                document_ref: format!("DD-{company}-{kind:?}"),
                on: plus(applied, n),
            });
        }
        let on = plus(applied, 65);
        commands.push(ProjectCommand::Propose {
            proposal: proposal(amount, industry, stake),
            price: dec("1.50"),
            policy: InvestmentPolicy::default(),
            phase: self.phase(on)?,
            on,
        });
        self.project(p, commands)
    }

    /// Padding report `n` of `period`, kept or not.
    fn padding_report(
        &mut self,
        p: ProjectId,
        n: u64,
        on: NaiveDate,
        period: String,
    ) -> anyhow::Result<()> {
        if !self.padding.keeps(n) {
            return Ok(());
        }
        self.reports += 1;
        let report = company_report(period, n, true);
        self.project(p, [ProjectCommand::ReportPostInvestment { report, on }])
    }
}

fn identity(n: u64) -> Lp {
    let names = [
        "昆山市财政局",
        "昆山国创投资集团",
        "苏州科创天使合伙企业",
        "昆山高新集团",
        "昆山开发区投资公司",
        "花桥金融发展公司",
    ];
    Lp {
        name: names[(n as usize - 1) % names.len()].into(),
        kind: if n == 3 || n == 6 {
            LpKind::Other
        } else {
            LpKind::StateOwned
        },
    }
}

/// The fund, its committee, capital, fees, phase changes and distributions.
fn schedule_fund(script: &mut Script, copy: u32, fund_id: FundId) {
    script.at(d("2019-12-20"), move |s| {
        for seat in 1..=5u32 {
            s.committee.run(&CommitteeCommand::AppointMember {
                fund_id,
                seat_bodies: FundPolicy::default().committee.seats,
                seat,
                member: s.member(u64::from(seat)),
                name: format!("委员{seat}"),
                appointed_on: d("2019-12-20"),
            })?;
        }
        let bodies = FundPolicy::default().committee.observers;
        for (n, body) in (1..).zip(bodies) {
            s.committee.run(&CommitteeCommand::AppointObserver {
                fund_id,
                observer: s.observer(n),
                name: format!("观察员{n}"),
                body,
            })?;
        }
        Ok(())
    });
    script.at(d("2022-06-01"), move |s| {
        s.committee.run(&CommitteeCommand::AppointMember {
            fund_id,
            seat_bodies: FundPolicy::default().committee.seats,
            seat: 3,
            member: s.member(6),
            name: "委员6".into(),
            appointed_on: d("2022-06-01"),
        })
    });
    script.at(d("2020-01-01"), move |s| {
        let terms = FundTerms {
            name: format!("昆山市天使投资基金(基准{copy})"),
            kind: FundKind::Angel,
            total_size: yuan(3_000_000_000),
            establishment_date: d("2020-01-01"),
            manager: "昆山创业投资管理有限公司".into(),
            custodian: "中国工商银行昆山分行".into(),
            city: "昆山".into(),
            policy: Box::new(FundPolicy {
                investment_months: 36,
                eligibility: eligibility_policy(),
                ..FundPolicy::default()
            }),
        };
        let subscribe = |s: &Synthetic, tranche, n, amount| FundCommand::Subscribe {
            tranche,
            lp: s.lp(n),
            identity: identity(n),
            amount: yuan(amount),
        };
        let commands = [
            FundCommand::Establish { fund_id, terms },
            FundCommand::OpenTranche {
                number: 1,
                size: yuan(1_600_000_000),
                subscription_date: d("2020-01-01"),
            },
            subscribe(s, 1, 1, 800_000_000),
            subscribe(s, 1, 2, 500_000_000),
            subscribe(s, 1, 3, 300_000_000),
            FundCommand::CallCapital {
                call_id: s.call(1),
                tranches: vec![1],
                amount: yuan(1_600_000_000),
                called_on: d("2020-01-01"),
                due_on: d("2020-01-15"),
            },
        ];
        s.fund(commands)
    });
    script.at(d("2020-01-10"), |s| s.lps_pay(1, d("2020-01-10")));
    script.at(d("2021-06-01"), move |s| {
        let mut commands = vec![FundCommand::OpenTranche {
            number: 2,
            size: yuan(1_200_000_000),
            subscription_date: d("2021-06-01"),
        }];
        for (n, amount) in [
            (1, 400_000_000),
            (4, 400_000_000),
            (5, 200_000_000),
            (6, 200_000_000),
        ] {
            commands.push(FundCommand::Subscribe {
                tranche: 2,
                lp: s.lp(n),
                identity: identity(n),
                amount: yuan(amount),
            });
        }
        s.fund(commands)
    });
    let calls = [
        "2021-07-01",
        "2022-01-01",
        "2022-07-01",
        "2023-01-01",
        "2023-07-01",
        "2024-01-01",
    ];
    for (n, called) in (2..).zip(calls) {
        let called = d(called);
        script.at(called, move |s| {
            s.fund([FundCommand::CallCapital {
                call_id: s.call(n),
                tranches: vec![2],
                amount: yuan(200_000_000),
                called_on: called,
                due_on: plus(called, 30),
            }])
        });
        script.at(plus(called, 12), move |s| {
            let call_id = s.call(n);
            for lp in [1, 4, 5] {
                let lp = s.lp(lp);
                s.pay_due(MovementKind::LpPayment { call_id, lp }, plus(called, 12))?;
            }
            Ok(())
        });
        if n == 4 {
            // LP 6 pays this call late, in two parts.
            script.at(plus(called, 45), move |s| {
                let kind = MovementKind::LpPayment {
                    call_id: s.call(n),
                    lp: s.lp(6),
                };
                let room = s
                    .fund
                    .state
                    .custody
                    .due(&kind)
                    .map_or(Money::ZERO, |d| d.room());
                let half = Money::from_fen((room.fen() / 2) as i64);
                s.pay(kind, half, plus(called, 45))
            });
            script.at(plus(called, 75), move |s| s.lps_pay(n, plus(called, 75)));
        } else {
            script.at(plus(called, 20), move |s| s.lps_pay(n, plus(called, 20)));
        }
    }
    for year in 2020..=2024 {
        let assessed = NaiveDate::from_ymd_opt(year + 1, 1, 5).unwrap_or_default();
        script.at(assessed, move |s| {
            s.fund([FundCommand::AssessFee {
                year,
                today: assessed,
            }])
        });
        script.at(plus(assessed, 5), move |s| {
            s.pay_due(MovementKind::FeePayment { year }, plus(assessed, 5))
        });
    }
    script.at(d("2023-01-02"), |s| {
        s.fund([FundCommand::RecordPhaseChanges {
            today: d("2023-01-02"),
        }])
    });
    for (n, declared, amount) in [
        (1, "2023-12-15", 40_000_000),
        (2, "2024-12-10", 100_000_000),
    ] {
        let declared = d(declared);
        let distribution_id = DistributionId(id(copy, Kind::Distribution, n));
        script.at(declared, move |s| {
            s.fund([FundCommand::DeclareDistribution {
                distribution_id,
                amount: yuan(amount),
                declared_on: declared,
            }])
        });
        script.at(plus(declared, 5), move |s| {
            let lps: Vec<LpId> = s.fund.state.lps.keys().copied().collect();
            for lp in lps {
                let kind = MovementKind::Distribution {
                    distribution_id,
                    lp,
                };
                s.pay_due(kind, plus(declared, 5))?;
            }
            Ok(())
        });
    }
}

/// Investment `i`: from its application to its post-investment reports, and its exit or
/// write-off if it has one.
fn schedule_investment(script: &mut Script, copy: u32, i: u64) {
    let p = ProjectId(id(copy, Kind::Project, i + 1));
    let applied = plus(d("2020-02-01"), 2 * i as i64);
    let industry = INDUSTRIES[i as usize % INDUSTRIES.len()];
    let stake = STAKES[i as usize % STAKES.len()];
    let commitment = AMOUNTS[i as usize % AMOUNTS.len()];
    let amount = yuan(commitment);
    let company = format!("昆山基准企业{i:03}");
    let r = script.resolution(copy);
    {
        let company = company.clone();
        script.at(applied, move |s| {
            s.investments += 1;
            s.until_proposal(p, company, industry, stake, amount, applied)
        });
    }
    let votes: Vec<(u32, Choice)> = if i % 7 == 0 {
        vec![(5, Choice::Reject)]
    } else {
        vec![]
    }
    .into_iter()
    .chain([1, 2, 3, 4].map(|seat| (seat, Choice::Approve)))
    .collect();
    {
        let (title, reference) = (format!("{company}投资"), p.0.to_string());
        script.at(plus(applied, 70), move |s| {
            s.ballot(
                r,
                SubjectKind::Investment,
                title,
                reference,
                amount,
                plus(applied, 70),
                &votes,
            )
        });
    }
    script.at(plus(applied, 75), move |s| {
        s.record_decision(p, r, plus(applied, 75))
    });
    let signed = plus(applied, 85);
    let registered = yuan(commitment * 10);
    script.at(signed, move |s| {
        s.project(
            p,
            [ProjectCommand::SignAgreement {
                commitment: amount,
                registered_capital: registered,
                other_shareholders: vec!["创始人".into(), "昆山创业投资有限公司".into()],
                signed_on: signed,
            }],
        )
    });
    for k in 1..=4i64 {
        let reported = plus(applied, 100 + 90 * (k - 1));
        script.at(reported, move |s| {
            let paid_in = Money::from_fen((registered.fen() * i128::from(k) / 4) as i64);
            s.project(
                p,
                [ProjectCommand::ReportPaidIn {
                    paid_in,
                    on: reported,
                }],
            )
        });
        script.at(plus(reported, 10), move |s| s.inject(p, plus(reported, 10)));
    }
    let fully_paid = plus(applied, 100 + 270 + 10);
    // Reports stop at a whole exit or before a write-off.
    let mut reports_until = d("2025-01-01");
    if i % 10 == 3 {
        let k = i / 10;
        let on = plus(fully_paid, 60).max(plus(d("2023-03-01"), 12 * k as i64));
        let whole = k % 2 == 0;
        let (proceeds, released) = if whole {
            (yuan(commitment * 2), amount)
        } else {
            (yuan(commitment * 3 / 4), yuan(commitment / 2))
        };
        if whole {
            reports_until = on;
        }
        schedule_exit(script, copy, p, &company, on, proceeds, released);
    } else if i % 25 == 7 {
        let k = i / 25;
        let on = plus(fully_paid, 70).max(plus(d("2023-05-01"), 25 * k as i64));
        reports_until = plus(on, -40);
        schedule_write_off(script, copy, p, &company, on, amount, k);
    }
    for day in twentieths(signed, reports_until) {
        let n = script.candidate();
        script.at(day, move |s| {
            s.padding_report(p, n, day, previous_month(day))
        });
    }
    for (day, quarter) in quarter_reports(signed, reports_until) {
        let n = script.candidate();
        script.at(day, move |s| s.padding_report(p, n, day, quarter));
    }
}

/// An exit of `p` on `on`: the trigger, the resolution, the exit and its proceeds.
fn schedule_exit(
    script: &mut Script,
    copy: u32,
    p: ProjectId,
    company: &str,
    on: NaiveDate,
    proceeds: Money,
    released: Money,
) {
    let r = script.resolution(copy);
    script.at(plus(on, -30), move |s| {
        s.project(
            p,
            [ProjectCommand::RecordTrigger {
                trigger: Trigger::ThirdPartyBuyer,
                note: "第三方有意受让基金所持股权".into(),
                on: plus(on, -30),
            }],
        )
    });
    let title = format!("{company}退出");
    script.at(plus(on, -20), move |s| {
        let votes = [1, 2, 3, 4].map(|seat| (seat, Choice::Approve));
        s.ballot(
            r,
            SubjectKind::Exit,
            title,
            p.0.to_string(),
            proceeds,
            plus(on, -20),
            &votes,
        )
    });
    script.at(on, move |s| {
        s.exits += 1;
        let exit_id = ExitId(id(s.copy, Kind::Exit, s.exits + s.write_offs));
        s.fund([FundCommand::RecordExit {
            exit_id,
            project_id: p,
            proceeds,
            cost_released: released,
            on,
            resolution_id: r,
        }])?;
        s.pay_due(MovementKind::ExitProceeds { exit_id }, plus(on, 15))
    });
}

/// A write-off of `p` on `on`: the report showing the going concern lost, the termination,
/// the resolution, the exit at zero and exemption case `k`.
fn schedule_write_off(
    script: &mut Script,
    copy: u32,
    p: ProjectId,
    company: &str,
    on: NaiveDate,
    cost: Money,
    k: u64,
) {
    let r = script.resolution(copy);
    script.at(plus(on, -40), move |s| {
        let day = plus(on, -40);
        s.reports += 1;
        let report = company_report(previous_month(day), k, false);
        s.project(
            p,
            [ProjectCommand::ReportPostInvestment { report, on: day }],
        )
    });
    script.at(plus(on, -30), move |s| {
        s.project(
            p,
            [ProjectCommand::RecordSupervisoryAction {
                action: SupervisoryAction::Termination,
                reason: "企业停止经营".into(),
                on: plus(on, -30),
            }],
        )
    });
    let title = format!("{company}核销");
    script.at(plus(on, -20), move |s| {
        let votes = [1, 2, 3, 4].map(|seat| (seat, Choice::Approve));
        s.ballot(
            r,
            SubjectKind::Exit,
            title,
            p.0.to_string(),
            Money::ZERO,
            plus(on, -20),
            &votes,
        )
    });
    script.at(on, move |s| {
        s.write_offs += 1;
        let exit_id = ExitId(id(s.copy, Kind::Exit, s.exits + s.write_offs));
        s.fund([FundCommand::RecordExit {
            exit_id,
            project_id: p,
            proceeds: Money::ZERO,
            cost_released: cost,
            on,
            resolution_id: r,
        }])
    });
    let case = ExemptionCaseId(id(copy, Kind::Case, k + 1));
    let staff = id(copy, Kind::Staff, k + 1);
    script.at(plus(on, 30), move |s| {
        let covered = vec![
            CoveredPerson {
                person_id: staff,
                name: format!("项目经理{k}"),
                role: Role::ManagerStaff,
                part: "项目负责人,尽职调查".into(),
            },
            CoveredPerson {
                person_id: s.member(1).0,
                name: "委员1".into(),
                role: Role::CommitteeMember,
                part: "投资决策".into(),
            },
        ];
        let stream = s.cases.entry(case).or_default();
        stream.run(&ExemptionCommand::Open {
            case_id: case,
            fund_id: s.fund_id,
            project_id: p,
            loss: cost,
            covered,
            opened_on: plus(on, 30),
        })
    });
    for (days, person) in [(40, staff), (45, Uuid::nil())] {
        script.at(plus(on, days), move |s| {
            let person = if person.is_nil() {
                s.member(1).0
            } else {
                person
            };
            let stream = s.cases.entry(case).or_default();
            stream.run(&ExemptionCommand::Attest {
                person_id: person,
                no_personal_gain: true,
                no_violation_of_law: true,
                statement: "本人未谋取个人利益,未违反法律法规".into(),
                signed_on: plus(on, days),
            })
        });
    }
}

/// Application `j` that never becomes an investment.
fn schedule_application(script: &mut Script, copy: u32, j: u64) {
    let p = ProjectId(id(copy, Kind::Project, 10_000 + j));
    let applied = plus(d("2020-01-20"), (j * 1_780 / OTHER_APPLICATIONS) as i64);
    let industry = INDUSTRIES[j as usize % INDUSTRIES.len()];
    let company = format!("昆山申请企业{j:04}");
    let outcome = j % 10;
    let apply = move |staff| ProjectCommand::Apply {
        project_id: p,
        fund_id: FundId(id(copy, Kind::Fund, 1)),
        company: format!("昆山申请企业{j:04}"),
        facts: facts(industry, staff, applied),
        applied_on: applied,
    };
    let review = move |days| ProjectCommand::ReviewQualification {
        policy: eligibility_policy(),
        reviewed_on: plus(applied, days),
    };
    let research = move |outcome, days| ProjectCommand::CompleteResearch {
        outcome,
        note: "走访企业".into(),
        on: plus(applied, days),
    };
    match outcome {
        0..=2 => {
            script.at(applied, move |s| s.project(p, [apply(250)]));
            script.at(plus(applied, 10), move |s| s.project(p, [review(10)]));
        }
        3 | 4 | 7 => {
            script.at(applied, move |s| s.project(p, [apply(40)]));
            script.at(plus(applied, 10), move |s| s.project(p, [review(10)]));
            script.at(plus(applied, 25), move |s| {
                s.project(p, [research(ResearchOutcome::FollowUp, 25)])
            });
            if outcome != 7 {
                script.at(plus(applied, 60), move |s| {
                    s.project(
                        p,
                        [ProjectCommand::Withdraw {
                            reason: "企业撤回申请".into(),
                            on: plus(applied, 60),
                        }],
                    )
                });
            }
        }
        5 | 6 => {
            script.at(applied, move |s| s.project(p, [apply(40)]));
            script.at(plus(applied, 10), move |s| s.project(p, [review(10)]));
            script.at(plus(applied, 25), move |s| {
                let commands = [
                    research(ResearchOutcome::Shortlisted, 25),
                    ProjectCommand::Establish {
                        partner_opinion_ref: format!("工研院立项意见-申请{j}"),
                        on: plus(applied, 40),
                    },
                ];
                s.project(p, commands)
            });
            script.at(plus(applied, 55), move |s| {
                let commands = DueDiligenceKind::ALL[..2]
                    .iter()
                    .zip(55..)
                    .map(|(kind, n)| ProjectCommand::RecordDueDiligence {
                        kind: *kind,
                        provider: "第三方机构".into(),
                        document_ref: format!("DD-申请{j}-{kind:?}"),
                        on: plus(applied, n),
                    });
                s.project(p, commands.collect::<Vec<_>>())
            });
            script.at(plus(applied, 70), move |s| {
                s.project(
                    p,
                    [ProjectCommand::Reject {
                        reason: "尽职调查未通过".into(),
                        on: plus(applied, 70),
                    }],
                )
            });
        }
        8 if plus(applied, 75) <= d("2022-12-31") => {
            let amount = yuan(AMOUNTS[(j / 10) as usize % 4]);
            let r = script.resolution(copy);
            script.at(applied, move |s| {
                s.until_proposal(p, company, industry, "0.10", amount, applied)
            });
            script.at(plus(applied, 70), move |s| {
                let votes = [(1, Choice::Reject), (2, Choice::Reject)];
                s.ballot(
                    r,
                    SubjectKind::Investment,
                    format!("申请{j}投资"),
                    p.0.to_string(),
                    amount,
                    plus(applied, 70),
                    &votes,
                )
            });
            script.at(plus(applied, 75), move |s| {
                s.record_decision(p, r, plus(applied, 75))
            });
        }
        8 => {
            script.at(applied, move |s| s.project(p, [apply(40)]));
            script.at(plus(applied, 10), move |s| s.project(p, [review(10)]));
            script.at(plus(applied, 40), move |s| {
                s.project(
                    p,
                    [ProjectCommand::Reject {
                        reason: "投资期已结束".into(),
                        on: plus(applied, 40),
                    }],
                )
            });
        }
        _ => {
            script.at(applied, move |s| s.project(p, [apply(40)]));
        }
    }
}
