//! The relay: a checkpointed reader of the gap-safe feed that publishes every event to NATS
//! JetStream at `<prefix>.events.<stream_type>.<stream_id>`, with `Nats-Msg-Id = event_id` so
//! JetStream drops republished duplicates, and headers for position, tx id, stream version
//! and event type. Publishes are asynchronous with a bounded number awaiting their PubAck; the
//! checkpoint moves only past events whose PubAck, and every earlier one, has arrived. It wakes on LISTEN/NOTIFY and polls
//! as a fallback. One relay per database is active at a time (a session advisory lock); any
//! other waits as a standby. Its [`audit`] republishes what the JetStream stream lost.

pub mod audit;

use async_nats::jetstream;
use async_nats::HeaderMap;
use eventstore::subjects::{self, headers};
use eventstore::{EventStore, Metrics, PgPool, Position, RecordedEvent};
use futures::stream::FuturesOrdered;
use futures::StreamExt;
use std::time::Duration;
use tokio::sync::watch;

/// The relay's checkpoint name.
pub const CHECKPOINT: &str = "relay";
const LEASE_KEY: i64 = 0x0072_656c_6179; // "relay"

/// What the relay needs, and how it is tuned.
#[derive(Clone)]
pub struct RelayConfig {
    /// The database.
    pub pool: PgPool,
    /// For LISTEN/NOTIFY and the lease connection.
    pub database_url: String,
    /// NATS.
    pub nats: async_nats::Client,
    /// Subject prefix.
    pub prefix: String,
    /// Metrics registry.
    pub metrics: Metrics,
    /// Flips to `true` on shutdown.
    pub shutdown: watch::Receiver<bool>,
    /// Events read per batch.
    pub batch_size: i64,
    /// Publishes awaiting their PubAck at most.
    pub max_in_flight: usize,
    /// Polling interval when no notification arrives.
    pub poll_interval: Duration,
    /// Time between two audits of the stream against the log ([`audit`]); `None`: never.
    pub audit_interval: Option<Duration>,
}

/// The default [`RelayConfig::audit_interval`]: `FUNDADMIN_RELAY_AUDIT_SECONDS` (0 turns the
/// audit off), else 10 s.
pub fn default_audit_interval() -> Option<Duration> {
    let seconds = std::env::var("FUNDADMIN_RELAY_AUDIT_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or(10.0);
    (seconds > 0.0).then(|| Duration::from_secs_f64(seconds))
}

impl RelayConfig {
    /// A configuration with the default tuning.
    pub fn new(
        pool: PgPool,
        database_url: String,
        nats: async_nats::Client,
        prefix: String,
        metrics: Metrics,
        shutdown: watch::Receiver<bool>,
    ) -> Self {
        RelayConfig {
            pool,
            database_url,
            nats,
            prefix,
            metrics,
            shutdown,
            batch_size: 1000,
            max_in_flight: 1024,
            poll_interval: Duration::from_millis(500),
            audit_interval: default_audit_interval(),
        }
    }
}

/// The relay.
pub struct Relay {
    config: RelayConfig,
    store: EventStore,
    js: jetstream::Context,
    /// The audit's last count: the events at or before a checkpoint (final, since the feed
    /// is gap-safe), so the next audit counts only the events after it.
    counted: std::sync::Mutex<Option<(Position, u64)>>,
    /// The checkpoint as this relay last saved it: while it holds the lease nobody else moves
    /// it, so a wake-up reads the feed without reading the checkpoint first. Cleared when the
    /// lease is taken.
    position: std::sync::Mutex<Option<Position>>,
}

impl Relay {
    /// A relay with `config`.
    pub fn new(config: RelayConfig) -> Self {
        let store = EventStore::new(config.pool.clone());
        let js = jetstream::new(config.nats.clone());
        Relay {
            config,
            store,
            js,
            counted: std::sync::Mutex::new(None),
            position: std::sync::Mutex::new(None),
        }
    }

    /// Runs until shutdown: takes the lease, then relays batch after batch, restarting after
    /// errors with a backoff.
    pub async fn run(self) -> anyhow::Result<()> {
        crate::lease::restarting("relay", self.config.shutdown.clone(), || self.run_leased()).await
    }

    async fn run_leased(&self) -> anyhow::Result<()> {
        let mut shutdown = self.config.shutdown.clone();
        let url = &self.config.database_url;
        let Some(lease) = crate::lease::acquire(url, LEASE_KEY, "relay", &mut shutdown).await?
        else {
            return Ok(());
        };
        tracing::info!(prefix = %self.config.prefix, "relay holds the lease");
        *self.position.lock().unwrap_or_else(|p| p.into_inner()) = None;
        crate::relay::ensure_checkpoint(&self.config.pool).await?;
        projections::nats::ensure_stream(&self.js, &self.config.prefix).await?;
        let mut wake = eventstore::listen::spawn_listener(
            self.config.database_url.clone(),
            eventstore::EVENTS_CHANNEL,
        );
        // The first audit runs once the relay has caught up after taking the lease.
        let mut next_audit = tokio::time::Instant::now();
        let result = loop {
            if lease.is_lost() {
                break Err(anyhow::anyhow!("relay lease connection lost"));
            }
            match self.relay_available().await {
                Ok(n) => self.config.metrics.add(
                    "fundadmin_relay_published_total",
                    "",
                    "Events the relay published and JetStream acknowledged.",
                    n as f64,
                ),
                Err(e) => break Err(e),
            }
            if let Some(every) = self.config.audit_interval {
                if tokio::time::Instant::now() >= next_audit {
                    if let Err(e) = self.audit().await {
                        break Err(e);
                    }
                    next_audit = tokio::time::Instant::now() + every;
                }
            }
            tokio::select! {
                _ = eventstore::listen::wait_for_wakeup(&mut wake, self.config.poll_interval) => {}
                _ = shutdown.changed() => break Ok(()),
            }
        };
        drop(lease);
        result
    }

    /// Relays everything the feed shows after the checkpoint (read from the database once,
    /// then as this relay saved it); returns how many events it published. Reading the next batch overlaps with waiting for the PubAcks of the last
    /// ones; acknowledgements are taken in publishing order, and the checkpoint moves after
    /// each batch to the last event whose PubAck (and every earlier one) has arrived.
    pub async fn relay_available(&self) -> anyhow::Result<usize> {
        let saved = *self.position.lock().unwrap_or_else(|p| p.into_inner());
        let mut from = match saved {
            Some(position) => position,
            None => checkpoint(&self.config.pool).await?,
        };
        let mut acks = FuturesOrdered::new();
        let mut acked: Option<(Position, chrono::DateTime<chrono::Utc>)> = None;
        let mut published = 0;
        loop {
            let events = self.store.read_feed(from, self.config.batch_size).await?;
            for event in &events {
                while acks.len() >= self.config.max_in_flight {
                    if let Some(done) = acks.next().await {
                        acked = Some(done?);
                    }
                }
                let ack = self
                    .js
                    .publish_with_headers(
                        subjects::event_subject(
                            &self.config.prefix,
                            &event.stream_type,
                            &event.stream_id,
                        ),
                        event_headers(event),
                        serde_json::to_vec(event)?.into(),
                    )
                    .await
                    .map_err(|e| anyhow::anyhow!("publishing {}: {e}", event.event_id))?;
                let (position, recorded_at, id) =
                    (event.position(), event.recorded_at, event.event_id);
                acks.push_back(async move {
                    ack.await
                        .map(|_| (position, recorded_at))
                        .map_err(|e| anyhow::anyhow!("PubAck for {id}: {e}"))
                });
            }
            published += events.len();
            let drained = (events.len() as i64) < self.config.batch_size;
            if drained {
                while let Some(done) = acks.next().await {
                    acked = Some(done?);
                }
            }
            if let Some((position, recorded_at)) = acked.take() {
                self.checkpointed(position, recorded_at).await?;
            }
            match events.last() {
                Some(last) if !drained => from = last.position(),
                _ => return Ok(published),
            }
        }
    }

    async fn checkpointed(
        &self,
        to: Position,
        recorded_at: chrono::DateTime<chrono::Utc>,
    ) -> anyhow::Result<()> {
        save_checkpoint(&self.config.pool, to).await?;
        *self.position.lock().unwrap_or_else(|p| p.into_inner()) = Some(to);
        let m = &self.config.metrics;
        m.set(
            "fundadmin_relay_position",
            "",
            "Global position of the last event relayed and acknowledged.",
            to.global_position as f64,
        );
        let lag = (chrono::Utc::now() - recorded_at)
            .num_microseconds()
            .unwrap_or(0) as f64
            / 1e6;
        m.set(
            "fundadmin_relay_lag_seconds",
            "",
            "Seconds between the last relayed event's recording and its PubAck.",
            lag.max(0.0),
        );
        Ok(())
    }
}

fn event_headers(event: &RecordedEvent) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(headers::MSG_ID, event.event_id.to_string().as_str());
    h.insert(
        headers::GLOBAL_POSITION,
        event.global_position.to_string().as_str(),
    );
    h.insert(headers::TX_ID, event.tx_id.to_string().as_str());
    h.insert(
        headers::STREAM_VERSION,
        event.stream_version.to_string().as_str(),
    );
    h.insert(headers::EVENT_TYPE, event.event_type.as_str());
    h
}

/// Creates the relay's checkpoint row if absent.
pub async fn ensure_checkpoint(pool: &PgPool) -> anyhow::Result<()> {
    let client = pool.get().await?;
    client
        .execute(
            "INSERT INTO checkpoints (name) VALUES ($1) ON CONFLICT DO NOTHING",
            &[&CHECKPOINT],
        )
        .await?;
    Ok(())
}

/// The relay's checkpoint.
pub async fn checkpoint(pool: &PgPool) -> anyhow::Result<Position> {
    projections::runner::checkpoint(pool, CHECKPOINT).await
}

async fn save_checkpoint(pool: &PgPool, to: Position) -> anyhow::Result<()> {
    let client = pool.get().await?;
    client
        .execute(
            "UPDATE checkpoints SET tx_id = $2::text::xid8, global_position = $3, updated_at = now() \
             WHERE name = $1 AND (tx_id, global_position) < ($2::text::xid8, $3)",
            &[&CHECKPOINT, &to.tx_id.to_string(), &to.global_position],
        )
        .await?;
    Ok(())
}
