//! [`EventStore`]: stream loading, idempotency results and the gap-safe global feed (appends
//! are in [`crate::append`]).

use crate::append::Writer;
pub use crate::append::{AppendError, Appended, IdempotencyKey};
use crate::types::{Position, RecordedEvent};
use crate::PgPool;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use std::sync::Arc;
use tokio_postgres::Row;
use uuid::Uuid;

/// The columns of [`RecordedEvent`], in the order [`row_to_event`] reads them.
pub const EVENT_COLUMNS: &str = "global_position, tx_id::text::int8, event_id, stream_id, \
     stream_type, stream_version, event_type, schema_version, payload, metadata, effective_at, \
     recorded_at, hash";

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
    /// The group-commit batch this append was part of failed as a whole.
    #[error("append batch failed: {message}")]
    Batch {
        /// The batch's error.
        message: String,
        /// Whether it failed because PostgreSQL was unavailable.
        unavailable: bool,
    },
    /// The caller asked for something the store cannot do (a programming error).
    #[error("invalid request to the store: {0}")]
    Invalid(&'static str),
}

impl StoreError {
    /// Whether PostgreSQL was unavailable (unreachable, restarting): a retry may succeed.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StoreError::Db(e) => crate::pool::pg_unavailable(e),
            StoreError::Pool(e) => crate::pool::pool_unavailable(e),
            StoreError::Batch { unavailable, .. } => *unavailable,
            _ => false,
        }
    }
}

/// The event log.
#[derive(Clone)]
pub struct EventStore {
    pub(crate) pool: PgPool,
    pub(crate) writer: Arc<Writer>,
}

/// The rest of a feed page's query after its columns (of the events as `e`): `$1`, `$2` the
/// position after which it starts, `$3` its length. The positions come from an ordered
/// index-only scan of the feed order; each row is then fetched by its global position in a
/// LATERAL subquery that the planner cannot turn into a hash join. Planned any other way (a
/// bitmap scan and a sort of the whole tail, or a sequential scan joined by hash, both seen
/// with generic plans) each batch of a far-behind reader costs O(events).
const FEED_PAGE: &str = "FROM ( \
         SELECT tx_id, global_position FROM events \
         WHERE (tx_id, global_position) > ($1::text::xid8, $2) \
           AND tx_id < pg_snapshot_xmin(pg_current_snapshot()) \
         ORDER BY tx_id, global_position LIMIT $3) k \
     CROSS JOIN LATERAL ( \
         SELECT * FROM events x WHERE x.global_position = k.global_position \
         OFFSET 0) e \
     ORDER BY k.tx_id, k.global_position";

impl EventStore {
    /// A store over `pool`. Its group-commit workers and its NOTIFY task start with the
    /// first append.
    pub fn new(pool: PgPool) -> Self {
        EventStore {
            pool,
            writer: Arc::new(Writer::default()),
        }
    }

    /// The underlying pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
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
                "SELECT {cols} {FEED_PAGE}",
                cols = prefixed_columns("e")
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

    /// Like [`EventStore::read_feed`], for a reader of `stream_types` only: the page covers
    /// the same `limit` events of any type, but only those of `stream_types` come whole; of the
    /// others only the count and the page's last position and recording time (their payloads
    /// and metadata are neither sent nor decoded).
    pub async fn read_feed_of(
        &self,
        after: Position,
        limit: i64,
        stream_types: &[&str],
    ) -> Result<FeedPage, StoreError> {
        let client = self.pool.get().await?;
        let wanted = "e.stream_type = ANY($4)";
        let cols = prefixed_columns("e")
            .replace(
                "e.payload",
                &format!("CASE WHEN {wanted} THEN e.payload END"),
            )
            .replace(
                "e.metadata",
                &format!("CASE WHEN {wanted} THEN e.metadata END"),
            );
        let stmt = client
            .prepare_cached(&format!("SELECT {wanted}, {cols} {FEED_PAGE}"))
            .await?;
        let rows = client
            .query(
                &stmt,
                &[
                    &after.tx_id.to_string(),
                    &after.global_position,
                    &limit,
                    &stream_types,
                ],
            )
            .await?;
        let last = rows.last().map(|r| {
            let at = Position {
                global_position: r.get(1),
                tx_id: r.get(2),
            };
            (at, r.get(12))
        });
        let events = rows
            .iter()
            .filter(|r| r.get::<_, bool>(0))
            .map(|r| row_to_event_at(r, 1))
            .collect();
        Ok(FeedPage {
            events,
            read: rows.len(),
            last,
        })
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

    /// Whether the feed is final up to `upto` (every transaction that could still write
    /// before it in feed order has ended) and holds no event of `stream_types` after `after`
    /// up to `upto`: a reader of those types at `after` has then seen all of the feed up to
    /// `upto` that concerns it.
    pub async fn settled_without(
        &self,
        stream_types: &[&str],
        after: Position,
        upto: Position,
    ) -> Result<bool, StoreError> {
        let client = self.pool.get().await?;
        let stmt = client
            .prepare_cached(
                "SELECT $3::text::xid8 < pg_snapshot_xmin(pg_current_snapshot()) \
                   AND NOT EXISTS (SELECT 1 FROM events \
                     WHERE (tx_id, global_position) > ($1::text::xid8, $2) \
                       AND (tx_id, global_position) <= ($3::text::xid8, $4) \
                       AND stream_type = ANY($5))",
            )
            .await?;
        let row = client
            .query_one(
                &stmt,
                &[
                    &after.tx_id.to_string(),
                    &after.global_position,
                    &upto.tx_id.to_string(),
                    &upto.global_position,
                    &stream_types,
                ],
            )
            .await?;
        Ok(row.get(0))
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

/// [`EVENT_COLUMNS`] with every column qualified by `alias`.
fn prefixed_columns(alias: &str) -> String {
    EVENT_COLUMNS
        .split(", ")
        .map(|c| format!("{alias}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads a row selected with [`EVENT_COLUMNS`].
pub fn row_to_event(row: &Row) -> RecordedEvent {
    row_to_event_at(row, 0)
}

/// Reads [`EVENT_COLUMNS`] selected from column `at` on.
fn row_to_event_at(row: &Row, at: usize) -> RecordedEvent {
    let hash: Vec<u8> = row.get(at + 12);
    RecordedEvent {
        global_position: row.get(at),
        tx_id: row.get(at + 1),
        event_id: row.get::<_, Uuid>(at + 2),
        stream_id: row.get(at + 3),
        stream_type: row.get(at + 4),
        stream_version: row.get(at + 5),
        event_type: row.get(at + 6),
        schema_version: row.get(at + 7),
        payload: row.get(at + 8),
        metadata: row.get(at + 9),
        effective_at: row.get(at + 10),
        recorded_at: row.get(at + 11),
        hash: hex::encode(hash),
    }
}

/// A page of the feed for a reader of some stream types ([`EventStore::read_feed_of`]).
#[derive(Debug, Default)]
pub struct FeedPage {
    /// The events of those types, in feed order.
    pub events: Vec<RecordedEvent>,
    /// How many events of any type the page covered.
    pub read: usize,
    /// The position and recording time of the page's last event, of any type.
    pub last: Option<(Position, DateTime<Utc>)>,
}
