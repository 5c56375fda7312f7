//! [`EventStore`]: appends, stream loading and the gap-safe global feed.

use crate::hash::{self, HashedFields, GENESIS};
use crate::types::{AppendResult, ExpectedVersion, Position, RecordedEvent, StreamAppend};
use crate::{PgPool, EVENTS_CHANNEL};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use std::collections::HashMap;
use tokio_postgres::error::SqlState;
use tokio_postgres::Row;
use uuid::Uuid;

/// The columns of [`RecordedEvent`], in the order [`row_to_event`] reads them.
pub const EVENT_COLUMNS: &str = "global_position, tx_id::text::int8, event_id, stream_id, \
     stream_type, stream_version, event_type, schema_version, payload, metadata, effective_at, \
     recorded_at, hash";

const LOCK_STREAMS: &str = "SELECT stream_id, version, head_hash FROM streams \
     WHERE stream_id = ANY($1) ORDER BY stream_id FOR UPDATE";

const INSERT_EVENTS: &str = "WITH ins AS (
    INSERT INTO events (event_id, stream_id, stream_type, stream_version, event_type,
                        schema_version, payload, metadata, effective_at, recorded_at, hash)
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int8[], $5::text[],
                         $6::int4[], $7::jsonb[], $8::jsonb[], $9::date[],
                         $10::timestamptz[], $11::bytea[])
    RETURNING global_position
), up AS (
    INSERT INTO streams (stream_id, stream_type, version, head_hash)
    SELECT * FROM unnest($12::text[], $13::text[], $14::int8[], $15::bytea[])
    ON CONFLICT (stream_id) DO UPDATE
        SET version = EXCLUDED.version, head_hash = EXCLUDED.head_hash
)
SELECT (SELECT min(global_position) FROM ins), (SELECT max(global_position) FROM ins),
       pg_notify($16, '')::text";

const CLAIM_KEY: &str = "INSERT INTO command_results (idempotency_key, request_hash, result) \
     VALUES ($1, $2, $3) ON CONFLICT (idempotency_key) DO NOTHING";

const READ_KEY: &str =
    "SELECT request_hash, result FROM command_results WHERE idempotency_key = $1";

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
    /// `true` when the idempotency key had already been used: nothing was appended and
    /// `result` is the first result.
    pub replayed: bool,
}

/// The event log.
#[derive(Clone)]
pub struct EventStore {
    pool: PgPool,
}

impl EventStore {
    /// A store over `pool`.
    pub fn new(pool: PgPool) -> Self {
        EventStore { pool }
    }

    /// The underlying pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Appends to one or several streams in one transaction, each with its expected version.
    /// All or nothing. With an idempotency key, a retry returns the first result and appends
    /// nothing, also when two retries race.
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
        if let Some(key) = key {
            if let Some(first) = self.command_result(key).await? {
                return Ok(first);
            }
        }
        match self.try_append(appends, key).await {
            Err(AppendError::Conflict { .. }) | Err(AppendError::KeyReused(_)) if key.is_some() => {
                // A racing retry with the same key may have won: its result is the answer.
                let key = key.unwrap_or_else(|| unreachable!());
                match self.command_result(key).await? {
                    Some(first) => Ok(first),
                    None => self.try_append(appends, Some(key)).await,
                }
            }
            other => other,
        }
    }

    async fn try_append(
        &self,
        appends: &[StreamAppend],
        key: Option<&IdempotencyKey>,
    ) -> Result<Appended, AppendError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let ids: Vec<&str> = appends.iter().map(|a| a.stream_id.as_str()).collect();
        let lock = tx.prepare_cached(LOCK_STREAMS).await?;
        let heads: HashMap<String, (i64, Vec<u8>)> = tx
            .query(&lock, &[&ids])
            .await?
            .into_iter()
            .map(|r| (r.get(0), (r.get(1), r.get(2))))
            .collect();

        let recorded_at = now_micros();
        let default_date = china_date(recorded_at);
        let mut cols = EventColumns::default();
        let mut stream_rows = StreamColumns::default();
        let mut stream_versions = Vec::with_capacity(appends.len());
        for append in appends {
            let (actual, head) = heads
                .get(&append.stream_id)
                .map(|(v, h)| (*v, h.as_slice()))
                .unwrap_or((0, &GENESIS[..]));
            if !append.expected.admits(actual) {
                return Err(AppendError::Conflict {
                    stream_id: append.stream_id.clone(),
                    expected: append.expected,
                    actual,
                });
            }
            let mut previous: [u8; 32] = head.try_into().unwrap_or(GENESIS);
            let mut version = actual;
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
                stream_rows.ids.push(append.stream_id.clone());
                stream_rows.types.push(append.stream_type.clone());
                stream_rows.versions.push(version);
                stream_rows.heads.push(previous.to_vec());
            }
            stream_versions.push((append.stream_id.clone(), version));
        }

        let insert = tx.prepare_cached(INSERT_EVENTS).await?;
        let row = tx
            .query_one(
                &insert,
                &[
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
                    &stream_rows.ids,
                    &stream_rows.types,
                    &stream_rows.versions,
                    &stream_rows.heads,
                    &EVENTS_CHANNEL,
                ],
            )
            .await
            .map_err(|e| unique_violation_as_conflict(e, appends))?;
        let result = AppendResult {
            stream_versions,
            first_position: row.get(0),
            last_position: row.get(1),
        };
        if let Some(key) = key {
            let claim = tx.prepare_cached(CLAIM_KEY).await?;
            let stored = serde_json::to_value(&result).map_err(StoreError::Result)?;
            let claimed = tx
                .execute(&claim, &[&key.key, &key.request_hash.as_slice(), &stored])
                .await?;
            if claimed == 0 {
                return Err(AppendError::KeyReused(key.key.clone()));
            }
        }
        tx.commit()
            .await
            .map_err(|e| unique_violation_as_conflict(e, appends))?;
        Ok(Appended {
            result,
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

/// Two writers creating the same stream (or adding the same version) race on the primary key:
/// the loser gets a version conflict, not a database error.
fn unique_violation_as_conflict(e: tokio_postgres::Error, appends: &[StreamAppend]) -> AppendError {
    let Some(db) = e.as_db_error() else {
        return e.into();
    };
    if db.code() != &SqlState::UNIQUE_VIOLATION {
        return e.into();
    }
    if !matches!(db.constraint(), Some("events_pkey") | Some("streams_pkey")) {
        return e.into();
    }
    let detail = db.detail().unwrap_or_default();
    let append = appends
        .iter()
        .find(|a| {
            detail.contains(&format!("({}", a.stream_id))
                || detail.contains(&format!("{})", a.stream_id))
        })
        .or_else(|| appends.first());
    match append {
        Some(a) => AppendError::Conflict {
            stream_id: a.stream_id.clone(),
            expected: a.expected,
            actual: -1,
        },
        None => e.into(),
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

/// Column arrays for the upsert of the streams' heads.
#[derive(Default)]
struct StreamColumns {
    ids: Vec<String>,
    types: Vec<String>,
    versions: Vec<i64>,
    heads: Vec<Vec<u8>>,
}
