//! One pass of the scheduler: over every fund, record the phase changes due, then assess
//! every ended fee year not yet assessed; then lapse every committee resolution whose
//! deadline has passed without an outcome (see `lapse.rs`).
//!
//! The funds are listed from the log itself (the `streams` table), page by page in stream-id
//! order. Each fund is loaded through the repository; what is due is computed with the
//! domain's own functions on that state, and only then is a command executed, so a tick over
//! funds with nothing due appends nothing and costs one read per fund.
//!
//! A tick is idempotent and safe to race: the domain records nothing already recorded, the
//! repository re-decides on a fresh state after losing a race on a stream, and every command
//! carries an idempotency key naming the fact it records, so a racing twin gets the first
//! result back instead of a second event. A fund that fails is logged and counted; the
//! others go on.

use super::Repositories;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::fund::{lifecycle, Fund, FundCommand, FundEvent};
use domain::{Aggregate, Rejection};
use eventstore::repository::CommandContext;
use eventstore::store::IdempotencyKey;
use eventstore::{CommandError, Metadata, Repository};
use futures::StreamExt;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The actor recorded in the metadata of the scheduler's commands.
pub const ACTOR: &str = "scheduler";
/// The role recorded in the metadata of the scheduler's commands.
pub const ROLE: &str = "system";
/// Funds listed per query.
const PAGE_SIZE: i64 = 200;
/// Funds handled at the same time within a page.
const CONCURRENCY: usize = 8;
/// Refusals that only mean "nothing to do yet" (or ever) for a fee year.
const EXPECTED_FEE_REFUSALS: [&str; 2] = ["no_fee_period", "fee_period_not_ended"];

/// What one tick did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Fund streams looked at.
    pub funds: usize,
    /// `PhaseChanged` events recorded by this tick.
    pub phase_changes: usize,
    /// `FeeAssessed` events recorded by this tick.
    pub fees_assessed: usize,
    /// `ResolutionLapsed` events recorded by this tick.
    pub lapsed: usize,
    /// Funds, resolutions or commands that failed (logged); they are tried again on the next
    /// tick.
    pub failures: usize,
}

impl TickReport {
    pub(super) fn merge(&mut self, other: TickReport) {
        self.funds += other.funds;
        self.phase_changes += other.phase_changes;
        self.fees_assessed += other.fees_assessed;
        self.lapsed += other.lapsed;
        self.failures += other.failures;
    }
}

/// Runs one tick with `today` as the date and `now` as the instant: for every fund,
/// `RecordPhaseChanges { today }`, then `AssessFee { year, today }` for every year not
/// assessed yet from the establishment year, or the year the fund was recorded here if later
/// (earlier years are history the manager enters and assesses), to the last ended one (the
/// closing year at most);
/// then `Lapse { now }` for every resolution whose deadline is at or before `now` without an
/// outcome. Fails only when the funds cannot be listed; a fund or resolution that fails, or
/// the resolutions failing to be listed, is counted in [`TickReport::failures`].
pub async fn tick(
    repos: &Repositories,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> anyhow::Result<TickReport> {
    let tick_id = Uuid::now_v7();
    let repo = &repos.funds;
    let mut report = TickReport::default();
    let mut after = String::new();
    loop {
        let page = fund_streams(repo, &after, PAGE_SIZE).await?;
        // Owned ids: a closure over borrowed ones makes the future not `Send` for every
        // lifetime, which `tokio::spawn` needs.
        let reports: Vec<TickReport> = futures::stream::iter(page.clone())
            .map(|fund| async move { tick_fund(repo, &fund, today, tick_id).await })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        for r in reports {
            report.merge(r);
        }
        match page.last() {
            Some(last) if page.len() as i64 == PAGE_SIZE => after = last.stream_id.clone(),
            _ => break,
        }
    }
    match super::lapse::lapse_due(&repos.resolutions, now, tick_id).await {
        Ok(lapses) => report.merge(lapses),
        Err(e) => {
            let error = format!("{e:#}");
            report.failures += failed("resolutions", "listing the resolutions due", &error);
        }
    }
    tracing::debug!(
        %today,
        %now,
        funds = report.funds,
        phase_changes = report.phase_changes,
        fees_assessed = report.fees_assessed,
        lapsed = report.lapsed,
        failures = report.failures,
        "scheduler tick done"
    );
    Ok(report)
}

/// A fund stream and the day (China Standard Time) its establishment was recorded.
#[derive(Debug, Clone)]
struct FundStream {
    stream_id: String,
    recorded_on: NaiveDate,
}

/// Up to `limit` fund streams after `after`, in order.
async fn fund_streams(
    repo: &Repository<Fund>,
    after: &str,
    limit: i64,
) -> anyhow::Result<Vec<FundStream>> {
    let client = repo.store().pool().get().await?;
    let stmt = client
        .prepare_cached(
            "SELECT s.stream_id, e.recorded_at FROM streams s \
             JOIN events e ON e.stream_id = s.stream_id AND e.stream_version = 1 \
             WHERE s.stream_type = $1 AND s.stream_id > $2 \
             ORDER BY s.stream_id LIMIT $3",
        )
        .await?;
    let rows = client
        .query(&stmt, &[&Fund::STREAM_TYPE, &after, &limit])
        .await?;
    Ok(rows
        .iter()
        .map(|r| FundStream {
            stream_id: r.get(0),
            recorded_on: eventstore::store::china_date(r.get(1)),
        })
        .collect())
}

/// One fund's part of a tick.
async fn tick_fund(
    repo: &Repository<Fund>,
    stream: &FundStream,
    today: NaiveDate,
    tick_id: Uuid,
) -> TickReport {
    let stream_id = stream.stream_id.as_str();
    let mut report = TickReport {
        funds: 1,
        ..TickReport::default()
    };
    let fund = match repo.load(stream_id).await {
        Ok((fund, _)) => fund,
        Err(e) => {
            tracing::warn!(fund.id = stream_id, error = %e, "scheduler could not load the fund");
            report.failures += 1;
            return report;
        }
    };
    let Some(terms) = fund.terms.as_ref() else {
        tracing::debug!(
            fund.id = stream_id,
            "fund stream without establishment; skipped"
        );
        return report;
    };

    match lifecycle::record_phase_changes(&fund, today) {
        Ok(due) => {
            if let Some(FundEvent::PhaseChanged { phase, on }) = due.last() {
                let key = format!("scheduler:phases:{stream_id}:{}:{on}", phase.as_str());
                let command = FundCommand::RecordPhaseChanges { today };
                match execute(repo, stream_id, &command, key, tick_id).await {
                    Ok(events) => report.phase_changes += count(&events, is_phase_change),
                    Err(e) => report.failures += failed(stream_id, "phase changes", &e),
                }
            }
        }
        Err(e) => report.failures += failed(stream_id, "phase changes", &e),
    }

    // Years that ended before the fund was recorded here are history being entered: the
    // manager assesses them once that history is in (a year assessed before its tranches
    // were recorded would be charged nothing, once and for all).
    let first = terms
        .establishment_date
        .year()
        .max(stream.recorded_on.year());
    let mut last = today.year() - 1;
    if let Some(closed_on) = fund.lifecycle.closed_on {
        last = last.min(closed_on.year());
    }
    for year in (first..=last).filter(|y| !fund.fees.contains_key(y)) {
        let key = format!("scheduler:fee:{stream_id}:{year}");
        let command = FundCommand::AssessFee { year, today };
        match execute(repo, stream_id, &command, key, tick_id).await {
            Ok(events) => report.fees_assessed += count(&events, is_fee),
            Err(CommandError::Rejected(e)) if EXPECTED_FEE_REFUSALS.contains(&e.code()) => {
                tracing::debug!(
                    fund.id = stream_id,
                    year,
                    code = e.code(),
                    "fee year skipped"
                );
            }
            Err(e) => report.failures += failed(stream_id, "fee assessment", &e),
        }
    }
    report
}

/// Runs `command` as the scheduler with idempotency key `key`; the events it appended.
pub(super) async fn execute<A: Aggregate>(
    repo: &Repository<A>,
    stream_id: &str,
    command: &A::Command,
    key: String,
    tick_id: Uuid,
) -> Result<Vec<A::Event>, CommandError<A::Error>>
where
    A::Command: std::fmt::Debug,
{
    let mut metadata = Metadata::new(ACTOR, ROLE);
    metadata.correlation_id = tick_id;
    // The key names the fact recorded, so the request is the key itself.
    let request_hash = Sha256::digest(key.as_bytes()).into();
    let ctx = CommandContext {
        metadata,
        idempotency: Some(IdempotencyKey { key, request_hash }),
        expected_version: None,
    };
    let outcome = repo.execute(stream_id, command, &ctx).await?;
    if !outcome.events.is_empty() {
        tracing::info!(
            stream.id = stream_id,
            stream.kind = A::STREAM_TYPE,
            actor = ACTOR,
            events = outcome.events.len(),
            command = ?command,
            "scheduler recorded"
        );
    }
    Ok(outcome.events)
}

fn count(events: &[FundEvent], which: fn(&FundEvent) -> bool) -> usize {
    events.iter().filter(|e| which(e)).count()
}

fn is_phase_change(event: &FundEvent) -> bool {
    matches!(event, FundEvent::PhaseChanged { .. })
}

fn is_fee(event: &FundEvent) -> bool {
    matches!(event, FundEvent::FeeAssessed { .. })
}

/// Logs a failure of one stream's `what`; returns 1, the count to add.
pub(super) fn failed(stream_id: &str, what: &str, error: &dyn std::fmt::Display) -> usize {
    tracing::warn!(stream.id = stream_id, error = %error, "scheduler failed on {what}");
    1
}
