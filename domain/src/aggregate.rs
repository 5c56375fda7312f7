//! The traits every aggregate implements, and the given/when/then helper for its tests.

use serde::{de::DeserializeOwned, Serialize};

/// A consistency boundary: a pure decision function and a pure fold over its events.
pub trait Aggregate: Default + Clone + Send + Sync + 'static {
    /// The stream type under which this aggregate's events are stored (e.g. `"fund"`).
    const STREAM_TYPE: &'static str;
    /// What a caller asks this aggregate to do.
    type Command: Send + Sync;
    /// What happened, as stored forever.
    type Event: DomainEvent;
    /// Why a command was refused.
    type Error: Rejection;

    /// Decides which events a command produces on the current state, or refuses it.
    fn decide(&self, command: &Self::Command) -> Result<Vec<Self::Event>, Self::Error>;

    /// Folds one event into the state. Must never fail: events are facts.
    fn evolve(&mut self, event: &Self::Event);

    /// Folds a sequence of events into a fresh state.
    fn replay<'a>(events: impl IntoIterator<Item = &'a Self::Event>) -> Self {
        let mut state = Self::default();
        for event in events {
            state.evolve(event);
        }
        state
    }
}

/// An event type stored in the log.
///
/// Events serialize adjacently tagged, `{"type": "...", "data": {...}}`: the store keeps
/// `type` in its `event_type` column and `data` as the payload.
pub trait DomainEvent:
    Serialize + DeserializeOwned + Clone + std::fmt::Debug + Send + Sync
{
    /// The name stored in the `event_type` column.
    fn event_type(&self) -> &'static str;

    /// The schema version this code writes for this event type.
    fn schema_version(&self) -> i32 {
        1
    }

    /// The business date the event takes effect (used by as-of reports). `None` means the
    /// day it is recorded.
    fn effective_date(&self) -> Option<chrono::NaiveDate> {
        None
    }

    /// Whether a payload of `event_type` stored at `schema_version` is read as it is, in the
    /// current shape, without [`upcast`](DomainEvent::upcast). The store then deserializes
    /// the stored JSON text directly (the reports' fast path) and calls `upcast` only for
    /// the versions this says no to. The default says no to everything, which is always
    /// correct; a type says yes (see [`reads_version_1_as_stored`]) only beside an `upcast`
    /// that leaves those versions unchanged.
    fn reads_as_stored(event_type: &str, schema_version: i32) -> bool {
        let _ = (event_type, schema_version);
        false
    }

    /// Rewrites a stored payload of an older schema version into the current shape.
    /// Called by the store on every read path before deserializing, for the versions
    /// [`reads_as_stored`](DomainEvent::reads_as_stored) says no to. The default accepts
    /// only version 1.
    fn upcast(
        event_type: &str,
        schema_version: i32,
        payload: serde_json::Value,
    ) -> Result<serde_json::Value, UpcastError> {
        if schema_version == 1 {
            Ok(payload)
        } else {
            Err(UpcastError {
                event_type: event_type.to_owned(),
                schema_version,
            })
        }
    }
}

/// [`DomainEvent::reads_as_stored`] for a type with the default `upcast`: every payload is
/// schema version 1, read as stored. A type that gains an upcaster changes both together.
pub fn reads_version_1_as_stored(schema_version: i32) -> bool {
    schema_version == 1
}

/// A stored event whose schema version this code cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no upcaster for {event_type} schema version {schema_version}")]
pub struct UpcastError {
    /// The stored event type.
    pub event_type: String,
    /// The stored schema version.
    pub schema_version: i32,
}

/// A refused command: a stable machine-readable code and, for domain rules, the article.
pub trait Rejection: std::error::Error + Send + Sync + 'static {
    /// Stable code for clients, e.g. `stake_limit_exceeded`.
    fn code(&self) -> &'static str;
    /// The rule broken, e.g. `Art. 10`, when the refusal comes from the fund rules.
    fn rule(&self) -> Option<&'static str> {
        None
    }
    /// Whether the refusal means the target does not exist (mapped to 404 by the API).
    fn is_not_found(&self) -> bool {
        false
    }
}

/// Given/when/then for aggregate tests:
/// `given::<Fund>(&[e1, e2]).when(&cmd)` returns the decision.
pub fn given<A: Aggregate>(history: &[A::Event]) -> Given<A> {
    Given {
        state: A::replay(history),
    }
}

/// The state built by [`given`].
pub struct Given<A: Aggregate> {
    /// The state after the history.
    pub state: A,
}

impl<A: Aggregate> Given<A> {
    /// Decides `command` on the given state.
    pub fn when(&self, command: &A::Command) -> Result<Vec<A::Event>, A::Error> {
        self.state.decide(command)
    }
}
