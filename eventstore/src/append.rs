//! Appends with group commit.
//!
//! A caller resolves its streams' expected versions and head hashes (from what it knows, or
//! with one read), computes its events' hash chains and hands the prepared command to the
//! store's writer. A few writer tasks each take every command waiting at that moment and
//! append them together ([`crate::group_commit`]): one transaction and one WAL flush for the
//! whole batch, while each command keeps its own expected-version check, idempotency key and
//! outcome. After a batch commits, one NOTIFY
//! (sent from its own task, outside the appending transaction, where it would serialize
//! every commit on PostgreSQL's notification lock) wakes the feed readers.

use crate::columns::{CheckColumns, EventColumns, StreamColumns};
use crate::hash::{self, HashedFields, GENESIS};
use crate::store::{china_date, EventStore, StoreError};
use crate::types::{AppendResult, ExpectedVersion, StreamAppend, StreamCheck};
use crate::PgPool;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::OnceLock;
use tokio::sync::{mpsc, oneshot, Mutex};
use tokio_postgres::error::SqlState;

const READ_HEADS: &str =
    "SELECT stream_id, version, head_hash FROM streams WHERE stream_id = ANY($1)";

/// One NOTIFY to feed readers, committed without waiting for the WAL flush.
const NOTIFY_SQL: &str = concat!(
    "BEGIN; SET LOCAL synchronous_commit = off; SELECT pg_notify('",
    "fundadmin_events",
    "', ''); COMMIT"
);

/// How many times an append with only `ExpectedVersion::Any` re-reads the heads after a race.
const ANY_RETRIES: usize = 10;
/// Writer tasks (batches in flight at once), unless `FUNDADMIN_APPEND_WRITERS` says otherwise.
/// Fewer writers make larger batches: less work per command, a little more latency.
const WRITERS: usize = 2;
/// Commands per batch at most.
const MAX_BATCH: usize = 256;
/// Attempts of a batch that PostgreSQL aborted as a deadlock victim.
const DEADLOCK_RETRIES: usize = 5;

/// Why an append wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    /// A stream was not at the expected version.
    #[error("stream {stream_id} is at version {actual}, expected {expected:?}")]
    Conflict {
        /// The stream.
        stream_id: String,
        /// What the writer expected.
        expected: ExpectedVersion,
        /// Where it was (0 = absent).
        actual: i64,
    },
    /// The idempotency key was first used for a different request.
    #[error("idempotency key {0:?} was used for a different request")]
    KeyReused(String),
    /// Nothing to append, or the same stream twice.
    #[error("invalid append: {0}")]
    Invalid(&'static str),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<tokio_postgres::Error> for AppendError {
    fn from(e: tokio_postgres::Error) -> Self {
        AppendError::Store(StoreError::Db(e))
    }
}

impl From<deadpool_postgres::PoolError> for AppendError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        AppendError::Store(StoreError::Pool(e))
    }
}

/// A client's idempotency key with the fingerprint of its request.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    /// The key as given (scoped by the caller, e.g. with the principal).
    pub key: String,
    /// sha256 of the request it was first used with.
    pub request_hash: [u8; 32],
}

/// The result of a successful append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// Versions and positions.
    pub result: AppendResult,
    /// Each stream's new head hash, in the order given (empty for a replay).
    pub heads: Vec<[u8; 32]>,
    /// `true` when the idempotency key had already been used: nothing was appended and
    /// `result` is the first result.
    pub replayed: bool,
}

/// The store's writer: group-commit tasks and the NOTIFY task, started on first use.
#[derive(Default)]
pub(crate) struct Writer {
    queue: OnceLock<mpsc::Sender<Pending>>,
    notify: OnceLock<mpsc::Sender<()>>,
    stats: std::sync::Arc<GroupCommitStats>,
}

/// Counters of the group commit, for metrics and benchmarks.
#[derive(Debug, Default)]
pub struct GroupCommitStats {
    /// Batches written (transactions).
    pub batches: std::sync::atomic::AtomicU64,
    /// Commands written in them.
    pub commands: std::sync::atomic::AtomicU64,
}

/// A command ready to append: its streams and events as columns, hashes computed.
#[derive(Default)]
pub(crate) struct Prepared {
    pub(crate) key: Option<IdempotencyKey>,
    pub(crate) partial_result: serde_json::Value,
    pub(crate) streams: StreamColumns,
    pub(crate) events: EventColumns,
    pub(crate) checks: CheckColumns,
}

struct Pending {
    prepared: Prepared,
    reply: oneshot::Sender<Result<Outcome, StoreError>>,
}

/// What `append_batch` said of one command.
pub(crate) enum Outcome {
    Appended { first: i64, last: i64 },
    Conflict { stream_id: String, actual: i64 },
    KeyExists,
}

impl EventStore {
    /// Appends to one or several streams atomically, each with its expected version. All or
    /// nothing. With an idempotency key, a retry returns the first result and appends
    /// nothing, also when two retries race. Concurrent appends share transactions (group
    /// commit) without sharing outcomes.
    pub async fn append(
        &self,
        appends: &[StreamAppend],
        key: Option<&IdempotencyKey>,
    ) -> Result<Appended, AppendError> {
        self.append_checked(appends, &[], key).await
    }

    /// [`EventStore::append`], on condition that each stream of `checks` (read to decide,
    /// not written) is still at the version and head it was read at: if one has moved, nothing
    /// is appended and the answer is a conflict on that stream. A checked stream's row is
    /// locked for share until the commit, so it cannot move between the check and the commit.
    pub async fn append_checked(
        &self,
        appends: &[StreamAppend],
        checks: &[StreamCheck],
        key: Option<&IdempotencyKey>,
    ) -> Result<Appended, AppendError> {
        if appends.iter().all(|a| a.events.is_empty()) {
            return Err(AppendError::Invalid("no events"));
        }
        let mut ids: Vec<&str> = appends
            .iter()
            .map(|a| a.stream_id.as_str())
            .chain(checks.iter().map(|c| c.stream_id.as_str()))
            .collect();
        ids.sort_unstable();
        if ids.windows(2).any(|w| w[0] == w[1]) {
            return Err(AppendError::Invalid("the same stream twice"));
        }
        let only_any = appends.iter().all(|a| a.expected == ExpectedVersion::Any);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let expectations = self.expectations(appends).await?;
            let (mut prepared, stream_versions, heads) = prepare(appends, &expectations, key);
            for check in checks {
                prepared.checks.ids.push(check.stream_id.clone());
                prepared.checks.versions.push(check.version);
                prepared.checks.heads.push(check.head.to_vec());
            }
            match self.submit(prepared).await? {
                Outcome::Appended { first, last } => {
                    return Ok(Appended {
                        result: AppendResult {
                            stream_versions,
                            first_position: first,
                            last_position: last,
                        },
                        heads,
                        replayed: false,
                    });
                }
                Outcome::KeyExists => {
                    let key = key.ok_or(AppendError::Invalid("key status without a key"))?;
                    return match self.command_result(key).await? {
                        Some(first) => Ok(first),
                        None => Err(AppendError::Invalid("idempotency key without result")),
                    };
                }
                Outcome::Conflict { stream_id, actual } => {
                    // A racing retry with the same key may have won: its result is the answer.
                    if let Some(key) = key {
                        if let Some(first) = self.command_result(key).await? {
                            return Ok(first);
                        }
                    }
                    // A checked stream that moved stays moved: no retry decides on it.
                    let checked = checks.iter().find(|c| c.stream_id == stream_id);
                    if only_any && checked.is_none() && attempt < ANY_RETRIES {
                        continue;
                    }
                    let expected = match checked {
                        Some(c) => ExpectedVersion::Exact(c.version),
                        None => appends
                            .iter()
                            .find(|a| a.stream_id == stream_id)
                            .map(|a| a.expected)
                            .unwrap_or(ExpectedVersion::Any),
                    };
                    return Err(AppendError::Conflict {
                        stream_id,
                        expected,
                        actual,
                    });
                }
            }
        }
    }

    /// Resolves each stream's expected version and head hash: from the caller when it knows
    /// them, else from `streams`. An `Exact` expectation that already fails is a conflict.
    async fn expectations(
        &self,
        appends: &[StreamAppend],
    ) -> Result<Vec<(i64, [u8; 32])>, AppendError> {
        let unknown: Vec<&str> = appends
            .iter()
            .filter(|a| match a.expected {
                ExpectedVersion::NoStream | ExpectedVersion::Exact(0) => false,
                ExpectedVersion::Exact(_) => a.known_head.is_none(),
                ExpectedVersion::Any => true,
            })
            .map(|a| a.stream_id.as_str())
            .collect();
        let mut heads: HashMap<String, (i64, [u8; 32])> = HashMap::new();
        if !unknown.is_empty() {
            let client = self.pool.get().await?;
            let stmt = client.prepare_cached(READ_HEADS).await?;
            for r in client.query(&stmt, &[&unknown]).await? {
                let head: Vec<u8> = r.get(2);
                heads.insert(r.get(0), (r.get(1), head.try_into().unwrap_or(GENESIS)));
            }
        }
        appends
            .iter()
            .map(|a| {
                let (actual, head) = heads.get(&a.stream_id).copied().unwrap_or((0, GENESIS));
                match a.expected {
                    ExpectedVersion::NoStream | ExpectedVersion::Exact(0) => Ok((0, GENESIS)),
                    ExpectedVersion::Exact(v) => match a.known_head {
                        Some(h) => Ok((v, h)),
                        None if actual == v => Ok((v, head)),
                        None => Err(AppendError::Conflict {
                            stream_id: a.stream_id.clone(),
                            expected: a.expected,
                            actual,
                        }),
                    },
                    ExpectedVersion::Any => Ok((actual, head)),
                }
            })
            .collect()
    }

    /// Queues a prepared command for the next batch and waits for its outcome.
    async fn submit(&self, prepared: Prepared) -> Result<Outcome, AppendError> {
        let queue = self.writer.queue.get_or_init(|| {
            spawn_writers(
                self.pool.clone(),
                self.notifier(),
                self.writer.stats.clone(),
            )
        });
        let (reply, outcome) = oneshot::channel();
        queue
            .send(Pending { prepared, reply })
            .await
            .map_err(|_| AppendError::Invalid("the writer has stopped"))?;
        Ok(outcome
            .await
            .map_err(|_| AppendError::Invalid("the writer has stopped"))??)
    }

    /// Group-commit counters of this store (and its clones).
    pub fn group_commit_stats(&self) -> &GroupCommitStats {
        &self.writer.stats
    }

    fn notifier(&self) -> mpsc::Sender<()> {
        self.writer
            .notify
            .get_or_init(|| spawn_notifier(self.pool.clone()))
            .clone()
    }
}

/// Computes the hash chains and the column arrays of one command.
fn prepare(
    appends: &[StreamAppend],
    expectations: &[(i64, [u8; 32])],
    key: Option<&IdempotencyKey>,
) -> (Prepared, Vec<(String, i64)>, Vec<[u8; 32]>) {
    let recorded_at = now_micros();
    let default_date = china_date(recorded_at);
    let mut p = Prepared {
        key: key.cloned(),
        ..Prepared::default()
    };
    let mut stream_versions = Vec::with_capacity(appends.len());
    let mut heads = Vec::with_capacity(appends.len());
    for (append, (expected, head)) in appends.iter().zip(expectations) {
        let mut previous = *head;
        let mut version = *expected;
        for event in &append.events {
            version += 1;
            let effective_at = event.effective_at.unwrap_or(default_date);
            previous = hash::chain(
                &previous,
                &HashedFields {
                    event_id: event.event_id,
                    stream_id: &append.stream_id,
                    stream_type: &append.stream_type,
                    stream_version: version,
                    event_type: &event.event_type,
                    schema_version: event.schema_version,
                    payload: &event.payload,
                    metadata: &event.metadata,
                    effective_at,
                    recorded_at,
                },
            );
            p.events
                .push(append, event, version, effective_at, recorded_at, previous);
        }
        if !append.events.is_empty() {
            let s = &mut p.streams;
            s.ids.push(append.stream_id.clone());
            s.types.push(append.stream_type.clone());
            s.expected.push(*expected);
            s.expected_heads.push(head.to_vec());
            s.versions.push(version);
            s.heads.push(previous.to_vec());
        }
        stream_versions.push((append.stream_id.clone(), version));
        heads.push(previous);
    }
    p.partial_result = serde_json::json!({ "stream_versions": stream_versions });
    (p, stream_versions, heads)
}

/// The current time truncated to the microsecond, as PostgreSQL stores it.
fn now_micros() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}

fn spawn_writers(
    pool: PgPool,
    notify: mpsc::Sender<()>,
    stats: std::sync::Arc<GroupCommitStats>,
) -> mpsc::Sender<Pending> {
    let (tx, rx) = mpsc::channel::<Pending>(4 * MAX_BATCH);
    let rx = std::sync::Arc::new(Mutex::new(rx));
    let writers = std::env::var("FUNDADMIN_APPEND_WRITERS")
        .ok()
        .and_then(|w| w.parse().ok())
        .filter(|w| *w > 0)
        .unwrap_or(WRITERS);
    for _ in 0..writers {
        let (rx, pool, notify, stats) = (rx.clone(), pool.clone(), notify.clone(), stats.clone());
        tokio::spawn(async move {
            loop {
                let batch = {
                    let mut rx = rx.lock().await;
                    let Some(first) = rx.recv().await else { return };
                    let mut batch = vec![first];
                    while batch.len() < MAX_BATCH {
                        match rx.try_recv() {
                            Ok(next) => batch.push(next),
                            Err(_) => break,
                        }
                    }
                    batch
                };
                use std::sync::atomic::Ordering::Relaxed;
                stats.batches.fetch_add(1, Relaxed);
                stats.commands.fetch_add(batch.len() as u64, Relaxed);
                write_batch(&pool, batch).await;
                let _ = notify.try_send(());
            }
        });
    }
    tx
}

/// Appends a batch and answers each command.
async fn write_batch(pool: &PgPool, batch: Vec<Pending>) {
    let (prepared, replies): (Vec<Prepared>, Vec<_>) =
        batch.into_iter().map(|p| (p.prepared, p.reply)).unzip();
    let mut attempt = 0;
    let result = loop {
        attempt += 1;
        match crate::group_commit::write(pool, &prepared).await {
            Err(StoreError::Db(e))
                if attempt < DEADLOCK_RETRIES
                    && e.code() == Some(&SqlState::T_R_DEADLOCK_DETECTED) =>
            {
                continue;
            }
            other => break other,
        }
    };
    match result {
        Ok(outcomes) => {
            for (reply, outcome) in replies.into_iter().zip(outcomes) {
                let _ = reply.send(Ok(outcome));
            }
        }
        Err(e) => {
            tracing::error!(error = %e, commands = replies.len(), "group commit failed");
            let (message, unavailable) = (e.to_string(), e.is_unavailable());
            for reply in replies {
                let _ = reply.send(Err(StoreError::Batch {
                    message: message.clone(),
                    unavailable,
                }));
            }
        }
    }
}

/// Starts the task that NOTIFYs feed readers; bursts coalesce into one NOTIFY.
fn spawn_notifier(pool: PgPool) -> mpsc::Sender<()> {
    let (tx, mut rx) = mpsc::channel::<()>(1);
    tokio::spawn(async move {
        while rx.recv().await.is_some() {
            let sent = async {
                let client = pool.get().await?;
                // The notification needs no durability: no fsync for it.
                client.batch_execute(NOTIFY_SQL).await?;
                anyhow::Ok(())
            };
            if let Err(e) = sent.await {
                tracing::debug!(error = %e, "NOTIFY failed; readers fall back to polling");
            }
        }
    });
    tx
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_notify_statement_uses_the_events_channel() {
        assert!(super::NOTIFY_SQL.contains(&format!("pg_notify('{}'", crate::EVENTS_CHANNEL)));
    }
}
