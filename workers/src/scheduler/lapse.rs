//! The scheduler's part for committee resolutions (SPEC §4): a resolution without an outcome
//! at its deadline lapses, and the scheduler records it.
//!
//! The resolutions due are found in the log itself, the source of truth, not in a read
//! model: the resolution streams whose `ResolutionOpened` payload has a `deadline` at or
//! before "now" and that have no `ResolutionPassed`, `ResolutionFailed` or
//! `ResolutionLapsed` event, page by page in stream-id order. That query only proposes: each
//! one is lapsed by `ResolutionCommand::Lapse { now }` through the repository, and the domain
//! decides again on the stream's state (nothing for a resolution decided meanwhile; a refusal
//! when the deadline is not reached yet, e.g. by a sub-microsecond difference of the stored
//! time, which is skipped). The command carries the idempotency key
//! `scheduler:lapse:<resolution id>`, so racing ticks record one lapse.

use super::tick::{execute, failed, TickReport};
use chrono::{DateTime, Utc};
use domain::committee::{Resolution, ResolutionCommand, ResolutionEvent};
use domain::{Aggregate, Rejection};
use eventstore::{CommandError, Repository};
use futures::StreamExt;
use uuid::Uuid;

/// Resolutions listed per query.
const PAGE_SIZE: i64 = 200;
/// Resolutions lapsed at the same time within a page.
const CONCURRENCY: usize = 8;
/// The event types that give a resolution its outcome.
pub(super) const OUTCOMES: [&str; 3] = ["ResolutionPassed", "ResolutionFailed", "ResolutionLapsed"];
/// The event type that opens a resolution, whose payload carries the deadline.
pub(super) const OPENED: &str = "ResolutionOpened";

/// Lapses every resolution whose deadline is at or before `now` and that has no outcome.
/// Fails only when the resolutions cannot be listed; one that fails is counted in
/// [`TickReport::failures`].
pub(super) async fn lapse_due(
    repo: &Repository<Resolution>,
    now: DateTime<Utc>,
    tick_id: Uuid,
) -> anyhow::Result<TickReport> {
    let mut report = TickReport::default();
    let mut after = String::new();
    loop {
        let page = due(repo, now, &after, PAGE_SIZE).await?;
        let lapsed: Vec<TickReport> = futures::stream::iter(page.clone())
            .map(|stream_id| async move { lapse(repo, &stream_id, now, tick_id).await })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        for r in lapsed {
            report.merge(r);
        }
        match page.last() {
            Some(last) if page.len() as i64 == PAGE_SIZE => after = last.clone(),
            _ => break,
        }
    }
    Ok(report)
}

/// Up to `limit` resolution stream ids after `after`, in order, opened with a deadline at or
/// before `now` and without an outcome, as the log shows them.
async fn due(
    repo: &Repository<Resolution>,
    now: DateTime<Utc>,
    after: &str,
    limit: i64,
) -> anyhow::Result<Vec<String>> {
    let client = repo.store().pool().get().await?;
    let stmt = client
        .prepare_cached(
            "SELECT s.stream_id FROM streams s
             JOIN events o ON o.stream_id = s.stream_id AND o.event_type = $2
             WHERE s.stream_type = $1 AND s.stream_id > $5
               AND (o.payload->>'deadline')::timestamptz <= $4
               AND NOT EXISTS (SELECT 1 FROM events e
                               WHERE e.stream_id = s.stream_id AND e.event_type = ANY($3))
             ORDER BY s.stream_id LIMIT $6",
        )
        .await?;
    let outcomes: Vec<&str> = OUTCOMES.to_vec();
    let rows = client
        .query(
            &stmt,
            &[
                &Resolution::STREAM_TYPE,
                &OPENED,
                &outcomes,
                &now,
                &after,
                &limit,
            ],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// Lapses one resolution.
async fn lapse(
    repo: &Repository<Resolution>,
    stream_id: &str,
    now: DateTime<Utc>,
    tick_id: Uuid,
) -> TickReport {
    let mut report = TickReport::default();
    let key = format!("scheduler:lapse:{stream_id}");
    let command = ResolutionCommand::Lapse { now };
    match execute(repo, stream_id, &command, key, tick_id).await {
        Ok(events) => {
            report.lapsed += events
                .iter()
                .filter(|e| matches!(e, ResolutionEvent::ResolutionLapsed { .. }))
                .count();
        }
        Err(CommandError::Rejected(e)) if e.code() == "deadline_not_reached" => {
            tracing::debug!(resolution.id = stream_id, %now, "deadline not reached; skipped");
        }
        Err(e) => report.failures += failed(stream_id, "lapsing a resolution", &e),
    }
    report
}

#[cfg(test)]
mod tests {
    use super::{OPENED, OUTCOMES};
    use chrono::{DateTime, Utc};
    use domain::committee::{FailedBecause, Mode, ResolutionEvent, Subject, SubjectKind, Tally};
    use domain::{DomainEvent, FundId, Money, ResolutionId};
    use eventstore::{Metadata, NewEvent};
    use uuid::Uuid;

    #[test]
    fn the_query_reads_the_event_types_and_the_deadline_as_the_store_writes_them() {
        let deadline: DateTime<Utc> = "2024-06-30T16:00:00.123456Z".parse().unwrap_or_default();
        let opened = ResolutionEvent::ResolutionOpened {
            resolution_id: ResolutionId(Uuid::nil()),
            fund_id: FundId(Uuid::nil()),
            subject: Subject {
                kind: SubjectKind::Other,
                title: "t".into(),
                reference: String::new(),
            },
            amount: Money::ZERO,
            mode: Mode::Written,
            deadline,
            seats: Vec::new(),
            observers: Vec::new(),
            quorum: 4,
            documents: Vec::new(),
            at: deadline,
        };
        let stored = NewEvent::from_domain(&opened, &Metadata::new("t", "t"));
        assert_eq!(stored.event_type, OPENED);
        // RFC 3339 in UTC, which PostgreSQL casts to timestamptz exactly.
        assert_eq!(stored.payload["deadline"], "2024-06-30T16:00:00.123456Z");
        let tally = Tally::default();
        let at = deadline;
        let outcomes = [
            ResolutionEvent::ResolutionPassed { tally, at },
            ResolutionEvent::ResolutionFailed {
                tally,
                because: FailedBecause::QuorumUnreachable,
                at,
            },
            ResolutionEvent::ResolutionLapsed { tally, at },
        ];
        assert_eq!(outcomes.map(|e| e.event_type()), OUTCOMES);
    }
}
