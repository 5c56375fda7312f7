//! Running a projection: catch-up from PostgreSQL, then live from NATS JetStream (or, without
//! NATS, from the PostgreSQL feed woken by LISTEN/NOTIFY), with a periodic repair of what NATS
//! lost. A projection of several stream types follows every event subject; the messages of the
//! other types only move its checkpoint, without being decoded.

use super::{
    apply_events, catch_up, repair, report, setup, RunnerConfig, LIVE_BATCH, POLL_INTERVAL,
    REPAIR_GRACE, REPAIR_INTERVAL,
};
use crate::{nats, Projection};
use eventstore::{subjects, EventStore, Metrics, Position, RecordedEvent};
use futures::StreamExt;
use std::time::Duration;

/// Runs a projection until shutdown: catch-up from PostgreSQL, then live from NATS (or, with
/// no NATS, from the PostgreSQL feed woken by LISTEN/NOTIFY).
pub async fn run<P: Projection>(projection: P, config: RunnerConfig) -> anyhow::Result<()> {
    setup::<P>(&config.pool).await?;
    let store = EventStore::new(config.pool.clone());
    let mut shutdown = config.shutdown.clone();
    let mut backoff = Duration::from_millis(500);
    while !*shutdown.borrow() {
        let result = match &config.nats {
            Some(nats) if nats.connection_state() == async_nats::connection::State::Connected => {
                tokio::select! {
                    live = run_live(&projection, &config, &store, nats) => live,
                    _ = shutdown.changed() => Ok(()),
                }
            }
            Some(_) => Err(anyhow::anyhow!("NATS is not connected")),
            None => run_polling(&projection, &config, &store).await,
        };
        let Err(e) = result else { break };
        tracing::warn!(
            projection = P::NAME,
            error = format!("{e:#}"),
            retry_in_ms = backoff.as_millis() as u64,
            "projection runner failed; following PostgreSQL until it retries"
        );
        // NATS is a transport, not the record: while it is away (or the runner failed for
        // another reason) the read model keeps following the PostgreSQL feed.
        match tokio::time::timeout(backoff, run_polling(&projection, &config, &store)).await {
            Ok(Ok(())) => break, // shutdown
            Ok(Err(e)) => {
                tracing::warn!(
                    projection = P::NAME,
                    error = format!("{e:#}"),
                    "polling failed"
                );
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = shutdown.changed() => {}
                }
            }
            Err(_) => {} // time to try live again
        }
        backoff = (backoff * 2).min(Duration::from_secs(30));
    }
    Ok(())
}

async fn run_polling<P: Projection>(
    projection: &P,
    config: &RunnerConfig,
    store: &EventStore,
) -> anyhow::Result<()> {
    let mut wake =
        eventstore::listen::spawn_listener(config.database_url.clone(), eventstore::EVENTS_CHANNEL);
    let mut shutdown = config.shutdown.clone();
    loop {
        catch_up(projection, &config.pool, store, &config.metrics).await?;
        tokio::select! {
            _ = eventstore::listen::wait_for_wakeup(&mut wake, POLL_INTERVAL) => {}
            _ = shutdown.changed() => return Ok(()),
        }
    }
}

async fn run_live<P: Projection>(
    projection: &P,
    config: &RunnerConfig,
    store: &EventStore,
    nats: &async_nats::Client,
) -> anyhow::Result<()> {
    catch_up(projection, &config.pool, store, &config.metrics).await?;
    let js = async_nats::jetstream::new(nats.clone());
    let stream = nats::ensure_stream(&js, &config.prefix).await?;
    let filter = match P::STREAM_TYPES {
        [one] => format!("{}.events.{one}.*", config.prefix),
        _ => subjects::all_events(&config.prefix),
    };
    let consumer = stream
        .create_consumer(async_nats::jetstream::consumer::push::OrderedConfig {
            deliver_subject: nats.new_inbox(),
            filter_subject: filter,
            deliver_policy: async_nats::jetstream::consumer::DeliverPolicy::New,
            ..Default::default()
        })
        .await
        .map_err(|e| anyhow::anyhow!("creating ordered consumer: {e}"))?;
    let messages = consumer
        .messages()
        .await
        .map_err(|e| anyhow::anyhow!("consuming: {e}"))?;
    // Everything relayed before the consumer existed is in the log: read it once more.
    catch_up(projection, &config.pool, store, &config.metrics).await?;
    let mut batches = messages.ready_chunks(LIVE_BATCH);
    let _live = LiveGauge::on(&config.metrics, P::NAME);
    let mut repair_tick = tokio::time::interval(REPAIR_INTERVAL);
    let mut shutdown = config.shutdown.clone();
    loop {
        tokio::select! {
            batch = batches.next() => {
                let Some(batch) = batch else { anyhow::bail!("NATS consumer ended") };
                let mut events = Vec::with_capacity(batch.len());
                // Messages of other stream types (a projection of several types follows them
                // all) only move the checkpoint: they are not decoded.
                let mut foreign: Option<Position> = None;
                for message in batch {
                    let message = message.map_err(|e| anyhow::anyhow!("NATS delivery: {e}"))?;
                    if let Some(position) = foreign_position::<P>(&config.prefix, &message) {
                        foreign = foreign.max(Some(position));
                        continue;
                    }
                    match serde_json::from_slice::<RecordedEvent>(&message.payload) {
                        Ok(event) => events.push(event),
                        Err(e) => tracing::error!(subject = %message.subject, error = %e, "undecodable event message skipped; repair reads it from the log"),
                    }
                }
                let last = events.iter().map(RecordedEvent::position).max().max(foreign);
                apply_events(projection, &config.pool, store, &events, last).await?;
                report(&config.metrics, P::NAME, "nats", &events);
            }
            _ = repair_tick.tick() => {
                let fixed = repair(projection, &config.pool, store, REPAIR_GRACE).await?;
                if fixed > 0 {
                    tracing::warn!(projection = P::NAME, events = fixed, "repaired events missing from NATS");
                }
            }
            _ = shutdown.changed() => return Ok(()),
        }
    }
}

/// `fundadmin_projection_live{projection}` is 1 while the runner consumes from NATS.
struct LiveGauge {
    metrics: Metrics,
    labels: String,
}

impl LiveGauge {
    const NAME: &'static str = "fundadmin_projection_live";
    const HELP: &'static str = "1 while the projection consumes live from NATS, else 0.";

    fn on(metrics: &Metrics, projection: &str) -> Self {
        let labels = format!("projection=\"{projection}\"");
        metrics.set(Self::NAME, &labels, Self::HELP, 1.0);
        LiveGauge {
            metrics: metrics.clone(),
            labels,
        }
    }
}

impl Drop for LiveGauge {
    fn drop(&mut self) {
        self.metrics.set(Self::NAME, &self.labels, Self::HELP, 0.0);
    }
}

/// The feed position of a delivered message of a stream type the projection does not read,
/// from its subject and headers (no need to decode it); `None` for a message it reads, or
/// one whose headers do not say (decoded then).
fn foreign_position<P: Projection>(
    prefix: &str,
    message: &async_nats::Message,
) -> Option<Position> {
    let stream_type = message
        .subject
        .as_str()
        .strip_prefix(prefix)?
        .strip_prefix(".events.")?
        .split('.')
        .next()?;
    if P::STREAM_TYPES.contains(&stream_type) {
        return None;
    }
    let headers = message.headers.as_ref()?;
    let number = |name: &str| headers.get(name)?.as_str().parse::<i64>().ok();
    Some(Position {
        tx_id: number(subjects::headers::TX_ID)?,
        global_position: number(subjects::headers::GLOBAL_POSITION)?,
    })
}
