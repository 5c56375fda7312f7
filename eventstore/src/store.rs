//! [`EventStore`]: appends, stream loading and the gap-safe global feed.

use crate::hash::{self, HashedFields, GENESIS};
use crate::types::{AppendResult, ExpectedVersion, Position, RecordedEvent, StreamAppend};
use crate::PgPool;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use std::collections::HashMap;
use tokio_postgres::error::SqlState;
use tokio_postgres::Row;
use uuid::Uuid;

/// The columns of [`RecordedEvent`], in the order [`row_to_event`] reads them.
pub const EVENT_COLUMNS: &str = "global_position, tx_id::text::int8, event_id, stream_id, \
     stream_type, stream_version, event_type, schema_version, payload, metadata, effective_at, \
     recorded_at, hash";

const READ_HEADS: &str =
    "SELECT stream_id, version, head_hash FROM streams WHERE stream_id = ANY($1)";

const APPEND: &str = "SELECT first_position, last_position FROM append_events(\
     $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)";

const READ_KEY: &str =
    "SELECT request_hash, result FROM command_results WHERE idempotency_key = $1";

/// One NOTIFY to feed readers, committed without waiting for the WAL flush.
const NOTIFY_SQL: &str = concat!(
    "BEGIN; SET LOCAL synchronous_commit = off; SELECT pg_notify('",
    "fundadmin_events",
    "', ''); COMMIT"
);

/// How many times an append with `ExpectedVersion::Any` re-reads the heads after a race.
const ANY_RETRIES: usize = 10;

/// China Standard Time, in which business dates default.
fn china_offset() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The business date of an instant in China Standard Time.
pub fn china_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&china_offset()).date_naive()
}

/// A failure of the store itself (database unreachable, a stored row unreadable).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// PostgreSQL refused or failed.
    #[error("database: {0}")]
    Db(#[from] tokio_postgres::Error),
    /// No connection from the pool.
    #[error("database pool: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
    /// A stored event could not be decoded.
    #[error("decoding stored event: {0}")]
    Decode(#[from] crate::types::DecodeError),
    /// The command result stored for an idempotency key is unreadable.
    #[error("stored command result: {0}")]
    Result(#[from] serde_json::Error),
    /// The caller asked for something the store cannot do (a programming error).
    #[error("invalid request to the store: {0}")]
    Invalid(&'static str),
}

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

/// The event log.
#[derive(Clone)]
pub struct EventStore {
    pool: PgPool,
    notifier: Notifier,
}

impl EventStore {
    /// A store over `pool`. Inside a tokio runtime it also starts the task that NOTIFYs
    /// feed readers after appends.
    pub fn new(pool: PgPool) -> Self {
        let notifier = Notifier::spawn(&pool);
        EventStore { pool, notifier }
    }

    /// The underlying pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Appends to one or several streams atomically, each with its expected version, in one
    /// statement (one round trip when every head is known). All or nothing. With an
    /// idempotency key, a retry returns the first result and appends nothing, also when two
    /// retries race.
    pub async fn append(
        &self,
        appends: &[StreamAppend],
        key: Option<&IdempotencyKey>,
    ) -> Result<Appended, AppendError> {
        if appends.iter().all(|a| a.events.is_empty()) {
            return Err(AppendError::Invalid("no events"));
        }
        let mut ids: Vec<&str> = appends.iter().map(|a| a.stream_id.as_str()).collect();
        ids.sort_unstable();
        if ids.windows(2).any(|w| w[0] == w[1]) {
            return Err(AppendError::Invalid("the same stream twice"));
        }
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = match self.try_append(appends, key).await {
                Err(AppendError::Conflict { .. }) | Err(AppendError::KeyReused(_))
                    if key.is_some() =>
                {
                    // A racing retry with the same key may have won: its result is the answer.
                    let key = key.unwrap_or_else(|| unreachable!());
                    match self.command_result(key).await? {
                        Some(first) => Ok(first),
                        None => self.try_append(appends, None).await,
                    }
                }
                other => other,
            };
            match result {
                Err(AppendError::Conflict { .. })
                    if attempt < ANY_RETRIES
                        && appends.iter().all(|a| a.expected == ExpectedVersion::Any) =>
                {
                    continue;
                }
                Ok(appended) => {
                    if !appended.replayed {
                        self.notifier.ping();
                    }
                    return Ok(appended);
                }
                other => return other,
            }
        }
    }

    /// Resolves each stream's expected version and head hash: from the caller when it knows
    /// them, else from `streams`.
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

    async fn try_append(
        &self,
        appends: &[StreamAppend],
        key: Option<&IdempotencyKey>,
    ) -> Result<Appended, AppendError> {
        let expectations = self.expectations(appends).await?;
        let recorded_at = now_micros();
        let default_date = china_date(recorded_at);
        let mut cols = EventColumns::default();
        let mut streams = StreamColumns::default();
        let mut stream_versions = Vec::with_capacity(appends.len());
        let mut new_heads = Vec::with_capacity(appends.len());
        for (append, (expected, head)) in appends.iter().zip(expectations) {
            let mut previous = head;
            let mut version = expected;
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
                cols.push(append, event, version, effective_at, recorded_at, previous);
            }
            if !append.events.is_empty() {
                streams.ids.push(append.stream_id.clone());
                streams.types.push(append.stream_type.clone());
                streams.expected.push(expected);
                streams.expected_heads.push(head.to_vec());
                streams.versions.push(version);
                streams.heads.push(previous.to_vec());
            }
            stream_versions.push((append.stream_id.clone(), version));
            new_heads.push(previous);
        }
        let partial = serde_json::json!({ "stream_versions": stream_versions });
        let (key_text, request_hash) = match key {
            Some(k) => (Some(k.key.as_str()), Some(k.request_hash.to_vec())),
            None => (None, None),
        };
        let client = self.pool.get().await?;
        let stmt = client.prepare_cached(APPEND).await?;
        let row = client
            .query_one(
                &stmt,
                &[
                    &streams.ids,
                    &streams.types,
                    &streams.expected,
                    &streams.expected_heads,
                    &streams.versions,
                    &streams.heads,
                    &cols.event_ids,
                    &cols.stream_ids,
                    &cols.stream_types,
                    &cols.versions,
                    &cols.event_types,
                    &cols.schema_versions,
                    &cols.payloads,
                    &cols.metadata,
                    &cols.effective_at,
                    &cols.recorded_at,
                    &cols.hashes,
                    &key_text,
                    &request_hash,
                    &partial,
                ],
            )
            .await
            .map_err(|e| append_failure(e, appends))?;
        Ok(Appended {
            result: AppendResult {
                stream_versions,
                first_position: row.get(0),
                last_position: row.get(1),
            },
            heads: new_heads,
            replayed: false,
        })
    }

    /// The first result stored for an idempotency key, if any; an error if the key was used
    /// for a different request.
    pub async fn command_result(
        &self,
        key: &IdempotencyKey,
    ) -> Result<Option<Appended>, AppendError> {
        let client = self.pool.get().await?;
        let stmt = client.prepare_cached(READ_KEY).await?;
        let Some(row) = client.query_opt(&stmt, &[&key.key]).await? else {
            return Ok(None);
        };
        let hash: Vec<u8> = row.get(0);
        if hash != key.request_hash {
            return Err(AppendError::KeyReused(key.key.clone()));
        }
        let result: serde_json::Value = row.get(1);
        let result = serde_json::from_value(result).map_err(StoreError::Result)?;
        Ok(Some(Appended {
            result,
            heads: Vec::new(),
            replayed: true,
        }))
    }

    /// The events of a stream after `after_version`, in order.
    pub async fn load_stream(
        &self,
        stream_id: &str,
        after_version: i64,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(&format!(
                "SELECT {EVENT_COLUMNS} FROM events WHERE stream_id = $1 AND stream_version > $2 \
                 ORDER BY stream_version"
            ))
            .await?;
        let rows = client.query(&stmt, &[&stream_id, &after_version]).await?;
        Ok(rows.iter().map(row_to_event).collect())
    }

    /// The events of a stream with versions in `from..=to`, in order.
    pub async fn load_stream_range(
        &self,
        stream_id: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(&format!(
                "SELECT {EVENT_COLUMNS} FROM events WHERE stream_id = $1 \
                 AND stream_version BETWEEN $2 AND $3 ORDER BY stream_version"
            ))
            .await?;
        let rows = client.query(&stmt, &[&stream_id, &from, &to]).await?;
        Ok(rows.iter().map(row_to_event).collect())
    }

    /// Up to `limit` events after `after` in the gap-safe global order: ordered by
    /// `(tx_id, global_position)` and only from transactions older than every transaction
    /// still in progress, so an event committed later can never appear behind the reader.
    pub async fn read_feed(
        &self,
        after: Position,
        limit: i64,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(&format!(
                "SELECT {EVENT_COLUMNS} FROM events \
                 WHERE (tx_id, global_position) > ($1::text::xid8, $2) \
                   AND tx_id < pg_snapshot_xmin(pg_current_snapshot()) \
                 ORDER BY tx_id, global_position LIMIT $3"
            ))
            .await?;
        let rows = client
            .query(
                &stmt,
                &[&after.tx_id.to_string(), &after.global_position, &limit],
            )
            .await?;
        Ok(rows.iter().map(row_to_event).collect())
    }

    /// The feed position of the event at `global_position`, if it exists.
    pub async fn position_of(&self, global_position: i64) -> Result<Option<Position>, StoreError> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached("SELECT tx_id::text::int8 FROM events WHERE global_position = $1")
            .await?;
        Ok(client
            .query_opt(&stmt, &[&global_position])
            .await?
            .map(|r| Position {
                tx_id: r.get(0),
                global_position,
            }))
    }

    /// The highest global position written so far (0 for an empty log).
    pub async fn head_position(&self) -> Result<i64, StoreError> {
        let client = self.pool.get().await?;
        let row = client
            .query_one("SELECT coalesce(max(global_position), 0) FROM events", &[])
            .await?;
        Ok(row.get(0))
    }

    /// Age in seconds of the oldest transaction holding a transaction id (it holds the feed
    /// back while it is open).
    pub async fn oldest_open_transaction_seconds(&self) -> Result<f64, StoreError> {
        let client = self.pool.get().await?;
        let row = client
            .query_one(
                "SELECT coalesce(extract(epoch FROM now() - min(xact_start)), 0)::float8 \
                 FROM pg_stat_activity WHERE backend_xid IS NOT NULL",
                &[],
            )
            .await?;
        Ok(row.get(0))
    }
}

/// The current time truncated to the microsecond, as PostgreSQL stores it.
fn now_micros() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}

/// Reads a row selected with [`EVENT_COLUMNS`].
pub fn row_to_event(row: &Row) -> RecordedEvent {
    let hash: Vec<u8> = row.get(12);
    RecordedEvent {
        global_position: row.get(0),
        tx_id: row.get(1),
        event_id: row.get::<_, Uuid>(2),
        stream_id: row.get(3),
        stream_type: row.get(4),
        stream_version: row.get(5),
        event_type: row.get(6),
        schema_version: row.get(7),
        payload: row.get(8),
        metadata: row.get(9),
        effective_at: row.get(10),
        recorded_at: row.get(11),
        hash: hex::encode(hash),
    }
}

/// Maps the append function's errors: FA409 is a version conflict, FA422 an idempotency key
/// that already has a result; a unique violation on a stream's primary key (two writers
/// racing to create it) is a conflict too.
fn append_failure(e: tokio_postgres::Error, appends: &[StreamAppend]) -> AppendError {
    let Some(db) = e.as_db_error() else {
        return e.into();
    };
    let expected_of = |stream_id: &str| {
        appends
            .iter()
            .find(|a| a.stream_id == stream_id)
            .map(|a| a.expected)
            .unwrap_or(ExpectedVersion::Any)
    };
    match db.code().code() {
        "FA409" => AppendError::Conflict {
            stream_id: db.message().to_owned(),
            expected: expected_of(db.message()),
            actual: db.detail().and_then(|d| d.parse().ok()).unwrap_or(-1),
        },
        "FA422" => AppendError::KeyReused(db.message().to_owned()),
        _ if db.code() == &SqlState::UNIQUE_VIOLATION
            && matches!(db.constraint(), Some("events_pkey") | Some("streams_pkey")) =>
        {
            let stream = appends
                .first()
                .map(|a| a.stream_id.clone())
                .unwrap_or_default();
            AppendError::Conflict {
                expected: expected_of(&stream),
                stream_id: stream,
                actual: -1,
            }
        }
        _ => e.into(),
    }
}

/// Column arrays for the one multi-row insert of an append.
#[derive(Default)]
struct EventColumns {
    event_ids: Vec<Uuid>,
    stream_ids: Vec<String>,
    stream_types: Vec<String>,
    versions: Vec<i64>,
    event_types: Vec<String>,
    schema_versions: Vec<i32>,
    payloads: Vec<serde_json::Value>,
    metadata: Vec<serde_json::Value>,
    effective_at: Vec<NaiveDate>,
    recorded_at: Vec<DateTime<Utc>>,
    hashes: Vec<Vec<u8>>,
}

impl EventColumns {
    fn push(
        &mut self,
        append: &StreamAppend,
        event: &crate::types::NewEvent,
        version: i64,
        effective_at: NaiveDate,
        recorded_at: DateTime<Utc>,
        hash: [u8; 32],
    ) {
        self.event_ids.push(event.event_id);
        self.stream_ids.push(append.stream_id.clone());
        self.stream_types.push(append.stream_type.clone());
        self.versions.push(version);
        self.event_types.push(event.event_type.clone());
        self.schema_versions.push(event.schema_version);
        self.payloads.push(event.payload.clone());
        self.metadata.push(event.metadata.clone());
        self.effective_at.push(effective_at);
        self.recorded_at.push(recorded_at);
        self.hashes.push(hash.to_vec());
    }
}

/// Column arrays of the streams' expected and new heads.
#[derive(Default)]
struct StreamColumns {
    ids: Vec<String>,
    types: Vec<String>,
    expected: Vec<i64>,
    expected_heads: Vec<Vec<u8>>,
    versions: Vec<i64>,
    heads: Vec<Vec<u8>>,
}

/// Wakes feed readers in every process with a NOTIFY after appends. Sent from its own task
/// and connection, outside the appending transactions: a NOTIFY inside them would take
/// PostgreSQL's notification lock at commit and serialize every commit (no group commit).
/// Bursts of appends coalesce into one NOTIFY.
#[derive(Clone)]
struct Notifier {
    tx: Option<tokio::sync::mpsc::Sender<()>>,
}

impl Notifier {
    fn spawn(pool: &PgPool) -> Self {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return Notifier { tx: None };
        };
        let (tx, mut rx) = tokio::sync::mpsc::channel::<()>(1);
        let pool = pool.clone();
        runtime.spawn(async move {
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
        Notifier { tx: Some(tx) }
    }

    fn ping(&self) {
        if let Some(tx) = &self.tx {
            let _ = tx.try_send(());
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_notify_statement_uses_the_events_channel() {
        assert!(super::NOTIFY_SQL.contains(&format!("pg_notify('{}'", crate::EVENTS_CHANNEL)));
    }
}
