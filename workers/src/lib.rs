//! Background processes: the relay from the log to NATS JetStream, the projection runners,
//! the scheduler, and (later) the report workers.
//!
//! # Layout
//! - [`lease`]: the advisory-lock lease the once-per-database workers hold, and their restarts.
//! - [`relay`]: the checkpointed reader of the gap-safe feed that publishes to JetStream.
//! - [`scheduler`]: records the phase changes and fee assessments due by date, and the lapse
//!   of committee resolutions at their deadline, under a lease.

pub mod lease;
pub mod relay;
pub mod reports;
pub mod scheduler;

use eventstore::{Metrics, PgPool};
use projections::runner::RunnerConfig;
use std::time::Duration;
use tokio::sync::watch;

/// What the workers need.
#[derive(Clone)]
pub struct WorkersConfig {
    /// The database.
    pub pool: PgPool,
    /// For LISTEN/NOTIFY.
    pub database_url: String,
    /// NATS.
    pub nats: async_nats::Client,
    /// Subject prefix of this environment.
    pub prefix: String,
    /// Metrics registry shared with `/metrics`.
    pub metrics: Metrics,
    /// Flips to `true` on shutdown.
    pub shutdown: watch::Receiver<bool>,
}

/// How the workers are tuned beyond what they connect to.
#[derive(Clone)]
pub struct WorkersOptions {
    /// Time between two scheduler ticks (default [`scheduler::DEFAULT_INTERVAL`]).
    pub scheduler_interval: Duration,
    /// The scheduler's "today" (default [`scheduler::system_clock`]).
    pub scheduler_clock: scheduler::Clock,
    /// The scheduler's "now", compared with resolution deadlines (default
    /// [`scheduler::system_now`]).
    pub scheduler_now: scheduler::NowClock,
}

impl Default for WorkersOptions {
    fn default() -> Self {
        WorkersOptions {
            scheduler_interval: scheduler::DEFAULT_INTERVAL,
            scheduler_clock: scheduler::system_clock(),
            scheduler_now: scheduler::system_now(),
        }
    }
}

/// Runs every worker with the default [`WorkersOptions`]: see [`run_all_with`].
pub async fn run_all(config: WorkersConfig) -> anyhow::Result<()> {
    run_all_with(config, WorkersOptions::default()).await
}

/// Runs the relay, every projection runner, the report worker and the scheduler until
/// shutdown (or until one fails for good). Each is a task of its own, so they run in parallel
/// on the runtime's threads and none waits for another's batch; the first to fail stops the
/// others (they are aborted when the set is dropped).
pub async fn run_all_with(config: WorkersConfig, options: WorkersOptions) -> anyhow::Result<()> {
    let mut tasks = tokio::task::JoinSet::new();
    let relay = relay::Relay::new(relay::RelayConfig::new(
        config.pool.clone(),
        config.database_url.clone(),
        config.nats.clone(),
        config.prefix.clone(),
        config.metrics.clone(),
        config.shutdown.clone(),
    ));
    tasks.spawn(relay.run());
    let runner = RunnerConfig {
        pool: config.pool.clone(),
        database_url: config.database_url.clone(),
        nats: Some(config.nats.clone()),
        prefix: config.prefix.clone(),
        metrics: config.metrics.clone(),
        shutdown: config.shutdown.clone(),
    };
    use projections::runner::run;
    tasks.spawn(run(projections::funds::FundsProjection, runner.clone()));
    tasks.spawn(run(projections::capital::CapitalProjection, runner.clone()));
    tasks.spawn(run(
        projections::projects::ProjectsProjection,
        runner.clone(),
    ));
    tasks.spawn(run(
        projections::committee::CommitteeProjection,
        runner.clone(),
    ));
    tasks.spawn(run(projections::reports::ReportsProjection, runner));
    let filings = eventstore::Repository::<domain::report::filing::ReportFiling>::new(
        eventstore::EventStore::new(config.pool.clone()),
        1024,
    );
    let (nats, prefix, clock) = (
        config.nats.clone(),
        config.prefix.clone(),
        options.scheduler_clock.clone(),
    );
    let shutdown = config.shutdown.clone();
    tasks.spawn(
        async move { reports::worker::run(&filings, &nats, &prefix, &clock, shutdown).await },
    );
    tasks.spawn(scheduler::run(scheduler::SchedulerConfig {
        interval: options.scheduler_interval,
        clock: options.scheduler_clock.clone(),
        now: options.scheduler_now,
        nats: Some(config.nats.clone()),
        prefix: config.prefix.clone(),
        ..scheduler::SchedulerConfig::new(
            config.pool.clone(),
            config.database_url.clone(),
            config.metrics.clone(),
            config.shutdown.clone(),
        )
    }));
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(e),
            Err(join) => anyhow::bail!("a worker panicked: {join}"),
        }
    }
    Ok(())
}
