//! Read-your-writes: waiting until a projection reflects the log up to a position.
//!
//! A projection follows only the events of its stream types (its NATS consumer filters by
//! subject), so its checkpoint stays at the last of those: a wait for the position of an event
//! of another type (a fund event, for the projects read model) would never see the checkpoint
//! reach it. The projection has nonetheless seen everything up to that position that concerns
//! it when the feed holds no event of its types after its checkpoint up to the position, and
//! no transaction that could still write before the position in feed order is open.

use super::checkpoint;
use crate::Projection;
use eventstore::{EventStore, PgPool};
use std::time::Duration;

/// The stream types projection `name` reads; `None` for an unknown name.
pub fn stream_types(name: &str) -> Option<&'static [&'static str]> {
    fn of<P: Projection>(_: &P) -> (&'static str, &'static [&'static str]) {
        (P::NAME, P::STREAM_TYPES)
    }
    [
        of(&crate::funds::FundsProjection),
        of(&crate::capital::CapitalProjection),
        of(&crate::committee::CommitteeProjection),
        of(&crate::projects::ProjectsProjection),
        of(&crate::reports::ReportsProjection),
    ]
    .into_iter()
    .find(|(n, _)| *n == name)
    .map(|(_, types)| types)
}

/// Waits until projection `name` has passed the event at `global_position` (or seen all of
/// the feed up to it that concerns it) or `timeout` elapses; returns whether it has. An
/// unknown position counts as passed.
pub async fn wait_for_position(
    pool: &PgPool,
    name: &str,
    global_position: i64,
    timeout: Duration,
) -> anyhow::Result<bool> {
    let store = EventStore::new(pool.clone());
    let Some(target) = store.position_of(global_position).await? else {
        return Ok(true);
    };
    let types = stream_types(name);
    let deadline = tokio::time::Instant::now() + timeout;
    let mut pause = Duration::from_millis(2);
    loop {
        let at = checkpoint(pool, name).await?;
        if at >= target {
            return Ok(true);
        }
        if let Some(types) = types {
            if store.settled_without(types, at, target).await? {
                return Ok(true);
            }
        }
        if tokio::time::Instant::now() >= deadline {
            return Ok(false);
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}
