//! Names on NATS JetStream. Every environment (and every test) has its own prefix, so many
//! can share one NATS server.

/// The subject of one event: `<prefix>.events.<stream_type>.<stream_id>`.
pub fn event_subject(prefix: &str, stream_type: &str, stream_id: &str) -> String {
    format!(
        "{prefix}.events.{}.{}",
        token(stream_type),
        token(stream_id)
    )
}

/// Every event subject of a prefix: `<prefix>.events.>`.
pub fn all_events(prefix: &str) -> String {
    format!("{prefix}.events.>")
}

/// The JetStream stream holding a prefix's events, e.g. `FUNDADMIN_EVENTS`.
pub fn stream_name(prefix: &str) -> String {
    let cleaned: String = prefix
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("{cleaned}_EVENTS")
}

/// A subject token: no dots, spaces or wildcards.
fn token(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '.' | ' ' | '*' | '>' | '\t' | '\r' | '\n' => '_',
            c => c,
        })
        .collect()
}

/// NATS header names the relay sets on every event message.
pub mod headers {
    /// The event id, for JetStream's duplicate detection.
    pub const MSG_ID: &str = "Nats-Msg-Id";
    /// Global position in the log.
    pub const GLOBAL_POSITION: &str = "Fundadmin-Global-Position";
    /// Writing transaction id.
    pub const TX_ID: &str = "Fundadmin-Tx-Id";
    /// Version in the stream.
    pub const STREAM_VERSION: &str = "Fundadmin-Stream-Version";
    /// Event type.
    pub const EVENT_TYPE: &str = "Fundadmin-Event-Type";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_and_stream_names() {
        assert_eq!(
            event_subject("fundadmin", "fund", "a.b c"),
            "fundadmin.events.fund.a_b_c"
        );
        assert_eq!(all_events("t1"), "t1.events.>");
        assert_eq!(stream_name("fundadmin"), "FUNDADMIN_EVENTS");
        assert_eq!(stream_name("dev.x"), "DEV_X_EVENTS");
    }
}
