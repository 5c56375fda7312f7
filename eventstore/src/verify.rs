//! Walks the whole log: every stream's versions are 1, 2, 3… with none missing, every hash
//! is the chain of the previous one and the event's canonical bytes, and every stream head
//! matches its last event. A row changed behind the immutability trigger's back is named.
//! [`verify_references`] checks only the events a document cites (e.g. a liability-exemption
//! evidence package) and the chains of their streams up to them.

use crate::hash::{self, HashedFields, GENESIS};
use crate::store::{row_to_event, StoreError, EVENT_COLUMNS};
use crate::{PgPool, RecordedEvent};
use domain::exemption::EventRef;
use futures::{pin_mut, TryStreamExt};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

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
    /// No event has the id a document cites.
    MissingEvent {
        /// The id cited.
        event_id: uuid::Uuid,
    },
    /// The event a document cites is stored with another stream, version, position, hash,
    /// type, date or payload.
    ReferenceMismatch {
        /// The event.
        event_id: uuid::Uuid,
        /// The field that differs (`stream_id`, `stream_type`, `version`, `global_position`,
        /// `hash`, `event_type`, `effective_date`, `payload`).
        field: &'static str,
        /// As cited.
        cited: String,
        /// As stored.
        stored: String,
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

/// The hash of `e` chained on `prev_hash`, recomputed from its stored fields.
pub(crate) fn rehash(prev_hash: &[u8; 32], e: &RecordedEvent) -> [u8; 32] {
    hash::chain(
        prev_hash,
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
    )
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
        let computed_hex = hex::encode(rehash(&prev_hash, &e));
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

/// An event as a document cites it: its reference and, when the document carries it, its
/// payload.
#[derive(Debug, Clone, PartialEq)]
pub struct CitedEvent {
    /// The reference.
    pub reference: EventRef,
    /// The payload as the document shows it, compared with the stored one when present.
    pub payload: Option<serde_json::Value>,
}

/// Checks the events a document cites: each exists with the id cited, in the stream, at the
/// version and global position, with the hash, type, date (and payload) cited; and each
/// cited stream's chain is intact from its first event up to the last one cited (versions
/// 1, 2, 3… and every hash recomputed from the stored fields). `events` in the report counts
/// the events whose chain was walked, `streams` the streams.
pub async fn verify_references(
    pool: &PgPool,
    cited: &[CitedEvent],
) -> Result<VerifyReport, StoreError> {
    let client = pool.get().await?;
    let ids: Vec<uuid::Uuid> = cited.iter().map(|c| c.reference.event_id).collect();
    let rows = client
        .query(
            &format!("SELECT {EVENT_COLUMNS} FROM events WHERE event_id = ANY($1)"),
            &[&ids],
        )
        .await?;
    let stored: HashMap<uuid::Uuid, RecordedEvent> = rows
        .iter()
        .map(row_to_event)
        .map(|e| (e.event_id, e))
        .collect();
    let mut report = VerifyReport::default();
    // stream → the highest version cited in it
    let mut reach: BTreeMap<String, i64> = BTreeMap::new();
    for c in cited {
        let r = &c.reference;
        let Some(e) = stored.get(&r.event_id) else {
            report.problems.push(Problem::MissingEvent {
                event_id: r.event_id,
            });
            continue;
        };
        let version = reach.entry(e.stream_id.clone()).or_insert(0);
        *version = (*version).max(e.stream_version);
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let payload = |p: &serde_json::Value| p.to_string();
        let fields = [
            ("stream_id", r.stream_id.clone(), e.stream_id.clone()),
            ("stream_type", r.stream_type.clone(), e.stream_type.clone()),
            (
                "version",
                r.version.to_string(),
                e.stream_version.to_string(),
            ),
            (
                "global_position",
                r.global_position.to_string(),
                e.global_position.to_string(),
            ),
            ("hash", r.hash.clone(), e.hash.clone()),
            ("event_type", r.event_type.clone(), e.event_type.clone()),
        ];
        let optional = [
            r.effective_date.map(|_| {
                (
                    "effective_date",
                    date(r.effective_date),
                    date(Some(e.effective_at)),
                )
            }),
            c.payload
                .as_ref()
                .map(|p| ("payload", payload(p), payload(&e.payload))),
        ];
        for (field, cited, stored) in fields.into_iter().chain(optional.into_iter().flatten()) {
            if cited != stored {
                report.problems.push(Problem::ReferenceMismatch {
                    event_id: r.event_id,
                    field,
                    cited,
                    stored,
                });
            }
        }
    }
    for (stream_id, to) in reach {
        report.streams += 1;
        let rows = client
            .query(
                &format!(
                    "SELECT {EVENT_COLUMNS} FROM events WHERE stream_id = $1 \
                     AND stream_version <= $2 ORDER BY stream_version"
                ),
                &[&stream_id, &to],
            )
            .await?;
        let (mut prev_version, mut prev_hash) = (0, GENESIS);
        for e in rows.iter().map(row_to_event) {
            report.events += 1;
            if e.stream_version != prev_version + 1 {
                report.problems.push(Problem::VersionGap {
                    stream_id: e.stream_id.clone(),
                    expected_version: prev_version + 1,
                    found_version: e.stream_version,
                });
            }
            let computed = hex::encode(rehash(&prev_hash, &e));
            let mut stored = GENESIS;
            if hex::decode_to_slice(&e.hash, &mut stored).is_err() || computed != e.hash {
                report.problems.push(Problem::HashMismatch {
                    event_id: e.event_id,
                    stream_id: e.stream_id.clone(),
                    stream_version: e.stream_version,
                    global_position: e.global_position,
                    stored: e.hash.clone(),
                    computed,
                });
            }
            (prev_version, prev_hash) = (e.stream_version, stored);
        }
        if prev_version != to {
            report.problems.push(Problem::VersionGap {
                stream_id,
                expected_version: prev_version + 1,
                found_version: to,
            });
        }
    }
    Ok(report)
}
