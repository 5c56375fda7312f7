//! The event log in PostgreSQL, the source of truth.
//!
//! # Layout
//! - [`types`]: what is appended ([`StreamAppend`], [`NewEvent`]) and read ([`RecordedEvent`]).
//! - [`store`]: [`EventStore`]: stream loading, idempotency results, the gap-safe feed.
//! - [`append`]: multi-stream appends with expected versions and idempotency keys, written
//!   by group commit (each command keeps its own outcome).
//! - [`hash`]: the canonical bytes of an event and the per-stream sha256 chain.
//! - [`repository`]: load → decide → append over a domain [`domain::Aggregate`], with a state
//!   cache so a command's cost does not grow with its stream.
//! - [`verify`]: walks the whole log and checks every chain and every stream version.
//! - [`listen`]: LISTEN/NOTIFY wake-ups for feed readers.
//! - [`subjects`]: subject and stream names on NATS JetStream, and the relay's headers.
//! - [`metrics`]: a small Prometheus registry.
//! - [`migrate`]: the numbered SQL files of `migrations/`, applied in order.
//! - `testkit` (feature): a fresh database per test, cloned from a migrated template.

pub mod append;
mod columns;
mod group_commit;
pub mod hash;
pub mod listen;
pub mod metrics;
pub mod migrate;
pub mod pool;
pub mod repository;
pub mod store;
pub mod subjects;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod types;
pub mod verify;

pub use metrics::Metrics;
pub use pool::{connect_pool, PgPool};
pub use repository::{CommandError, CommandOutcome, Repository, Snapshot};
pub use store::{AppendError, EventStore, FeedPage, StoreError};
pub use types::{
    AppendResult, ExpectedVersion, Metadata, NewEvent, Position, RecordedEvent, StreamAppend,
    StreamCheck,
};

/// The NOTIFY channel an append signals after writing events (also spelled out in
/// `append::NOTIFY_SQL`; a test keeps them equal).
pub const EVENTS_CHANNEL: &str = "fundadmin_events";
