//! Read models and the projection runner.
//!
//! A [`Projection`] owns its tables (created by [`Projection::schema`], dropped on rebuild)
//! and applies events to them. The [`runner`] feeds it: catch-up from the PostgreSQL feed,
//! then live from NATS JetStream, with duplicates skipped and gaps filled from the log, and
//! every batch applied together with its progress in one transaction (effectively once).
//!
//! # Layout
//! - [`runner`]: the runner, rebuild, read-your-writes waiting.
//! - [`nats`]: the JetStream stream the relay writes and the runner reads.
//! - [`funds`]: the funds read model (`GET /funds`, `GET /funds/{id}`).

pub mod funds;
pub mod nats;
pub mod runner;

use eventstore::RecordedEvent;
use std::future::Future;

/// A read model fed by the event log.
pub trait Projection: Send + Sync + 'static {
    /// Unique name; also the checkpoint's name.
    const NAME: &'static str;
    /// The stream types it reads; events of other types only move its checkpoint.
    const STREAM_TYPES: &'static [&'static str];
    /// SQL creating its tables if absent.
    const SCHEMA: &'static str;
    /// SQL dropping its tables (rebuild).
    const DROP: &'static str;

    /// Applies one event inside the runner's transaction. Called at most once per event and
    /// in stream order.
    fn apply(
        &self,
        tx: &tokio_postgres::Transaction<'_>,
        event: &RecordedEvent,
    ) -> impl Future<Output = anyhow::Result<()>> + Send;
}

/// The names of every projection, for `fundadmin replay`.
pub const ALL: &[&str] = &[funds::FundsProjection::NAME];
