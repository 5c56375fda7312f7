//! The canonical bytes of an event and the per-stream sha256 hash chain.
//!
//! `hash(n) = sha256(hash(n-1) || canonical(n))`, with 32 zero bytes before the first event.
//! The canonical bytes are a JSON object with sorted keys and no whitespace over every stored
//! field except the database-assigned `global_position` and `tx_id`:
//! `effective_at, event_id, event_type, metadata, payload, recorded_at, schema_version,
//! stream_id, stream_type, stream_version`. Keys of nested objects are sorted too, so the bytes
//! do not depend on how PostgreSQL's `jsonb` orders them.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The hash before a stream's first event.
pub const GENESIS: [u8; 32] = [0; 32];

/// The fields of an event that its hash covers.
pub struct HashedFields<'a> {
    /// Event id.
    pub event_id: Uuid,
    /// Stream id.
    pub stream_id: &'a str,
    /// Stream type.
    pub stream_type: &'a str,
    /// Version in the stream.
    pub stream_version: i64,
    /// Event type.
    pub event_type: &'a str,
    /// Schema version.
    pub schema_version: i32,
    /// Payload.
    pub payload: &'a Value,
    /// Metadata.
    pub metadata: &'a Value,
    /// Business date.
    pub effective_at: NaiveDate,
    /// Recording time (microsecond precision).
    pub recorded_at: DateTime<Utc>,
}

/// The chained hash of an event given the previous hash in its stream.
pub fn chain(previous: &[u8; 32], fields: &HashedFields<'_>) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(previous);
    hasher.update(canonical_bytes(fields));
    hasher.finalize().into()
}

/// The canonical bytes of an event (see the module documentation).
pub fn canonical_bytes(f: &HashedFields<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(b"{\"effective_at\":");
    write_str(&mut out, &f.effective_at.format("%Y-%m-%d").to_string());
    out.extend_from_slice(b",\"event_id\":");
    write_str(&mut out, &f.event_id.to_string());
    out.extend_from_slice(b",\"event_type\":");
    write_str(&mut out, f.event_type);
    out.extend_from_slice(b",\"metadata\":");
    write_canonical(&mut out, f.metadata);
    out.extend_from_slice(b",\"payload\":");
    write_canonical(&mut out, f.payload);
    out.extend_from_slice(b",\"recorded_at\":");
    write_str(&mut out, &format_timestamp(f.recorded_at));
    out.extend_from_slice(b",\"schema_version\":");
    out.extend_from_slice(f.schema_version.to_string().as_bytes());
    out.extend_from_slice(b",\"stream_id\":");
    write_str(&mut out, f.stream_id);
    out.extend_from_slice(b",\"stream_type\":");
    write_str(&mut out, f.stream_type);
    out.extend_from_slice(b",\"stream_version\":");
    out.extend_from_slice(f.stream_version.to_string().as_bytes());
    out.push(b'}');
    out
}

/// A timestamp as hashed: UTC, microseconds, `Z`.
pub fn format_timestamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Writes `value` as JSON with object keys sorted by their UTF-8 bytes and no whitespace.
pub fn write_canonical(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push(b'{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_str(out, k);
                out.push(b':');
                write_canonical(out, v);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(out, v);
            }
            out.push(b']');
        }
        scalar => out.extend_from_slice(scalar.to_string().as_bytes()),
    }
}

fn write_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(Value::String(s.to_owned()).to_string().as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields<'a>(payload: &'a Value, metadata: &'a Value) -> HashedFields<'a> {
        HashedFields {
            event_id: Uuid::nil(),
            stream_id: "s",
            stream_type: "fund",
            stream_version: 1,
            event_type: "FundEstablished",
            schema_version: 1,
            payload,
            metadata,
            effective_at: NaiveDate::from_ymd_opt(2021, 9, 1).unwrap(),
            recorded_at: DateTime::from_timestamp(1_700_000_000, 123_456_000).unwrap(),
        }
    }

    #[test]
    fn canonical_bytes_sort_nested_keys() {
        let a = json!({"b": 1, "a": {"z": "x", "y": [1, {"d": 2, "c": 3}]}});
        let b = json!({"a": {"y": [1, {"c": 3, "d": 2}], "z": "x"}, "b": 1});
        let m = json!({});
        assert_eq!(
            canonical_bytes(&fields(&a, &m)),
            canonical_bytes(&fields(&b, &m))
        );
        let mut out = Vec::new();
        write_canonical(&mut out, &a);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"a":{"y":[1,{"c":3,"d":2}],"z":"x"},"b":1}"#
        );
    }

    #[test]
    fn the_chain_depends_on_the_previous_hash_and_every_field() {
        let p = json!({"name": "基金"});
        let m = json!({"actor": "admin"});
        let base = chain(&GENESIS, &fields(&p, &m));
        assert_ne!(chain(&base, &fields(&p, &m)), base);
        let p2 = json!({"name": "基金 "});
        assert_ne!(chain(&GENESIS, &fields(&p2, &m)), base);
        let mut f = fields(&p, &m);
        f.stream_version = 2;
        assert_ne!(chain(&GENESIS, &f), base);
    }

    #[test]
    fn timestamps_are_hashed_to_the_microsecond() {
        let t = DateTime::from_timestamp(1_700_000_000, 123_456_000).unwrap();
        assert_eq!(format_timestamp(t), "2023-11-14T22:13:20.123456Z");
    }
}
