//! The scheduler: records what happens on a date without anyone asking (SPEC §1: phase
//! changes happen on their dates and a worker records them; §7: each fee period is assessed
//! once, after it ends; §4: a resolution without an outcome lapses at its deadline).
//!
//! [`run`] takes a lease (a session advisory lock, like the relay) so that one scheduler acts
//! per database while any other waits as a standby, then [`tick`]s at start and every
//! [`SchedulerConfig::interval`] until shutdown. "Today" comes from
//! [`SchedulerConfig::clock`]: by default the date in China Standard Time, the business date of
//! the log; "now", the instant deadlines are compared with, from [`SchedulerConfig::now`]:
//! by default the system time. Tests pin both. The lease only saves work: a tick is
//! idempotent and safe to race (see [`tick`]), so a standby that takes over mid-tick, or a
//! process killed mid-tick, never records a fact twice.

mod lapse;
mod tick;

pub use tick::{tick, TickReport, ACTOR, ROLE};

use chrono::{DateTime, NaiveDate, Utc};
use domain::committee::Resolution;
use domain::fund::Fund;
use eventstore::{EventStore, Metrics, PgPool, Repository};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;

const LEASE_KEY: i64 = 0x0073_6368_6564; // "sched"

/// The default time between two ticks.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(60);

/// A source of today's date.
pub type Clock = Arc<dyn Fn() -> NaiveDate + Send + Sync>;

/// Today in China Standard Time: the business date of the log (the default of an event's
/// `effective_at`), in which the funds' dates are counted.
pub fn china_today() -> NaiveDate {
    eventstore::store::china_date(chrono::Utc::now())
}

/// The system clock: [`china_today`].
pub fn system_clock() -> Clock {
    Arc::new(china_today)
}

/// A source of the current instant.
pub type NowClock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The system time: [`Utc::now`].
pub fn system_now() -> NowClock {
    Arc::new(Utc::now)
}

/// The repositories a tick acts through, each with its cache of states.
pub struct Repositories {
    /// The funds (phase changes, fee assessments).
    pub funds: Repository<Fund>,
    /// The committee resolutions (lapses).
    pub resolutions: Repository<Resolution>,
}

impl Repositories {
    /// Repositories on `store`, each caching up to `capacity` states.
    pub fn new(store: EventStore, capacity: usize) -> Self {
        Repositories {
            funds: Repository::new(store.clone(), capacity),
            resolutions: Repository::new(store, capacity),
        }
    }
}

/// What the scheduler needs, and how it is tuned.
#[derive(Clone)]
pub struct SchedulerConfig {
    /// The database.
    pub pool: PgPool,
    /// For the lease connection.
    pub database_url: String,
    /// Metrics registry.
    pub metrics: Metrics,
    /// Flips to `true` on shutdown.
    pub shutdown: watch::Receiver<bool>,
    /// Time between two ticks (from the start of one to the start of the next).
    pub interval: Duration,
    /// Today's date.
    pub clock: Clock,
    /// The current instant, compared with resolution deadlines.
    pub now: NowClock,
    /// Fund (and resolution) states the scheduler's repositories keep cached.
    pub cache_capacity: usize,
    /// Where report draft requests are published (none: no report drafts are requested).
    pub nats: Option<async_nats::Client>,
    /// The subject prefix of this environment.
    pub prefix: String,
}

impl SchedulerConfig {
    /// A configuration ticking every [`DEFAULT_INTERVAL`] by the [`system_clock`] and the
    /// [`system_now`].
    pub fn new(
        pool: PgPool,
        database_url: String,
        metrics: Metrics,
        shutdown: watch::Receiver<bool>,
    ) -> Self {
        SchedulerConfig {
            pool,
            database_url,
            metrics,
            shutdown,
            interval: DEFAULT_INTERVAL,
            clock: system_clock(),
            now: system_now(),
            cache_capacity: 4096,
            nats: None,
            prefix: "fundadmin".to_owned(),
        }
    }
}

/// Runs until shutdown: takes the lease, then ticks at start and every interval, restarting
/// with a backoff when the lease connection is lost.
pub async fn run(config: SchedulerConfig) -> anyhow::Result<()> {
    let repos = Repositories::new(EventStore::new(config.pool.clone()), config.cache_capacity);
    let shutdown = config.shutdown.clone();
    crate::lease::restarting("scheduler", shutdown, || run_leased(&config, &repos)).await
}

/// Waits for the lease, then ticks until shutdown (`Ok`) or until the lease is lost (`Err`).
async fn run_leased(config: &SchedulerConfig, repos: &Repositories) -> anyhow::Result<()> {
    let mut shutdown = config.shutdown.clone();
    let url = &config.database_url;
    let Some(lease) = crate::lease::acquire(url, LEASE_KEY, "scheduler", &mut shutdown).await?
    else {
        return Ok(());
    };
    tracing::info!(interval = ?config.interval, "scheduler holds the lease");
    let mut ticks = tokio::time::interval(config.interval.max(Duration::from_millis(1)));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let result = loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = shutdown.changed() => break Ok(()),
        }
        if *shutdown.borrow() {
            break Ok(());
        }
        if lease.is_lost() {
            break Err(anyhow::anyhow!("scheduler lease connection lost"));
        }
        let (today, now) = ((config.clock)(), (config.now)());
        // Stopping mid-tick is safe: every command is appended whole or not at all, and the
        // next tick (here or elsewhere) does what this one did not.
        tokio::select! {
            done = timed_tick(repos, today, now) => record(&config.metrics, today, done),
            _ = shutdown.changed() => break Ok(()),
        }
        if let Some(nats) = &config.nats {
            tokio::select! {
                asked = request_reports(&config.pool, nats, &config.prefix, today, now) => {
                    record_requests(&config.metrics, asked);
                }
                _ = shutdown.changed() => break Ok(()),
            }
        }
    };
    drop(lease);
    result
}

/// Publishes the report drafts due (see `crate::reports::schedule`); how many.
async fn request_reports(
    pool: &PgPool,
    nats: &async_nats::Client,
    prefix: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let due = crate::reports::schedule::due(pool, today, now).await?;
    let tick = now.timestamp().to_string();
    crate::reports::worker::publish(nats, prefix, &due, &tick).await?;
    Ok(due.len())
}

fn record_requests(m: &Metrics, asked: anyhow::Result<usize>) {
    match asked {
        Ok(n) => {
            if n > 0 {
                tracing::info!(requests = n, "report drafts requested");
            }
            m.add(
                "fundadmin_report_requests_total",
                "",
                "Report draft requests published by the scheduler.",
                n as f64,
            );
        }
        Err(e) => {
            tracing::warn!(
                error = format!("{e:#}"),
                "requesting report drafts failed; asked again next tick"
            );
            m.add(
                "fundadmin_scheduler_failures_total",
                "",
                "Funds, resolutions or commands a scheduler tick failed on.",
                1.0,
            );
        }
    }
}

async fn timed_tick(
    repos: &Repositories,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> (anyhow::Result<TickReport>, Duration) {
    let started = Instant::now();
    let report = tick(repos, today, now).await;
    (report, started.elapsed())
}

/// Logs a tick and adds it to the metrics.
fn record(m: &Metrics, today: NaiveDate, (report, took): (anyhow::Result<TickReport>, Duration)) {
    m.add(
        "fundadmin_scheduler_ticks_total",
        "",
        "Scheduler ticks run.",
        1.0,
    );
    m.set(
        "fundadmin_scheduler_tick_seconds",
        "",
        "Duration of the last scheduler tick.",
        took.as_secs_f64(),
    );
    match report {
        Ok(r) => {
            if r.phase_changes + r.fees_assessed + r.lapsed + r.failures > 0 {
                tracing::info!(
                    %today,
                    funds = r.funds,
                    phase_changes = r.phase_changes,
                    fees_assessed = r.fees_assessed,
                    lapsed = r.lapsed,
                    failures = r.failures,
                    "scheduler tick"
                );
            }
            m.set(
                "fundadmin_scheduler_funds",
                "",
                "Funds seen by the last scheduler tick.",
                r.funds as f64,
            );
            m.add(
                "fundadmin_scheduler_phase_changes_total",
                "",
                "Phase changes the scheduler recorded.",
                r.phase_changes as f64,
            );
            m.add(
                "fundadmin_scheduler_fees_assessed_total",
                "",
                "Fee years the scheduler assessed.",
                r.fees_assessed as f64,
            );
            m.add(
                "fundadmin_scheduler_resolutions_lapsed_total",
                "",
                "Committee resolutions the scheduler lapsed at their deadline.",
                r.lapsed as f64,
            );
            m.add(
                "fundadmin_scheduler_failures_total",
                "",
                "Scheduler ticks that failed, and funds, resolutions or commands that failed \
                 within a tick.",
                r.failures as f64,
            );
        }
        Err(e) => {
            tracing::warn!(%today, error = format!("{e:#}"), "scheduler tick failed");
            m.add(
                "fundadmin_scheduler_failures_total",
                "",
                "Scheduler ticks that failed, and funds, resolutions or commands that failed \
                 within a tick.",
                1.0,
            );
        }
    }
}
