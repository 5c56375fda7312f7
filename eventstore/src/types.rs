//! What is appended to the log and what is read back.

use chrono::{DateTime, NaiveDate, Utc};
use domain::{DomainEvent, UpcastError};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The version a writer expects a stream to be at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExpectedVersion {
    /// Whatever the version (the stream may or may not exist).
    Any,
    /// The stream must not exist yet.
    NoStream,
    /// The stream must be exactly at this version (its last event has this number).
    Exact(i64),
}

impl ExpectedVersion {
    /// Whether a stream at `actual` (0 = absent) satisfies this expectation.
    pub fn admits(&self, actual: i64) -> bool {
        match self {
            ExpectedVersion::Any => true,
            ExpectedVersion::NoStream => actual == 0,
            ExpectedVersion::Exact(v) => *v == actual,
        }
    }
}

/// Who did what, attached to every event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// The acting principal, e.g. `manager:<fund>` or `admin`.
    pub actor: String,
    /// The principal's role.
    pub role: String,
    /// The token used, if any (its id, never its secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_id: Option<Uuid>,
    /// The command that produced the event.
    pub command_id: Uuid,
    /// The business operation this command belongs to.
    pub correlation_id: Uuid,
    /// The message (command or event) that caused this command.
    pub causation_id: Uuid,
}

impl Metadata {
    /// Metadata for a command with a fresh id that starts its own correlation.
    pub fn new(actor: impl Into<String>, role: impl Into<String>) -> Self {
        let command_id = Uuid::now_v7();
        Metadata {
            actor: actor.into(),
            role: role.into(),
            token_id: None,
            command_id,
            correlation_id: command_id,
            causation_id: command_id,
        }
    }
}

/// One event to append.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// Globally unique; also the NATS message id.
    pub event_id: Uuid,
    /// Stored `event_type`.
    pub event_type: String,
    /// Stored `schema_version`.
    pub schema_version: i32,
    /// The event's data.
    pub payload: serde_json::Value,
    /// Who and why.
    pub metadata: serde_json::Value,
    /// The business date (`None`: the recording date in China Standard Time).
    pub effective_at: Option<NaiveDate>,
}

impl NewEvent {
    /// Encodes a domain event (adjacently tagged: `type` → `event_type`, `data` → payload).
    pub fn from_domain<E: DomainEvent>(event: &E, metadata: &Metadata) -> Self {
        let mut value = serde_json::to_value(event).unwrap_or(serde_json::Value::Null);
        let payload = value
            .get_mut("data")
            .map(serde_json::Value::take)
            .unwrap_or(serde_json::Value::Null);
        NewEvent {
            event_id: Uuid::now_v7(),
            event_type: event.event_type().to_owned(),
            schema_version: event.schema_version(),
            payload,
            metadata: serde_json::to_value(metadata).unwrap_or(serde_json::Value::Null),
            effective_at: event.effective_date(),
        }
    }
}

/// Events for one stream, with the version the writer expects it at.
#[derive(Debug, Clone)]
pub struct StreamAppend {
    /// The stream.
    pub stream_id: String,
    /// Its type (the aggregate's `STREAM_TYPE`).
    pub stream_type: String,
    /// The expected version before these events.
    pub expected: ExpectedVersion,
    /// The stream's head hash at `Exact` expected version, when the writer knows it (the
    /// repository does): the append then needs no read before its one statement.
    pub known_head: Option<[u8; 32]>,
    /// The events, in order.
    pub events: Vec<NewEvent>,
}

/// A stream a command was decided on without writing to it, at the version (and head) it was
/// read at: the append fails as a conflict on that stream if the stream has moved since, so a
/// decision on a cached state of another stream is never committed stale. The stream's row is
/// locked for share until the append commits, so it cannot move in between either.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamCheck {
    /// The stream read.
    pub stream_id: String,
    /// Its version when read (0 = absent).
    pub version: i64,
    /// Its head hash when read (ignored at version 0).
    pub head: [u8; 32],
}

/// A point in the gap-safe global order: `(tx_id, global_position)`.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Position {
    /// The writing transaction id (xid8).
    pub tx_id: i64,
    /// The event's global position.
    pub global_position: i64,
}

/// What an append did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppendResult {
    /// Each stream's version after the append, in the order given.
    pub stream_versions: Vec<(String, i64)>,
    /// Global position of the first event written.
    pub first_position: i64,
    /// Global position of the last event written.
    pub last_position: i64,
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedEvent {
    /// Position in the global log.
    pub global_position: i64,
    /// The writing transaction id.
    pub tx_id: i64,
    /// Unique id.
    pub event_id: Uuid,
    /// Its stream.
    pub stream_id: String,
    /// Its stream's type.
    pub stream_type: String,
    /// Its number in the stream, from 1.
    pub stream_version: i64,
    /// Its type.
    pub event_type: String,
    /// Schema version of the payload as stored.
    pub schema_version: i32,
    /// The data.
    pub payload: serde_json::Value,
    /// Who and why.
    pub metadata: serde_json::Value,
    /// Business date.
    pub effective_at: NaiveDate,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Hex sha256 chained over the stream.
    pub hash: String,
}

impl RecordedEvent {
    /// Its position in the gap-safe order.
    pub fn position(&self) -> Position {
        Position {
            tx_id: self.tx_id,
            global_position: self.global_position,
        }
    }

    /// Decodes the payload as a domain event, upcasting older schema versions first.
    pub fn decode<E: DomainEvent>(&self) -> Result<E, DecodeError> {
        let decoded = if E::reads_as_stored(&self.event_type, self.schema_version) {
            from_tagged(&self.event_type, &self.payload)
        } else {
            let payload = E::upcast(&self.event_type, self.schema_version, self.payload.clone())?;
            from_tagged(&self.event_type, &payload)
        };
        decoded.map_err(|e| DecodeError::Payload {
            event_id: self.event_id,
            message: e.to_string(),
        })
    }
}

/// Deserializes `{"type": event_type, "data": payload}` (the adjacently tagged form of domain
/// events) from the payload in place, without copying it into a tagged tree first.
fn from_tagged<E: serde::de::DeserializeOwned>(
    event_type: &str,
    payload: &serde_json::Value,
) -> Result<E, serde_json::Error> {
    let tag = serde_json::Value::String(event_type.to_owned());
    let entries = [("type", &tag), ("data", payload)];
    E::deserialize(
        serde::de::value::MapDeserializer::<_, serde_json::Error>::new(entries.into_iter()),
    )
}

/// Decodes a stored payload given as JSON text (`payload::text`) as a domain event, as
/// [`RecordedEvent::decode`] does: straight from the text when `E` reads that schema version
/// as stored ([`DomainEvent::reads_as_stored`]), which skips building a JSON tree, and
/// through [`DomainEvent::upcast`] otherwise.
pub fn decode_text<E: DomainEvent>(
    event_id: Uuid,
    event_type: &str,
    schema_version: i32,
    payload: &str,
) -> Result<E, DecodeError> {
    let failed = |e: serde_json::Error| DecodeError::Payload {
        event_id,
        message: e.to_string(),
    };
    if E::reads_as_stored(event_type, schema_version) {
        // The type name is one of the code's own identifiers, but quote it properly anyway.
        let name = serde_json::to_string(event_type).map_err(failed)?;
        let tagged = format!("{{\"type\":{name},\"data\":{payload}}}");
        serde_json::from_str(&tagged).map_err(failed)
    } else {
        let stored = serde_json::from_str(payload).map_err(failed)?;
        let payload = E::upcast(event_type, schema_version, stored)?;
        let tagged = serde_json::json!({ "type": event_type, "data": payload });
        serde_json::from_value(tagged).map_err(failed)
    }
}

/// A stored event that this code cannot read.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// No upcaster for its schema version.
    #[error(transparent)]
    Upcast(#[from] UpcastError),
    /// The payload does not match the event type.
    #[error("event {event_id}: {message}")]
    Payload {
        /// The event.
        event_id: Uuid,
        /// What serde said.
        message: String,
    },
}
