//! Read models and the projection runner.
//!
//! A [`Projection`] owns its tables (created by [`Projection::SCHEMA`], dropped on rebuild)
//! and applies events to them. The [`runner`] feeds it: catch-up from the PostgreSQL feed,
//! then live from NATS JetStream, with duplicates skipped and gaps filled from the log, and
//! every batch applied together with its progress in one transaction (effectively once).
//! The sha256 of its SCHEMA is kept with its checkpoint: when the SCHEMA changes,
//! [`runner::setup`] recreates the tables and the next catch-up replays the log into them.
//!
//! # Layout
//! - [`runner`]: the runner, rebuild, read-your-writes waiting.
//! - [`nats`]: the JetStream stream the relay writes and the runner reads.
//! - [`funds`]: the funds read model (`GET /funds`, `GET /funds/{id}`).
//! - [`capital`]: each fund's capital: totals, LP accounts, calls, movements, fee
//!   assessments, distributions, investments and exits.
//! - [`committee`]: each fund's investment committee and the resolutions put to it, with
//!   their votes, meetings, comments and outcomes.
//! - [`projects`]: each fund's project pipeline: the board by stage, the projects as they
//!   stand and each project's history step by step.
//! - [`reports`]: each fund's management reports: versions, filing, amendments.

pub mod capital;
pub mod committee;
pub mod funds;
pub mod nats;
pub mod projects;
pub mod reports;
pub mod runner;

use eventstore::RecordedEvent;
use tokio_postgres::types::ToSql;

/// A statement parameter.
pub type Param = Box<dyn ToSql + Sync + Send>;

/// One statement to run for an event: an index into [`Projection::STATEMENTS`] and its
/// parameters.
pub struct Write {
    /// Which statement.
    pub statement: usize,
    /// Its parameters.
    pub params: Vec<Param>,
}

impl Write {
    /// Statement `statement` with `params`.
    pub fn new(statement: usize, params: Vec<Param>) -> Self {
        Write { statement, params }
    }
}

/// The set-based form of one of a projection's [`Projection::STATEMENTS`]: the runner runs it
/// once for many writes of that statement instead of once per write.
///
/// Its SQL takes one array per parameter of the statement, in the same order (`$k` holds
/// every write's `$k`, its element type declared by a cast such as `$1::uuid[]`), and must
/// leave the tables as running the statement for each element would, in any order: the
/// elements never share a key. A write's key (the parameters [`SetForm::key`] names) must
/// identify everything it reads and writes, so that writes of set forms with different keys
/// commute whatever their statements; writes with one key keep their order. See the runner's
/// `writes` module for how a batch is put in rounds.
pub struct SetForm {
    /// The statement it replaces (an index into [`Projection::STATEMENTS`]).
    pub statement: usize,
    /// The SQL over arrays of the statement's parameters (usually `unnest`).
    pub sql: &'static str,
    /// The parameters (0-based) forming the write's key.
    pub key: &'static [usize],
}

/// A read model fed by the event log.
///
/// Applying an event is pure: [`Projection::writes`] says which statements to run, and the
/// runner runs them. Statements read what they need in SQL (`SET n = n + $1`, upserts), never
/// from the results of earlier statements, so the runner can send a whole batch in one go
/// (pipelined, executed in order) instead of one round trip per event, and, for statements
/// with a [`SetForm`], many writes in one execution.
pub trait Projection: Send + Sync + 'static {
    /// Unique name; also the checkpoint's name.
    const NAME: &'static str;
    /// The stream types it reads; events of other types only move its checkpoint.
    const STREAM_TYPES: &'static [&'static str];
    /// SQL creating its tables if absent. Changing it rebuilds the projection: at setup the
    /// runner compares its sha256 with the one stored and, if they differ, drops the tables
    /// ([`Projection::DROP`]), recreates them and replays the log.
    const SCHEMA: &'static str;
    /// SQL dropping its tables (rebuild).
    const DROP: &'static str;
    /// Every statement [`Projection::writes`] uses, prepared once per connection.
    const STATEMENTS: &'static [&'static str];
    /// Set-based forms of some of the statements (at most one each); a statement without one
    /// runs once per write, and orders the batch around it.
    const SET_FORMS: &'static [SetForm] = &[];

    /// The statements that apply one event, in order. Called at most once per event and in
    /// stream order; an event it does not care about gives no statements.
    fn writes(&self, event: &RecordedEvent) -> anyhow::Result<Vec<Write>>;
}

/// The names of every projection, for `fundadmin replay`.
pub const ALL: &[&str] = &[
    funds::FundsProjection::NAME,
    capital::CapitalProjection::NAME,
    committee::CommitteeProjection::NAME,
    projects::ProjectsProjection::NAME,
    reports::ReportsProjection::NAME,
];
