//! Leases: the workers that must run once per database (the relay, the scheduler) hold a
//! PostgreSQL advisory lock on a session of their own while they work, and standbys wait for
//! it. A lost session is a lost lease; the worker stops and starts again after a backoff.

use anyhow::Context;
use std::future::Future;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How often a standby tries the lock again.
const RETRY: Duration = Duration::from_secs(2);
/// The first and the longest wait before a failed worker starts again.
const BACKOFF: (Duration, Duration) = (Duration::from_millis(200), Duration::from_secs(10));

/// A held lease: the session holding the advisory lock. Dropping it releases the lock.
pub struct Lease {
    _client: tokio_postgres::Client,
    conn: JoinHandle<Result<(), tokio_postgres::Error>>,
}

impl Lease {
    /// Whether the session holding the lock has ended (the lock is gone with it).
    pub fn is_lost(&self) -> bool {
        self.conn.is_finished()
    }
}

/// Waits until this process holds the advisory lock `key`; `None` if shutdown came first.
pub async fn acquire(
    database_url: &str,
    key: i64,
    what: &str,
    shutdown: &mut watch::Receiver<bool>,
) -> anyhow::Result<Option<Lease>> {
    let (client, conn) = tokio_postgres::connect(database_url, tokio_postgres::NoTls)
        .await
        .with_context(|| format!("{what} lease connection"))?;
    let conn = tokio::spawn(conn);
    loop {
        let got: bool = client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&key])
            .await?
            .get(0);
        if got {
            return Ok(Some(Lease {
                _client: client,
                conn,
            }));
        }
        tokio::select! {
            _ = tokio::time::sleep(RETRY) => {}
            _ = shutdown.changed() => return Ok(None),
        }
    }
}

/// Runs `work` until it ends well or shutdown comes; after a failure, logs it and starts it
/// again after a backoff that doubles up to 10 s.
pub async fn restarting<F, Fut>(
    what: &str,
    mut shutdown: watch::Receiver<bool>,
    mut work: F,
) -> anyhow::Result<()>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let mut backoff = BACKOFF.0;
    while !*shutdown.borrow() {
        match work().await {
            Ok(()) => return Ok(()),
            Err(e) => {
                tracing::warn!(error = format!("{e:#}"), "{what} failed; restarting");
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = shutdown.changed() => {}
                }
                backoff = (backoff * 2).min(BACKOFF.1);
            }
        }
    }
    Ok(())
}
