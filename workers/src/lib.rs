//! Background processes: the relay from the log to NATS JetStream, the projection runners,
//! and (later) the scheduler and report workers.
//!
//! # Layout
//! - [`relay`]: the checkpointed reader of the gap-safe feed that publishes to JetStream.

pub mod relay;

use eventstore::{Metrics, PgPool};
use projections::runner::RunnerConfig;
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

/// Runs the relay and every projection runner until shutdown (or until one fails for good).
pub async fn run_all(config: WorkersConfig) -> anyhow::Result<()> {
    let relay = relay::Relay::new(relay::RelayConfig::new(
        config.pool.clone(),
        config.database_url.clone(),
        config.nats.clone(),
        config.prefix.clone(),
        config.metrics.clone(),
        config.shutdown.clone(),
    ));
    let runner = RunnerConfig {
        pool: config.pool.clone(),
        database_url: config.database_url.clone(),
        nats: Some(config.nats.clone()),
        prefix: config.prefix.clone(),
        metrics: config.metrics.clone(),
        shutdown: config.shutdown.clone(),
    };
    let funds = projections::runner::run(projections::funds::FundsProjection, runner.clone());
    let capital = projections::runner::run(projections::capital::CapitalProjection, runner);
    tokio::try_join!(relay.run(), funds, capital)?;
    Ok(())
}
