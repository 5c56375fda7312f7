//! The JetStream stream of a prefix's events: created by whoever needs it first.

use async_nats::jetstream::{self, stream};
use eventstore::subjects;
use std::time::Duration;

/// How long JetStream remembers message ids for duplicate detection. Longer than the relay's
/// retry horizon: a relay restarted within this window republishes without duplicates.
pub const DUPLICATE_WINDOW: Duration = Duration::from_secs(120);

/// Gets or creates the events stream of `prefix` (file storage, one replica unless
/// `FUNDADMIN_NATS_REPLICAS` says otherwise).
pub async fn ensure_stream(
    js: &jetstream::Context,
    prefix: &str,
) -> anyhow::Result<stream::Stream> {
    let replicas = std::env::var("FUNDADMIN_NATS_REPLICAS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    let stream = js
        .get_or_create_stream(stream::Config {
            name: subjects::stream_name(prefix),
            subjects: vec![subjects::all_events(prefix)],
            storage: stream::StorageType::File,
            num_replicas: replicas,
            duplicate_window: DUPLICATE_WINDOW,
            ..Default::default()
        })
        .await
        .map_err(|e| anyhow::anyhow!("creating JetStream stream for {prefix}: {e}"))?;
    Ok(stream)
}
