//! The column arrays a prepared command is appended with: its events, its streams' expected
//! and new heads, and the streams it was decided on without writing them.

use crate::types::{NewEvent, StreamAppend};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// Column arrays of events.
#[derive(Default)]
pub(crate) struct EventColumns {
    pub(crate) event_ids: Vec<Uuid>,
    pub(crate) stream_ids: Vec<String>,
    pub(crate) stream_types: Vec<String>,
    pub(crate) versions: Vec<i64>,
    pub(crate) event_types: Vec<String>,
    pub(crate) schema_versions: Vec<i32>,
    pub(crate) payloads: Vec<serde_json::Value>,
    pub(crate) metadata: Vec<serde_json::Value>,
    pub(crate) effective_at: Vec<NaiveDate>,
    pub(crate) recorded_at: Vec<DateTime<Utc>>,
    pub(crate) hashes: Vec<Vec<u8>>,
}

impl EventColumns {
    pub(crate) fn push(
        &mut self,
        append: &StreamAppend,
        event: &NewEvent,
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

    pub(crate) fn extend(&mut self, o: &EventColumns) {
        self.event_ids.extend_from_slice(&o.event_ids);
        self.stream_ids.extend_from_slice(&o.stream_ids);
        self.stream_types.extend_from_slice(&o.stream_types);
        self.versions.extend_from_slice(&o.versions);
        self.event_types.extend_from_slice(&o.event_types);
        self.schema_versions.extend_from_slice(&o.schema_versions);
        self.payloads.extend_from_slice(&o.payloads);
        self.metadata.extend_from_slice(&o.metadata);
        self.effective_at.extend_from_slice(&o.effective_at);
        self.recorded_at.extend_from_slice(&o.recorded_at);
        self.hashes.extend_from_slice(&o.hashes);
    }
}

/// Column arrays of the streams' expected and new heads.
#[derive(Default)]
pub(crate) struct StreamColumns {
    pub(crate) ids: Vec<String>,
    pub(crate) types: Vec<String>,
    pub(crate) expected: Vec<i64>,
    pub(crate) expected_heads: Vec<Vec<u8>>,
    pub(crate) versions: Vec<i64>,
    pub(crate) heads: Vec<Vec<u8>>,
}

/// Column arrays of the streams a command read without writing them, at the version and head
/// it read them at ([`crate::StreamCheck`]).
#[derive(Default)]
pub(crate) struct CheckColumns {
    pub(crate) ids: Vec<String>,
    pub(crate) versions: Vec<i64>,
    pub(crate) heads: Vec<Vec<u8>>,
}
