//! A projection's tables: created on setup, recreated when its schema changed (the sha256 of
//! [`Projection::SCHEMA`] is kept with its checkpoint), and rebuilt on demand. Recreating
//! resets the projection's progress, so the next catch-up replays the whole log into the new
//! tables.

use super::{catch_up, lock_projection};
use crate::Projection;
use eventstore::{EventStore, Metrics, PgPool};
use sha2::{Digest, Sha256};

/// The sha256 (hex) of the projection's [`Projection::SCHEMA`], stored with its checkpoint.
pub fn schema_hash<P: Projection>() -> String {
    hex::encode(Sha256::digest(P::SCHEMA.as_bytes()))
}

/// Creates the projection's tables and its checkpoint row if absent. When the stored schema
/// hash differs from [`schema_hash`] (the SCHEMA changed, or it was never recorded), the
/// tables are dropped and recreated and the projection's progress is reset, as by
/// [`rebuild`]: the next catch-up replays the whole log into the new tables.
pub async fn setup<P: Projection>(pool: &PgPool) -> anyhow::Result<()> {
    let hash = schema_hash::<P>();
    let mut client = pool.get().await?;
    // The row must exist before it can be locked.
    client
        .execute(
            "INSERT INTO checkpoints (name) VALUES ($1) ON CONFLICT DO NOTHING",
            &[&P::NAME],
        )
        .await?;
    let tx = client.transaction().await?;
    lock_projection(&tx, P::NAME).await?;
    let stored: Option<String> = tx
        .query_one(
            "SELECT schema_hash FROM checkpoints WHERE name = $1",
            &[&P::NAME],
        )
        .await?
        .get(0);
    if stored.as_deref() == Some(hash.as_str()) {
        tx.batch_execute(P::SCHEMA).await?;
    } else {
        match &stored {
            Some(old) => tracing::warn!(
                projection = P::NAME,
                stored = %old,
                current = %hash,
                "projection schema changed: recreating its tables to replay the log"
            ),
            None => tracing::info!(
                projection = P::NAME,
                current = %hash,
                "projection schema not recorded: (re)creating its tables to replay the log"
            ),
        }
        reset::<P>(&tx, &hash).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Drops and recreates the projection's tables and resets its progress (applied stream
/// versions, checkpoint) and its schema hash. The caller holds the projection lock.
async fn reset<P: Projection>(
    tx: &deadpool_postgres::Transaction<'_>,
    hash: &str,
) -> anyhow::Result<()> {
    tx.batch_execute(P::DROP).await?;
    tx.batch_execute(P::SCHEMA).await?;
    tx.execute(
        "DELETE FROM projection_streams WHERE projection = $1",
        &[&P::NAME],
    )
    .await?;
    tx.execute(
        "INSERT INTO checkpoints (name, schema_hash) VALUES ($1, $2) ON CONFLICT (name) \
         DO UPDATE SET tx_id = '0', global_position = 0, schema_hash = $2, updated_at = now()",
        &[&P::NAME, &hash],
    )
    .await?;
    Ok(())
}

/// Drops the projection's tables and progress, recreates them (recording the schema hash)
/// and replays the whole log. Returns the number of events applied.
pub async fn rebuild<P: Projection>(
    projection: &P,
    pool: &PgPool,
    store: &EventStore,
    metrics: &Metrics,
) -> anyhow::Result<u64> {
    {
        let mut client = pool.get().await?;
        let tx = client.transaction().await?;
        lock_projection(&tx, P::NAME).await?;
        reset::<P>(&tx, &schema_hash::<P>()).await?;
        tx.commit().await?;
    }
    catch_up(projection, pool, store, metrics).await
}
