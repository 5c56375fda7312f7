//! The long-running commands: `serve` (HTTP API plus workers) and `work` (workers only).
//!
//! Both migrate first (idempotent, under an advisory lock, so several processes may start
//! together), connect to NATS (in the background if it does not answer yet), create the
//! projections' tables, then run until SIGINT or SIGTERM. Shutdown flips one `watch` channel: the HTTP server stops accepting and finishes
//! its requests, the workers finish their batch; the process waits for the workers at most
//! [`WORKER_GRACE`]. A worker failing for good shuts the process down too (exit code 1), so
//! a supervisor restarts it instead of leaving a server whose read models stand still.

use crate::cli::{migrate, GlobalOpts};
use crate::state::AppState;
use anyhow::Context;
use eventstore::{connect_pool, Metrics, PgPool};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How long the workers get to stop after shutdown is asked.
pub const WORKER_GRACE: Duration = Duration::from_secs(10);

/// `fundadmin serve`.
pub async fn serve(global: &GlobalOpts, listen: &str, with_workers: bool) -> anyhow::Result<()> {
    let (pool, nats, metrics) = prepare(global).await?;
    let (shutdown, _keep_open) = watch::channel(false);
    tokio::spawn(shutdown_on_signal(shutdown.clone()));
    let workers = with_workers.then(|| spawn_worker_runtime(global, &metrics, &shutdown));
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    tracing::info!(
        listen = %listener.local_addr()?,
        workers = with_workers,
        "serving"
    );
    let state =
        AppState::new(pool, Some(nats), metrics).with_token_cache(global.database_url.clone());
    let mut stop = shutdown.subscribe();
    let served = axum::serve(listener, crate::router(state))
        .with_graceful_shutdown(async move {
            let _ = stop.wait_for(|stop| *stop).await;
        })
        .await
        .context("serving HTTP");
    shutdown.send_replace(true);
    let stopped = match workers {
        Some(handle) => wait_for_workers(handle).await,
        None => Ok(()),
    };
    tracing::info!("stopped");
    served.and(stopped)
}

/// `fundadmin work`.
pub async fn work(global: &GlobalOpts) -> anyhow::Result<()> {
    let (pool, nats, metrics) = prepare(global).await?;
    let (shutdown, _keep_open) = watch::channel(false);
    tokio::spawn(shutdown_on_signal(shutdown.clone()));
    tracing::info!("working");
    let handle = spawn_workers(global, &pool, &nats, &metrics, &shutdown);
    let mut stop = shutdown.subscribe();
    let _ = stop.wait_for(|stop| *stop).await;
    let stopped = wait_for_workers(handle).await;
    tracing::info!("stopped");
    stopped
}

/// Pool, migrations, NATS, projection tables.
async fn prepare(global: &GlobalOpts) -> anyhow::Result<(PgPool, async_nats::Client, Metrics)> {
    let pool = connect_pool(&global.database_url, global.db_pool_size)?;
    for name in migrate(&pool).await? {
        tracing::info!(migration = %name, "migration applied");
    }
    projections::runner::setup_all(&pool).await?;
    // NATS is a transport, not the record: without it the API still records commands, the
    // read models follow PostgreSQL, and the relay publishes everything once NATS is back.
    let nats = connect_nats(&global.nats_url, "fundadmin").await?;
    Ok((pool, nats, Metrics::new()))
}

/// A NATS client of `nats_url`, connecting in the background if NATS does not answer within
/// 3 s (then warned about).
async fn connect_nats(nats_url: &str, name: &str) -> anyhow::Result<async_nats::Client> {
    let nats = async_nats::ConnectOptions::new()
        .name(name)
        .retry_on_initial_connect()
        .connect(nats_servers(nats_url))
        .await
        .with_context(|| format!("NATS_URL {nats_url} is not a usable NATS address"))?;
    let connected = tokio::time::timeout(Duration::from_secs(3), async {
        while nats.connection_state() != async_nats::connection::State::Connected {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    if connected.is_err() {
        tracing::warn!(
            nats.url = %nats_url,
            "NATS does not answer; serving from PostgreSQL and retrying (see /readyz)"
        );
    }
    Ok(nats)
}

/// The servers of a `NATS_URL`: one URL, or several separated by commas (the nodes of a
/// cluster), e.g. `nats://127.0.0.1:4241,nats://127.0.0.1:4242`.
pub fn nats_servers(url: &str) -> Vec<&str> {
    url.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// Connections the workers of `serve` hold at most in their own pool (the relay, five
/// projection runners, the scheduler and the report worker, besides their LISTEN and lease
/// connections).
const WORKER_POOL_SIZE: usize = 8;

/// `serve`'s workers, on a runtime of their own (two threads) with their own PostgreSQL pool
/// and NATS connection, so the relay and the projection runners are scheduled by the
/// operating system beside the request handlers instead of queueing behind them in the
/// server's runtime: under a full request load an event's way from commit to read model is
/// a chain of wake-ups, each of which would otherwise wait for the tasks queued before it.
/// Returns, on the server's runtime, a handle to the workers' result; when they end the rest
/// of the process is asked to stop.
fn spawn_worker_runtime(
    global: &GlobalOpts,
    metrics: &Metrics,
    shutdown: &watch::Sender<bool>,
) -> JoinHandle<anyhow::Result<()>> {
    let (done, result) = tokio::sync::oneshot::channel();
    let (global, metrics, stop) = (global.clone(), metrics.clone(), shutdown.clone());
    let spawned = std::thread::Builder::new()
        .name("fundadmin-workers".into())
        .spawn(move || {
            let outcome = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("fundadmin-worker")
                .enable_all()
                .build()
                .context("starting the workers' runtime")
                .and_then(|runtime| {
                    runtime.block_on(async {
                        let pool = connect_pool(&global.database_url, WORKER_POOL_SIZE)?;
                        let nats = connect_nats(&global.nats_url, "fundadmin-workers").await?;
                        spawn_workers(&global, &pool, &nats, &metrics, &stop)
                            .await
                            .unwrap_or_else(|join| Err(anyhow::anyhow!("workers panicked: {join}")))
                    })
                });
            let _ = done.send(outcome);
        });
    let shutdown = shutdown.clone();
    tokio::spawn(async move {
        spawned.context("starting the workers' thread")?;
        let outcome = result.await.unwrap_or_else(|_| {
            Err(anyhow::anyhow!(
                "the workers' thread ended without a result"
            ))
        });
        shutdown.send_replace(true);
        outcome
    })
}

/// Runs every worker until shutdown; when they end (for good or by failing), asks the rest
/// of the process to stop too.
fn spawn_workers(
    global: &GlobalOpts,
    pool: &PgPool,
    nats: &async_nats::Client,
    metrics: &Metrics,
    shutdown: &watch::Sender<bool>,
) -> JoinHandle<anyhow::Result<()>> {
    let config = workers::WorkersConfig {
        pool: pool.clone(),
        database_url: global.database_url.clone(),
        nats: nats.clone(),
        prefix: global.nats_prefix.clone(),
        metrics: metrics.clone(),
        shutdown: shutdown.subscribe(),
    };
    let options = workers::WorkersOptions {
        scheduler_interval: Duration::from_secs(global.scheduler_interval_seconds.max(1)),
        ..Default::default()
    };
    let shutdown = shutdown.clone();
    tokio::spawn(async move {
        let result = workers::run_all_with(config, options).await;
        if let Err(e) = &result {
            tracing::error!(error = format!("{e:#}"), "workers failed; shutting down");
        }
        shutdown.send_replace(true);
        result
    })
}

async fn wait_for_workers(handle: JoinHandle<anyhow::Result<()>>) -> anyhow::Result<()> {
    match tokio::time::timeout(WORKER_GRACE, handle).await {
        Ok(Ok(result)) => result,
        Ok(Err(join)) => Err(anyhow::anyhow!("workers panicked: {join}")),
        Err(_) => {
            tracing::warn!(
                grace_s = WORKER_GRACE.as_secs(),
                "workers did not stop in time; leaving them"
            );
            Ok(())
        }
    }
}

/// Flips `shutdown` on SIGINT or SIGTERM.
async fn shutdown_on_signal(shutdown: watch::Sender<bool>) {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => tracing::info!("SIGINT: shutting down"),
        _ = terminate => tracing::info!("SIGTERM: shutting down"),
    }
    shutdown.send_replace(true);
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_nats_url_may_list_the_nodes_of_a_cluster() {
        assert_eq!(super::nats_servers("nats://a:1"), ["nats://a:1"]);
        assert_eq!(
            super::nats_servers("nats://a:1, nats://b:2,"),
            ["nats://a:1", "nats://b:2"]
        );
    }
}
