//! Every read model at once: creating their tables, and bringing them all to the log's head
//! from PostgreSQL (what `fundadmin demo` and the tests need without running the live
//! runners).

use super::{catch_up, setup, wait_for_position};
use crate::capital::CapitalProjection;
use crate::committee::CommitteeProjection;
use crate::funds::FundsProjection;
use crate::projects::ProjectsProjection;
use crate::reports::ReportsProjection;
use crate::Projection;
use anyhow::Context;
use eventstore::{EventStore, Metrics, PgPool};
use std::time::Duration;

/// Creates every read model's tables where they are missing (see [`setup`]).
pub async fn setup_all(pool: &PgPool) -> anyhow::Result<()> {
    async fn one<P: Projection>(pool: &PgPool) -> anyhow::Result<()> {
        setup::<P>(pool)
            .await
            .with_context(|| format!("creating the {} read model", P::NAME))
    }
    one::<FundsProjection>(pool).await?;
    one::<CapitalProjection>(pool).await?;
    one::<CommitteeProjection>(pool).await?;
    one::<ProjectsProjection>(pool).await?;
    one::<ReportsProjection>(pool).await
}

/// Brings every read model up to the log's head as it is now, from PostgreSQL. The gap-safe
/// feed shows a transaction only once every older one in the cluster has ended, so this
/// repeats the catch-up until the head is applied; an error after `timeout`.
pub async fn catch_up_all(
    pool: &PgPool,
    store: &EventStore,
    metrics: &Metrics,
    timeout: Duration,
) -> anyhow::Result<()> {
    let head = store.head_position().await?;
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        catch_up(&FundsProjection, pool, store, metrics).await?;
        catch_up(&CapitalProjection, pool, store, metrics).await?;
        catch_up(&CommitteeProjection, pool, store, metrics).await?;
        catch_up(&ProjectsProjection, pool, store, metrics).await?;
        catch_up(&ReportsProjection, pool, store, metrics).await?;
        let mut done = true;
        for name in crate::ALL {
            done &= wait_for_position(pool, name, head, Duration::ZERO).await?;
        }
        if done {
            return Ok(());
        }
        if tokio::time::Instant::now() >= deadline {
            anyhow::bail!(
                "the read models did not reach position {head} in {timeout:?} (a long \
                 transaction elsewhere in the cluster holds the feed back)"
            );
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
