//! The reports read model (SPEC §8): per fund and period, where its report stands (the filed
//! version, the open draft, when it was due and first filed), and every version with its hash,
//! its cut of the log, who filed it and what an amendment changed.
//!
//! Whether a report is **overdue** depends on the day asked, so it is computed by the queries
//! (`due < today` and no version filed), not stored.

use crate::{Projection, Write};
use chrono::{DateTime, NaiveDate, Utc};
use domain::report::filing::FilingEvent;
use eventstore::RecordedEvent;
use serde::Serialize;
use tokio_postgres::{GenericClient, Row};
use uuid::Uuid;

/// The reports projection.
pub struct ReportsProjection;

const DRAFT_VERSION: usize = 0;
const DRAFT_REPORT: usize = 1;
const DISCARDED_VERSION: usize = 2;
const DISCARDED_REPORT: usize = 3;
const FILED_VERSION: usize = 4;
const FILED_REPORT: usize = 5;

impl Projection for ReportsProjection {
    const NAME: &'static str = "reports";
    const STREAM_TYPES: &'static [&'static str] = &["report"];
    const SCHEMA: &'static str = "
        CREATE TABLE IF NOT EXISTS rm_reports (
            stream_id       text PRIMARY KEY,
            fund_id         uuid NOT NULL,
            kind            text NOT NULL,
            year            integer NOT NULL,
            period_start    date NOT NULL,
            period_end      date NOT NULL,
            due             date NOT NULL,
            latest_version  integer NOT NULL,
            draft_version   integer,
            draft_sha256    text,
            filed_version   integer,
            filed_sha256    text,
            first_filed_on  date,
            updated_at      timestamptz NOT NULL,
            UNIQUE (fund_id, kind, year)
        );
        CREATE TABLE IF NOT EXISTS rm_report_versions (
            stream_id       text NOT NULL,
            version         integer NOT NULL,
            status          text NOT NULL,
            sha256          text NOT NULL,
            cut             bigint NOT NULL,
            snapshot        text NOT NULL,
            generated_on    date NOT NULL,
            generated_at    timestamptz NOT NULL,
            filed_on        date,
            filed_at        timestamptz,
            filed_by        text,
            changes         jsonb NOT NULL,
            changes_omitted integer NOT NULL,
            PRIMARY KEY (stream_id, version)
        );";
    const DROP: &'static str = "DROP TABLE IF EXISTS rm_report_versions, rm_reports;";
    const STATEMENTS: &'static [&'static str] = &[
        // DRAFT_VERSION: $1 stream, $2 version, $3 sha, $4 cut, $5 on, $6 at, $7 changes,
        // $8 omitted, $9 snapshot
        "INSERT INTO rm_report_versions (stream_id, version, status, sha256, cut, snapshot, \
           generated_on, generated_at, changes, changes_omitted) \
         VALUES ($1, $2, 'draft', $3, $4, $9, $5, $6, $7, $8) \
         ON CONFLICT (stream_id, version) DO UPDATE SET status = 'draft', sha256 = $3, cut = $4, \
           snapshot = $9, generated_on = $5, generated_at = $6, changes = $7, changes_omitted = $8",
        // DRAFT_REPORT: $1 stream, $2 fund, $3 kind, $4 year, $5 start, $6 end, $7 due,
        // $8 version, $9 sha, $10 at
        "INSERT INTO rm_reports (stream_id, fund_id, kind, year, period_start, period_end, due, \
           latest_version, draft_version, draft_sha256, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10) \
         ON CONFLICT (stream_id) DO UPDATE SET latest_version = GREATEST(rm_reports.latest_version, $8), \
           draft_version = $8, draft_sha256 = $9, updated_at = $10",
        // DISCARDED_VERSION: $1 stream, $2 version
        "UPDATE rm_report_versions SET status = 'discarded' WHERE stream_id = $1 AND version = $2",
        // DISCARDED_REPORT: $1 stream, $2 at
        "UPDATE rm_reports SET draft_version = NULL, draft_sha256 = NULL, updated_at = $2 \
         WHERE stream_id = $1",
        // FILED_VERSION: $1 stream, $2 version, $3 on, $4 at, $5 by
        "UPDATE rm_report_versions SET status = 'filed', filed_on = $3, filed_at = $4, filed_by = $5 \
         WHERE stream_id = $1 AND version = $2",
        // FILED_REPORT: $1 stream, $2 version, $3 sha, $4 on, $5 at
        "UPDATE rm_reports SET filed_version = $2, filed_sha256 = $3, draft_version = NULL, \
           draft_sha256 = NULL, first_filed_on = COALESCE(first_filed_on, $4), updated_at = $5 \
         WHERE stream_id = $1",
    ];

    fn writes(&self, event: &RecordedEvent) -> anyhow::Result<Vec<Write>> {
        let stream = event.stream_id.clone();
        let at = event.recorded_at;
        Ok(match event.decode::<FilingEvent>()? {
            FilingEvent::DraftGenerated {
                fund_id,
                period,
                version,
                sha256,
                cut,
                snapshot,
                changes,
                changes_omitted,
                on,
            } => {
                let version = i32::try_from(version)?;
                vec![
                    Write::new(
                        DRAFT_VERSION,
                        vec![
                            Box::new(stream.clone()),
                            Box::new(version),
                            Box::new(sha256.clone()),
                            Box::new(cut),
                            Box::new(on),
                            Box::new(at),
                            Box::new(serde_json::to_value(&changes)?),
                            Box::new(i32::try_from(changes_omitted)?),
                            Box::new(snapshot),
                        ],
                    ),
                    Write::new(
                        DRAFT_REPORT,
                        vec![
                            Box::new(stream),
                            Box::new(fund_id.0),
                            Box::new(period.kind.as_str()),
                            Box::new(period.year),
                            Box::new(period.start()?),
                            Box::new(period.end()?),
                            Box::new(period.due()?),
                            Box::new(version),
                            Box::new(sha256),
                            Box::new(at),
                        ],
                    ),
                ]
            }
            FilingEvent::DraftDiscarded { version, .. } => vec![
                Write::new(
                    DISCARDED_VERSION,
                    vec![Box::new(stream.clone()), Box::new(i32::try_from(version)?)],
                ),
                Write::new(DISCARDED_REPORT, vec![Box::new(stream), Box::new(at)]),
            ],
            FilingEvent::ReportFiled {
                version,
                sha256,
                on,
            } => {
                let version = i32::try_from(version)?;
                let by = event
                    .metadata
                    .get("actor")
                    .and_then(|a| a.as_str())
                    .unwrap_or_default()
                    .to_owned();
                vec![
                    Write::new(
                        FILED_VERSION,
                        vec![
                            Box::new(stream.clone()),
                            Box::new(version),
                            Box::new(on),
                            Box::new(at),
                            Box::new(by),
                        ],
                    ),
                    Write::new(
                        FILED_REPORT,
                        vec![
                            Box::new(stream),
                            Box::new(version),
                            Box::new(sha256),
                            Box::new(on),
                            Box::new(at),
                        ],
                    ),
                ]
            }
        })
    }
}

/// A report as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportView {
    /// The fund.
    pub fund_id: Uuid,
    /// `h1`, `h2` or `annual`.
    pub kind: String,
    /// The year.
    pub year: i32,
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day: the as-of date.
    pub period_end: NaiveDate,
    /// The day it is due.
    pub due: NaiveDate,
    /// `filed` when a version is filed and no amendment is open, `amendment_draft` when one
    /// is, `draft` before the first filing.
    pub status: String,
    /// Not filed and past its due date on the day asked.
    pub overdue: bool,
    /// Filed after its due date.
    pub filed_late: bool,
    /// The highest version.
    pub latest_version: i32,
    /// The last filed version.
    pub filed_version: Option<i32>,
    /// Its hash.
    pub filed_sha256: Option<String>,
    /// The day the first version was filed.
    pub first_filed_on: Option<NaiveDate>,
    /// The open draft.
    pub draft_version: Option<i32>,
    /// Its hash.
    pub draft_sha256: Option<String>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// One version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersionView {
    /// From 1.
    pub version: i32,
    /// `draft`, `filed` or `discarded`.
    pub status: String,
    /// Hex sha256 of the canonical bytes.
    pub sha256: String,
    /// The cut of the log it was computed from (the snapshot's `xmin`).
    pub cut: i64,
    /// The snapshot of the log it was computed from: the document holds exactly the events
    /// of the transactions visible in it.
    pub snapshot: String,
    /// The day it was (last) generated.
    pub generated_on: NaiveDate,
    /// When.
    pub generated_at: DateTime<Utc>,
    /// The day it was filed.
    pub filed_on: Option<NaiveDate>,
    /// When.
    pub filed_at: Option<DateTime<Utc>>,
    /// Who filed it.
    pub filed_by: Option<String>,
    /// What an amendment changed against the last filed version.
    pub changes: serde_json::Value,
    /// Changes not listed.
    pub changes_omitted: i32,
}

/// Filters of a listing; `None` matches all.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    /// These funds only (`None`: every fund).
    pub funds: Option<Vec<Uuid>>,
    /// `h1`, `h2`, `annual`.
    pub kind: Option<String>,
    /// The year.
    pub year: Option<i32>,
    /// `draft`, `filed`, `amendment_draft`.
    pub status: Option<String>,
    /// Overdue or not, on `today`.
    pub overdue: Option<bool>,
    /// Only reports with a filed version (LPs).
    pub filed_only: bool,
}

const REPORT_COLUMNS: &str = "fund_id, kind, year, period_start, period_end, due, latest_version, \
    filed_version, filed_sha256, first_filed_on, draft_version, draft_sha256, updated_at";

fn report_view(row: &Row, today: NaiveDate) -> ReportView {
    let filed_version: Option<i32> = row.get(7);
    let draft_version: Option<i32> = row.get(10);
    let first_filed_on: Option<NaiveDate> = row.get(9);
    let due: NaiveDate = row.get(5);
    let status = match (filed_version, draft_version) {
        (Some(_), Some(_)) => "amendment_draft",
        (Some(_), None) => "filed",
        _ => "draft",
    };
    ReportView {
        fund_id: row.get(0),
        kind: row.get(1),
        year: row.get(2),
        period_start: row.get(3),
        period_end: row.get(4),
        due,
        status: status.to_owned(),
        overdue: first_filed_on.is_none() && due < today,
        filed_late: first_filed_on.is_some_and(|f| f > due),
        latest_version: row.get(6),
        filed_version,
        filed_sha256: row.get(8),
        first_filed_on,
        draft_version,
        draft_sha256: row.get(11),
        updated_at: row.get(12),
    }
}

/// The reports matching `filter` on `today`, by fund, year, then period (H1, H2, annual).
pub async fn list(
    client: &impl GenericClient,
    filter: &ReportFilter,
    today: NaiveDate,
) -> anyhow::Result<Vec<ReportView>> {
    let rows = client
        .query(
            &format!(
                "SELECT {REPORT_COLUMNS} FROM rm_reports \
                 WHERE ($1::uuid[] IS NULL OR fund_id = ANY($1)) \
                   AND ($2::text IS NULL OR kind = $2) AND ($3::int IS NULL OR year = $3) \
                   AND (NOT $4 OR filed_version IS NOT NULL) \
                 ORDER BY fund_id, year, period_end, kind DESC"
            ),
            &[
                &filter.funds,
                &filter.kind,
                &filter.year,
                &filter.filed_only,
            ],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| report_view(r, today))
        .filter(|r| filter.status.as_ref().is_none_or(|s| *s == r.status))
        .filter(|r| filter.overdue.is_none_or(|o| o == r.overdue))
        .collect())
}

/// One report.
pub async fn get(
    client: &impl GenericClient,
    fund: Uuid,
    kind: &str,
    year: i32,
    today: NaiveDate,
) -> anyhow::Result<Option<ReportView>> {
    let row = client
        .query_opt(
            &format!(
                "SELECT {REPORT_COLUMNS} FROM rm_reports \
                 WHERE fund_id = $1 AND kind = $2 AND year = $3"
            ),
            &[&fund, &kind, &year],
        )
        .await?;
    Ok(row.map(|r| report_view(&r, today)))
}

/// The versions of a report stream, in order.
pub async fn versions(
    client: &impl GenericClient,
    stream_id: &str,
) -> anyhow::Result<Vec<VersionView>> {
    let rows = client
        .query(
            "SELECT version, status, sha256, cut, generated_on, generated_at, filed_on, filed_at, \
               filed_by, changes, changes_omitted, snapshot FROM rm_report_versions \
             WHERE stream_id = $1 ORDER BY version",
            &[&stream_id],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| VersionView {
            version: r.get(0),
            status: r.get(1),
            sha256: r.get(2),
            cut: r.get(3),
            generated_on: r.get(4),
            generated_at: r.get(5),
            filed_on: r.get(6),
            filed_at: r.get(7),
            filed_by: r.get(8),
            changes: r.get(9),
            changes_omitted: r.get(10),
            snapshot: r.get(11),
        })
        .collect())
}
