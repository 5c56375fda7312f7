//! Generating a report: the fund's events as of a cut of the log, folded by the domain
//! (`domain::report::report`), into canonical bytes and their sha256.
//!
//! # The snapshot and the cut
//! A document must be reproducible from the log years later, so it records exactly which
//! events it saw. The generator reads in one `REPEATABLE READ` transaction and records its
//! snapshot (`pg_current_snapshot()`, e.g. `2259:2262:2260`): an event is in the document iff
//! its transaction is visible in that snapshot (`pg_visible_in_snapshot`), that is, had
//! committed when the document was generated. Transactions still open then are not visible in
//! it whatever they did later, so the set is fixed for ever, and regenerating with the
//! recorded snapshot reads the same events and gives the same bytes. Events of those open
//! transactions are left for the next generation (an amendment if they change the
//! document). The snapshot's `xmin` is kept too as the **cut**: every transaction below it had
//! ended, so "the fund has events at or above the cut" is the scheduler's cheap test for
//! "something may have changed".
//!
//! # Which streams
//! The fund's own stream, its committee (`committee-<fund>`), and every project, resolution
//! and exemption-case stream whose first event names the fund (index `events_fund_streams`).

use anyhow::Context;
use domain::committee::membership::CommitteeEvent;
use domain::committee::ResolutionEvent;
use domain::exemption::ExemptionEvent;
use domain::fund::FundEvent;
use domain::project::ProjectEvent;
use domain::report::{report, report_bytes, Period, Report, ReportError, ReportInputs};
use domain::{DomainEvent, FundId};
use eventstore::types::decode_text;
use eventstore::PgPool;
use sha2::{Digest, Sha256};
use tokio_postgres::Row;

/// The stream types a report reads.
pub const STREAM_TYPES: [&str; 5] = [
    "fund",
    "committee",
    "project",
    "resolution",
    "exemption_case",
];

/// A fund's events as of a cut, by stream.
#[derive(Debug, Clone, Default)]
pub struct FundHistory {
    /// The snapshot's `xmin`.
    pub cut: i64,
    /// The snapshot the events were read in (`pg_snapshot` text).
    pub snapshot: String,
    /// The fund's stream.
    pub fund: Vec<FundEvent>,
    /// Its committee.
    pub committee: Vec<CommitteeEvent>,
    /// Its projects, one list per stream, by stream id.
    pub projects: Vec<Vec<ProjectEvent>>,
    /// Its resolutions, likewise.
    pub resolutions: Vec<Vec<ResolutionEvent>>,
    /// Its exemption cases, likewise.
    pub exemptions: Vec<Vec<ExemptionEvent>>,
    /// How many events were read.
    pub events: usize,
}

/// A generated document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The canonical bytes.
    pub bytes: Vec<u8>,
    /// Their sha256, lowercase hex.
    pub sha256: String,
    /// The cut of the log it was computed from (the snapshot's `xmin`).
    pub cut: i64,
    /// The snapshot of the log it was computed from.
    pub snapshot: String,
}

/// Why a report could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The domain refused (no such fund by the period end, an invalid period).
    #[error(transparent)]
    Report(#[from] ReportError),
    /// The log could not be read or decoded.
    #[error(transparent)]
    Store(#[from] anyhow::Error),
}

/// Lowercase hex sha256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The query of a fund's events in a snapshot (`$1` fund id text, `$2` stream types, `$3`
/// snapshot text): only the columns a report reads, the payload as JSON text for
/// [`decode_text`]. Unordered: [`history`] sorts the keys by stream and version, which costs
/// a few milliseconds where PostgreSQL sorting the rows with their payloads costs a hundred
/// (and spills to disk).
pub const LOAD_QUERY: &str = "WITH s AS (SELECT stream_id FROM events \
       WHERE stream_version = 1 AND payload->>'fund_id' = $1 \
         AND stream_type = ANY($2) \
         AND pg_visible_in_snapshot(tx_id, $3::text::pg_snapshot)) \
     SELECT event_id, stream_id, stream_type, event_type, schema_version, payload::text, \
            stream_version \
     FROM events \
     WHERE stream_id IN (SELECT stream_id FROM s) \
       AND pg_visible_in_snapshot(tx_id, $3::text::pg_snapshot)";

/// Reads the fund's history as seen in `snapshot`, or in a fresh snapshot taken now.
pub async fn load(
    pool: &PgPool,
    fund: FundId,
    snapshot: Option<&str>,
) -> anyhow::Result<FundHistory> {
    let (snapshot, cut, rows) = query(pool, fund, snapshot).await?;
    history(snapshot, cut, &rows)
}

/// The rows of [`LOAD_QUERY`] in `snapshot` (or a fresh one), with the snapshot and its
/// cut: the first half of [`load`].
pub async fn query(
    pool: &PgPool,
    fund: FundId,
    snapshot: Option<&str>,
) -> anyhow::Result<(String, i64, Vec<Row>)> {
    let mut client = pool.get().await?;
    let tx = client
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await?;
    let snapshot: String = match snapshot {
        Some(s) => s.to_owned(),
        None => tx
            .query_one("SELECT pg_current_snapshot()::text", &[])
            .await?
            .get(0),
    };
    let cut: i64 = tx
        .query_one(
            "SELECT pg_snapshot_xmin($1::text::pg_snapshot)::text::int8",
            &[&snapshot],
        )
        .await
        .context("not a pg_snapshot")?
        .get(0);
    let types: Vec<String> = STREAM_TYPES.iter().map(|s| (*s).to_owned()).collect();
    let rows = tx
        .query(LOAD_QUERY, &[&fund.to_string(), &types, &snapshot])
        .await?;
    tx.commit().await?;
    Ok((snapshot, cut, rows))
}

/// The rows of [`LOAD_QUERY`] decoded into the fund's history: the second half of [`load`].
pub fn history(snapshot: String, cut: i64, rows: &[Row]) -> anyhow::Result<FundHistory> {
    let mut history = FundHistory {
        cut,
        snapshot,
        events: rows.len(),
        ..FundHistory::default()
    };
    // (stream id, version, row), sorted: each stream's events together and in order.
    let mut order: Vec<(&str, i64, usize)> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| (row.get(1), row.get(6), i))
        .collect();
    order.sort_unstable();
    for stream in order.chunk_by(|a, b| a.0 == b.0) {
        let Some(&(_, _, first)) = stream.first() else {
            continue;
        };
        let events = stream.iter().map(|&(_, _, i)| &rows[i]);
        match rows[first].get::<_, &str>(2) {
            "fund" => history.fund = decode(events)?,
            "committee" => history.committee = decode(events)?,
            "project" => history.projects.push(decode(events)?),
            "resolution" => history.resolutions.push(decode(events)?),
            "exemption_case" => history.exemptions.push(decode(events)?),
            _ => {}
        }
    }
    Ok(history)
}

fn decode<'a, E: DomainEvent>(rows: impl Iterator<Item = &'a Row>) -> anyhow::Result<Vec<E>> {
    rows.map(|row| {
        let event_type: &str = row.get(3);
        decode_text::<E>(row.get(0), event_type, row.get(4), row.get(5)).with_context(|| {
            let stream_id: &str = row.get(1);
            format!("decoding {event_type} of {stream_id}")
        })
    })
    .collect()
}

/// The report of `period` from `history`.
pub fn compute(history: &FundHistory, period: &Period) -> Result<Report, ReportError> {
    report(
        &ReportInputs {
            fund: &history.fund,
            committee: &history.committee,
            projects: &history.projects,
            resolutions: &history.resolutions,
            exemptions: &history.exemptions,
        },
        period,
    )
}

/// Generates the report of `fund` for `period` from the events visible in `snapshot` (a
/// fresh snapshot when `None`).
pub async fn generate(
    pool: &PgPool,
    fund: FundId,
    period: &Period,
    snapshot: Option<&str>,
) -> Result<Generated, GenerateError> {
    let history = load(pool, fund, snapshot).await?;
    let report = compute(&history, period)?;
    let bytes = report_bytes(&report);
    Ok(Generated {
        sha256: sha256_hex(&bytes),
        bytes,
        cut: history.cut,
        snapshot: history.snapshot,
    })
}

/// Keeps a document under its hash (once; the table refuses changes).
pub async fn store_document(pool: &PgPool, generated: &Generated) -> anyhow::Result<()> {
    let client = pool.get().await?;
    client
        .execute(
            "INSERT INTO report_documents (sha256, bytes) VALUES ($1, $2) \
             ON CONFLICT (sha256) DO NOTHING",
            &[&generated.sha256, &generated.bytes],
        )
        .await?;
    Ok(())
}

/// The document kept under `sha256`.
pub async fn document(pool: &PgPool, sha256: &str) -> anyhow::Result<Option<Vec<u8>>> {
    let client = pool.get().await?;
    Ok(client
        .query_opt(
            "SELECT bytes FROM report_documents WHERE sha256 = $1",
            &[&sha256],
        )
        .await?
        .map(|r| r.get(0)))
}
