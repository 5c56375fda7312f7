//! Walks the whole log: every stream's versions are 1, 2, 3… with none missing, every hash
//! is the chain of the previous one and the event's canonical bytes, and every stream head
//! matches its last event. A row changed behind the immutability trigger's back is named.

use crate::hash::{self, HashedFields, GENESIS};
use crate::store::{row_to_event, StoreError, EVENT_COLUMNS};
use crate::PgPool;
use futures::{pin_mut, TryStreamExt};
use serde::Serialize;
use std::collections::HashMap;

/// One thing wrong in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    /// The stored hash is not the chain of the previous hash and this event's bytes.
    HashMismatch {
        /// The event.
        event_id: uuid::Uuid,
        /// Its stream.
        stream_id: String,
        /// Its version.
        stream_version: i64,
        /// Its global position.
        global_position: i64,
        /// Stored hash (hex).
        stored: String,
        /// Recomputed hash (hex).
        computed: String,
    },
    /// A stream version is missing or out of sequence.
    VersionGap {
        /// The stream.
        stream_id: String,
        /// The version that should come next.
        expected_version: i64,
        /// The version found.
        found_version: i64,
    },
    /// The `streams` row disagrees with the stream's last event.
    HeadMismatch {
        /// The stream.
        stream_id: String,
        /// Version and hash in `streams` (absent: no row).
        head_version: Option<i64>,
        /// Version of the last event (0: no events).
        last_event_version: i64,
    },
}

/// What [`verify`] found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct VerifyReport {
    /// Events checked.
    pub events: u64,
    /// Streams checked.
    pub streams: u64,
    /// Everything wrong (empty: the log is intact).
    pub problems: Vec<Problem>,
}

impl VerifyReport {
    /// Whether nothing is wrong.
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks the whole log (see the module documentation).
pub async fn verify(pool: &PgPool) -> Result<VerifyReport, StoreError> {
    let client = pool.get().await?;
    let mut report = VerifyReport::default();
    // stream → (last version, last hash)
    let mut last: HashMap<String, (i64, [u8; 32])> = HashMap::new();
    let rows = client
        .query_raw(
            &format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY stream_id, stream_version"),
            std::iter::empty::<i32>(),
        )
        .await?;
    pin_mut!(rows);
    while let Some(row) = rows.try_next().await? {
        let e = row_to_event(&row);
        report.events += 1;
        let (prev_version, prev_hash) = last.get(&e.stream_id).copied().unwrap_or((0, GENESIS));
        if e.stream_version != prev_version + 1 {
            report.problems.push(Problem::VersionGap {
                stream_id: e.stream_id.clone(),
                expected_version: prev_version + 1,
                found_version: e.stream_version,
            });
        }
        let computed = hash::chain(
            &prev_hash,
            &HashedFields {
                event_id: e.event_id,
                stream_id: &e.stream_id,
                stream_type: &e.stream_type,
                stream_version: e.stream_version,
                event_type: &e.event_type,
                schema_version: e.schema_version,
                payload: &e.payload,
                metadata: &e.metadata,
                effective_at: e.effective_at,
                recorded_at: e.recorded_at,
            },
        );
        let computed_hex = hex::encode(computed);
        let mut stored = GENESIS;
        if hex::decode_to_slice(&e.hash, &mut stored).is_err() || computed_hex != e.hash {
            report.problems.push(Problem::HashMismatch {
                event_id: e.event_id,
                stream_id: e.stream_id.clone(),
                stream_version: e.stream_version,
                global_position: e.global_position,
                stored: e.hash.clone(),
                computed: computed_hex,
            });
        }
        // Chain on from the stored hash, so only the tampered event is named.
        last.insert(e.stream_id, (e.stream_version, stored));
    }
    let heads = client
        .query("SELECT stream_id, version, head_hash FROM streams", &[])
        .await?;
    report.streams = heads.len() as u64;
    for row in &heads {
        let stream_id: String = row.get(0);
        let version: i64 = row.get(1);
        let head: Vec<u8> = row.get(2);
        match last.remove(&stream_id) {
            Some((v, h)) if v == version && h.as_slice() == head.as_slice() => {}
            Some((v, _)) => report.problems.push(Problem::HeadMismatch {
                stream_id,
                head_version: Some(version),
                last_event_version: v,
            }),
            None => report.problems.push(Problem::HeadMismatch {
                stream_id,
                head_version: Some(version),
                last_event_version: 0,
            }),
        }
    }
    for (stream_id, (v, _)) in last {
        report.problems.push(Problem::HeadMismatch {
            stream_id,
            head_version: None,
            last_event_version: v,
        });
    }
    Ok(report)
}
