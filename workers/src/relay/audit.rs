//! The relay's audit: NATS is a transport, not the record. JetStream with its default lazy
//! fsync can lose acknowledged messages on a crash, and an operator can purge the stream or
//! delete messages; the projections repair themselves from PostgreSQL, and the audit makes
//! the stream whole again for every other consumer.
//!
//! When the relay takes its lease and then every [`RelayConfig::audit_interval`], with
//! nothing in flight, it compares the number of messages in the events stream with the
//! number of events at or before its checkpoint (all of which it has published and seen
//! acknowledged). When the stream holds fewer, it walks the stream's message ids (a
//! headers-only ordered consumer) and republishes every event it lacks, in feed order.
//!
//! A republished message's `Nats-Msg-Id` is `<event_id>:r<ms>` (`ms`: when the audit found
//! the loss, in Unix milliseconds), not the bare event id: JetStream keeps the ids of purged
//! or lost messages in its duplicate window and would drop a republish under the same id as
//! a duplicate (acknowledging it without storing it), and so would it a second republish of
//! one event under the first one's id. Consumers read the event from the payload; the part
//! before `:` is always the event id.

use super::{event_headers, Relay, RelayConfig};
use async_nats::jetstream::consumer::{push, DeliverPolicy};
use eventstore::subjects::{self, headers};
use eventstore::{EventStore, PgPool, Position};
use futures::StreamExt;
use std::collections::HashSet;
use std::time::Duration;

/// How long the walk waits for the next message before it gives up (and the audit retries).
const WALK_IDLE: Duration = Duration::from_secs(10);
/// Republishes awaiting their PubAck at once.
const CHUNK: usize = 512;

/// What an audit found and did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Audit {
    /// Events at or before the relay's checkpoint.
    pub relayed: u64,
    /// Messages in the stream before the audit.
    pub in_stream: u64,
    /// Events the stream lacked and the audit republished.
    pub republished: u64,
}

/// The events after `from` (all of them when `None`) and at or before `to`, in feed order.
async fn count_between(pool: &PgPool, from: Option<Position>, to: Position) -> anyhow::Result<u64> {
    let client = pool.get().await?;
    let from = from.unwrap_or_default();
    let n: i64 = client
        .query_one(
            "SELECT count(*) FROM events \
             WHERE (tx_id, global_position) > ($1::text::xid8, $2) \
               AND (tx_id, global_position) <= ($3::text::xid8, $4)",
            &[
                &from.tx_id.to_string(),
                &from.global_position,
                &to.tx_id.to_string(),
                &to.global_position,
            ],
        )
        .await?
        .get(0);
    Ok(n as u64)
}

/// The event id a `Nats-Msg-Id` stands for (itself, or the part before `:`).
pub fn event_id_of(msg_id: &str) -> &str {
    msg_id.split_once(':').map_or(msg_id, |(id, _)| id)
}

impl Relay {
    /// Compares the stream with the log up to the checkpoint and republishes what the stream
    /// lost. Call it only with nothing in flight (between two [`Relay::relay_available`]).
    pub async fn audit(&self) -> anyhow::Result<Audit> {
        let config: &RelayConfig = &self.config;
        let to = super::checkpoint(&config.pool).await?;
        let relayed = self.count_up_to(to).await?;
        let name = subjects::stream_name(&config.prefix);
        let mut stream = self
            .js
            .get_stream(&name)
            .await
            .map_err(|e| anyhow::anyhow!("getting stream {name}: {e}"))?;
        let state = stream
            .info()
            .await
            .map_err(|e| anyhow::anyhow!("stream info of {name}: {e}"))?
            .state
            .clone();
        let mut audit = Audit {
            relayed,
            in_stream: state.messages,
            republished: 0,
        };
        if state.messages > relayed {
            tracing::error!(
                stream = %name, messages = state.messages, relayed,
                "the events stream holds more messages than events were relayed"
            );
        }
        if state.messages >= relayed {
            return Ok(audit);
        }
        tracing::warn!(
            stream = %name, messages = state.messages, relayed,
            "the events stream lost messages; republishing what it lacks"
        );
        let present = if state.messages == 0 {
            HashSet::new()
        } else {
            walk_ids(&config.nats, &stream, state.messages).await?
        };
        let suffix = format!(":r{}", chrono::Utc::now().timestamp_millis());
        let store: &EventStore = &self.store;
        let mut from = Position::default();
        let mut done = false;
        while !done {
            let events = store.read_feed(from, config.batch_size).await?;
            let Some(last) = events.last() else { break };
            from = last.position();
            done = (events.len() as i64) < config.batch_size;
            let mut acks = Vec::new();
            for event in &events {
                if event.position() > to {
                    done = true;
                    break;
                }
                if present.contains(&event.event_id.to_string()) {
                    continue;
                }
                let mut h = event_headers(event);
                h.insert(
                    headers::MSG_ID,
                    format!("{}{suffix}", event.event_id).as_str(),
                );
                let subject =
                    subjects::event_subject(&config.prefix, &event.stream_type, &event.stream_id);
                acks.push(
                    self.js
                        .publish_with_headers(subject, h, serde_json::to_vec(event)?.into())
                        .await
                        .map_err(|e| anyhow::anyhow!("republishing {}: {e}", event.event_id))?,
                );
                if acks.len() >= CHUNK {
                    audit.republished += settle(std::mem::take(&mut acks)).await?;
                }
            }
            audit.republished += settle(acks).await?;
        }
        tracing::warn!(
            stream = %name, republished = audit.republished,
            "republished the events the stream had lost"
        );
        Ok(audit)
    }
}

impl Relay {
    /// The events at or before `to` in feed order: counted in full once, then from the last
    /// count on (events at or before a checkpoint never change: the feed is gap-safe), so an
    /// audit does not count the whole log every time.
    async fn count_up_to(&self, to: Position) -> anyhow::Result<u64> {
        let last = *self.counted.lock().unwrap_or_else(|p| p.into_inner());
        let (from, base) = match last {
            Some((at, n)) if at <= to => (Some(at), n),
            _ => (None, 0),
        };
        let relayed = base + count_between(&self.config.pool, from, to).await?;
        *self.counted.lock().unwrap_or_else(|p| p.into_inner()) = Some((to, relayed));
        Ok(relayed)
    }
}

/// Awaits the PubAcks of `acks`; returns how many were stored (not duplicates).
async fn settle(
    acks: Vec<async_nats::jetstream::context::PublishAckFuture>,
) -> anyhow::Result<u64> {
    let mut stored = 0;
    for ack in acks {
        let ack = ack
            .await
            .map_err(|e| anyhow::anyhow!("PubAck of a republished event: {e}"))?;
        stored += u64::from(!ack.duplicate);
    }
    Ok(stored)
}

/// The event ids of the `expected` messages of `stream`, read with a headers-only ordered
/// consumer.
async fn walk_ids(
    nats: &async_nats::Client,
    stream: &async_nats::jetstream::stream::Stream,
    expected: u64,
) -> anyhow::Result<HashSet<String>> {
    let consumer = stream
        .create_consumer(push::OrderedConfig {
            deliver_subject: nats.new_inbox(),
            deliver_policy: DeliverPolicy::All,
            headers_only: true,
            ..Default::default()
        })
        .await
        .map_err(|e| anyhow::anyhow!("creating the audit consumer: {e}"))?;
    let mut messages = consumer
        .messages()
        .await
        .map_err(|e| anyhow::anyhow!("walking the stream: {e}"))?;
    let mut ids = HashSet::with_capacity(expected as usize);
    loop {
        let message = tokio::time::timeout(WALK_IDLE, messages.next())
            .await
            .map_err(|_| anyhow::anyhow!("walking the stream: no message for {WALK_IDLE:?}"))?
            .ok_or_else(|| anyhow::anyhow!("walking the stream: the consumer ended"))?
            .map_err(|e| anyhow::anyhow!("walking the stream: {e}"))?;
        if let Some(id) = message
            .headers
            .as_ref()
            .and_then(|h| h.get(headers::MSG_ID))
        {
            ids.insert(event_id_of(id.as_str()).to_owned());
        }
        let pending = message
            .info()
            .map_err(|e| anyhow::anyhow!("walking the stream: {e}"))?
            .pending;
        if pending == 0 {
            return Ok(ids);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::event_id_of;

    #[test]
    fn msg_ids_name_their_event() {
        assert_eq!(event_id_of("0190-ab"), "0190-ab");
        assert_eq!(event_id_of("0190-ab:r42"), "0190-ab");
    }
}
