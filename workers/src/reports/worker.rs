//! The reporting worker: consumes draft requests from NATS JetStream and records drafts.
//!
//! Requests sit in a work-queue stream ([`schedule::stream_name`]) read through one durable
//! pull consumer, so several worker processes share the work and each request is handled by
//! one of them; a request is acknowledged once its draft is recorded (or found unchanged) and
//! redelivered after [`ACK_WAIT`] if the worker dies first. Handling twice is harmless: the
//! same events give the same bytes, and the filing stream records nothing for an unchanged
//! document.

use super::generate::{self, GenerateError};
use super::schedule::{self, Request};
use async_nats::jetstream::{self, consumer, stream};
use domain::report::diff;
use domain::report::filing::{self, FilingCommand, FilingError, FilingEvent, ReportFiling};
use domain::report::Period;
use domain::{FundId, Rejection};
use eventstore::repository::CommandContext;
use eventstore::{CommandError, Metadata, PgPool, Repository};
use futures::StreamExt;
use std::time::Duration;
use tokio::sync::watch;

/// How long a request may be worked on before it is delivered again.
pub const ACK_WAIT: Duration = Duration::from_secs(120);
/// The durable consumer's name.
pub const CONSUMER: &str = "report-worker";
/// The actor recorded on drafts.
pub const ACTOR: &str = "reporting-worker";
/// How many times a draft whose change list went stale (a version filed meanwhile) is
/// listed again before giving up.
const STALE_RETRIES: u32 = 3;

/// At most this many changes are listed in an amendment.
pub const MAX_CHANGES: usize = 500;

/// What recording a draft did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drafted {
    /// The document generated now.
    pub generated: generate::Generated,
    /// The events recorded (none: unchanged).
    pub events: Vec<FilingEvent>,
    /// The filing stream's version after.
    pub stream_version: i64,
}

/// Why a draft was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    /// The report cannot be computed (e.g. no fund by the period end).
    #[error(transparent)]
    Generate(#[from] GenerateError),
    /// The filing stream refused or the log failed.
    #[error(transparent)]
    Command(#[from] CommandError<filing::FilingError>),
    /// The filed document cannot be read back.
    #[error(transparent)]
    Store(#[from] anyhow::Error),
}

impl DraftError {
    /// The stable code of a refusal the caller made (not a fault), if it is one.
    pub fn refusal(&self) -> Option<&'static str> {
        match self {
            DraftError::Generate(GenerateError::Report(e)) => Some(e.code()),
            DraftError::Command(CommandError::Rejected(e)) => Some(e.code()),
            _ => None,
        }
    }
}

/// Generates the report of `fund` for `period` now, keeps the document, and records it as a
/// draft (or as an amendment with its changes against the last filed version); then notes
/// the check for the scheduler.
pub async fn record_draft(
    repo: &Repository<ReportFiling>,
    fund: FundId,
    period: Period,
    today: chrono::NaiveDate,
    metadata: Metadata,
) -> Result<Drafted, DraftError> {
    let pool = repo.store().pool();
    let generated = generate::generate(pool, fund, &period, None).await?;
    generate::store_document(pool, &generated).await?;
    let stream_id = filing::stream_id(fund, period);
    let context = CommandContext::new(metadata);
    // The changes are listed against the last filed version as loaded here; if the manager
    // files another version before the draft is recorded, the command is refused as stale
    // and the list is made again against the new one.
    let mut attempts = 0;
    let outcome = loop {
        let (state, _) = repo
            .load(&stream_id)
            .await
            .map_err(|e| DraftError::Store(e.into()))?;
        let filed = state.last_filed();
        let (changes, changes_omitted) = match filed {
            Some(filed) if filed.sha256 != generated.sha256 => {
                let before = filed_document(pool, &filed.sha256).await?;
                let after: serde_json::Value = serde_json::from_slice(&generated.bytes)
                    .map_err(|e| DraftError::Store(e.into()))?;
                diff::changes(&before, &after, MAX_CHANGES)
            }
            _ => (Vec::new(), 0),
        };
        let command = FilingCommand::RecordDraft {
            fund_id: fund,
            period,
            sha256: generated.sha256.clone(),
            cut: generated.cut,
            snapshot: generated.snapshot.clone(),
            changes,
            changes_omitted,
            changes_against: filed.map(|f| f.version),
            on: today,
        };
        match repo.execute(&stream_id, &command, &context).await {
            Err(CommandError::Rejected(FilingError::ChangesStale { .. }))
                if attempts < STALE_RETRIES =>
            {
                attempts += 1;
            }
            result => break result?,
        }
    };
    schedule::record_check(pool, &stream_id, generated.cut).await?;
    Ok(Drafted {
        generated,
        events: outcome.events,
        stream_version: outcome.stream_version,
    })
}

async fn filed_document(pool: &PgPool, sha256: &str) -> anyhow::Result<serde_json::Value> {
    let bytes = generate::document(pool, sha256)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the filed document {sha256} is missing"))?;
    Ok(serde_json::from_slice(&bytes)?)
}

/// Gets or creates the work-queue stream of draft requests.
pub async fn ensure_requests_stream(
    js: &jetstream::Context,
    prefix: &str,
) -> anyhow::Result<stream::Stream> {
    let replicas = std::env::var("FUNDADMIN_NATS_REPLICAS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    js.get_or_create_stream(stream::Config {
        name: schedule::stream_name(prefix),
        subjects: vec![schedule::subject(prefix)],
        retention: stream::RetentionPolicy::WorkQueue,
        storage: stream::StorageType::File,
        num_replicas: replicas,
        duplicate_window: Duration::from_secs(60),
        ..Default::default()
    })
    .await
    .map_err(|e| anyhow::anyhow!("creating the report requests stream: {e}"))
}

/// Publishes requests (acknowledged by JetStream); a request published twice within a
/// minute is stored once.
pub async fn publish(
    nats: &async_nats::Client,
    prefix: &str,
    requests: &[Request],
    tick: &str,
) -> anyhow::Result<()> {
    let js = jetstream::new(nats.clone());
    ensure_requests_stream(&js, prefix).await?;
    for request in requests {
        let mut headers = async_nats::HeaderMap::new();
        let id = format!(
            "{}:{tick}",
            filing::stream_id(request.fund_id, request.period)
        );
        headers.insert("Nats-Msg-Id", id.as_str());
        let payload = serde_json::to_vec(request)?;
        js.publish_with_headers(schedule::subject(prefix), headers, payload.into())
            .await
            .map_err(|e| anyhow::anyhow!("publishing a report request: {e}"))?
            .await
            .map_err(|e| anyhow::anyhow!("report request not acknowledged: {e}"))?;
    }
    Ok(())
}

/// Consumes requests until shutdown, recording drafts dated by `clock`; restarts with a
/// backoff when NATS fails (the scheduler asks again for anything lost meanwhile).
pub async fn run(
    repo: &Repository<ReportFiling>,
    nats: &async_nats::Client,
    prefix: &str,
    clock: &crate::scheduler::Clock,
    shutdown: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let mut backoff = Duration::from_millis(500);
    let mut stop = shutdown.clone();
    while !*shutdown.borrow() {
        match consume(repo, nats, prefix, clock, shutdown.clone()).await {
            Ok(()) => break,
            Err(e) => {
                tracing::warn!(
                    error = format!("{e:#}"),
                    retry_in_ms = backoff.as_millis() as u64,
                    "report worker failed"
                );
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = stop.changed() => {}
                }
                backoff = (backoff * 2).min(Duration::from_secs(30));
            }
        }
    }
    Ok(())
}

async fn consume(
    repo: &Repository<ReportFiling>,
    nats: &async_nats::Client,
    prefix: &str,
    clock: &crate::scheduler::Clock,
    mut shutdown: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let js = jetstream::new(nats.clone());
    let stream = ensure_requests_stream(&js, prefix).await?;
    let consumer = stream
        .get_or_create_consumer(
            CONSUMER,
            consumer::pull::Config {
                durable_name: Some(CONSUMER.to_owned()),
                ack_policy: consumer::AckPolicy::Explicit,
                ack_wait: ACK_WAIT,
                ..Default::default()
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("creating the report worker's consumer: {e}"))?;
    let mut messages = consumer
        .messages()
        .await
        .map_err(|e| anyhow::anyhow!("consuming report requests: {e}"))?;
    loop {
        let message = tokio::select! {
            m = messages.next() => m,
            _ = shutdown.changed() => return Ok(()),
        };
        let Some(message) = message else {
            anyhow::bail!("the report request consumer ended");
        };
        let message = message.map_err(|e| anyhow::anyhow!("report request delivery: {e}"))?;
        let ack = match serde_json::from_slice::<Request>(&message.payload) {
            Ok(request) => handle(repo, request, clock()).await,
            Err(e) => {
                tracing::error!(error = %e, "undecodable report request dropped");
                true
            }
        };
        let kind = if ack {
            jetstream::AckKind::Ack
        } else {
            jetstream::AckKind::Nak(Some(Duration::from_secs(10)))
        };
        message
            .ack_with(kind)
            .await
            .map_err(|e| anyhow::anyhow!("acknowledging a report request: {e}"))?;
    }
}

/// Handles one request; `true` when it is done with (recorded, unchanged or refused for
/// good), `false` to have it delivered again.
async fn handle(
    repo: &Repository<ReportFiling>,
    request: Request,
    today: chrono::NaiveDate,
) -> bool {
    let metadata = Metadata::new(ACTOR, "system");
    match record_draft(repo, request.fund_id, request.period, today, metadata).await {
        Ok(drafted) => {
            if !drafted.events.is_empty() {
                tracing::info!(
                    fund.id = %request.fund_id,
                    period = ?request.period,
                    sha256 = drafted.generated.sha256,
                    "report draft recorded"
                );
            }
            true
        }
        Err(e) => match e.refusal() {
            Some(code) => {
                tracing::warn!(fund.id = %request.fund_id, period = ?request.period, code, "report request refused");
                true
            }
            None => {
                tracing::warn!(fund.id = %request.fund_id, period = ?request.period, error = format!("{e:#}"), "report draft failed; will retry");
                false
            }
        },
    }
}
