//! Which report drafts to ask for (SPEC §8): at each period end a draft of every fund's report,
//! and later a regeneration whenever newer events may change it (an amendment after filing).
//!
//! The requests travel on NATS to the reporting worker (`worker.rs`); they are not the record.
//! The record is the log and `report_checks`, so a request lost with NATS is asked again by the
//! next scheduler tick, and a duplicate only regenerates a document to the same bytes.
//!
//! # What is due
//! For every fund, every period that has ended (its end before today) and
//! - ends on or after the day the fund was recorded here (earlier periods are history: their
//!   reports are drafted when the manager asks, `POST /funds/{id}/reports`), and
//! - starts on or before the day the fund closed, if it has;
//!
//! is requested when it was never generated, or when events of the fund's streams were
//! written at or after its last check's cut and either one of them is effective on or before
//! the period end, or the last check is more than [`SWEEP_AFTER`] old (a daily sweep, for the
//! undated events the domain attaches to an earlier dated one).

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use domain::report::{filing, Period, PeriodKind};
use domain::FundId;
use eventstore::PgPool;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// After how long a changed fund's periods are regenerated even if no new event is effective
/// inside them.
pub const SWEEP_AFTER: TimeDelta = TimeDelta::days(1);

/// A request for a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Request {
    /// The fund.
    pub fund_id: FundId,
    /// The period.
    pub period: Period,
}

/// The subject requests are published on: `<prefix>.reports.requests`.
pub fn subject(prefix: &str) -> String {
    format!("{prefix}.reports.requests")
}

/// The JetStream stream holding a prefix's requests, e.g. `FUNDADMIN_REPORT_REQUESTS`.
pub fn stream_name(prefix: &str) -> String {
    eventstore::subjects::stream_name(prefix).replace("_EVENTS", "_REPORT_REQUESTS")
}

/// Every period that ended before `today`, ends on or after `from`, and starts on or before
/// `closed_on` if given; in order of end, half-years before the year they end with.
pub fn periods_ended(
    from: NaiveDate,
    today: NaiveDate,
    closed_on: Option<NaiveDate>,
) -> Vec<Period> {
    let mut out = Vec::new();
    for year in from.year()..=today.year() {
        for kind in [PeriodKind::H1, PeriodKind::H2, PeriodKind::Annual] {
            let period = Period { kind, year };
            let (Ok(start), Ok(end)) = (period.start(), period.end()) else {
                continue;
            };
            if end >= from && end < today && closed_on.is_none_or(|c| start <= c) {
                out.push(period);
            }
        }
    }
    out
}

/// A fund as the schedule sees it.
struct FundRow {
    fund: FundId,
    established: NaiveDate,
    recorded_on: NaiveDate,
    closed_on: Option<NaiveDate>,
    head_tx: i64,
}

/// The requests due on `today` at `now`.
pub async fn due(
    pool: &PgPool,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<Request>> {
    let client = pool.get().await?;
    let types: Vec<String> = super::generate::STREAM_TYPES
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let funds = client
        .query(
            "SELECT f.stream_id, (f.payload->>'establishment_date')::date, f.recorded_at, \
               (SELECT (c.payload->>'closed_on')::date FROM events c \
                  WHERE c.stream_id = f.stream_id AND c.event_type = 'FundClosed' LIMIT 1), \
               (SELECT max(h.tx_id::text::int8) FROM events s \
                  JOIN streams st ON st.stream_id = s.stream_id \
                  JOIN events h ON h.stream_id = st.stream_id AND h.stream_version = st.version \
                  WHERE s.stream_version = 1 AND s.payload->>'fund_id' = f.stream_id \
                    AND s.stream_type = ANY($1)) \
             FROM events f WHERE f.stream_type = 'fund' AND f.stream_version = 1 \
             ORDER BY f.stream_id",
            &[&types],
        )
        .await?;
    let checks: HashMap<String, (i64, DateTime<Utc>)> = client
        .query("SELECT stream_id, cut, checked_at FROM report_checks", &[])
        .await?
        .iter()
        .map(|r| (r.get(0), (r.get(1), r.get(2))))
        .collect();
    let mut out = Vec::new();
    for row in &funds {
        let (Ok(id), Some(established)) = (
            row.get::<_, String>(0).parse::<Uuid>(),
            row.get::<_, Option<NaiveDate>>(1),
        ) else {
            continue;
        };
        let fund = FundRow {
            fund: FundId(id),
            established,
            recorded_on: eventstore::store::china_date(row.get(2)),
            closed_on: row.get(3),
            head_tx: row.get::<_, Option<i64>>(4).unwrap_or(0),
        };
        let from = fund.established.max(fund.recorded_on);
        for period in periods_ended(from, today, fund.closed_on) {
            let check = checks.get(&filing::stream_id(fund.fund, period));
            let wanted = match check {
                None => true,
                Some((cut, _)) if fund.head_tx < *cut => false,
                Some((_, checked_at)) if now - *checked_at > SWEEP_AFTER => true,
                Some((cut, _)) => changed_inside(&client, &fund, *cut, period, &types).await?,
            };
            if wanted {
                out.push(Request {
                    fund_id: fund.fund,
                    period,
                });
            }
        }
    }
    Ok(out)
}

/// Whether an event of the fund's streams written at or after `cut` is effective by the end
/// of `period`.
async fn changed_inside(
    client: &deadpool_postgres::Object,
    fund: &FundRow,
    cut: i64,
    period: Period,
    types: &[String],
) -> anyhow::Result<bool> {
    let end = period.end()?;
    let row = client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM events e \
               WHERE e.tx_id >= $1::int8::text::xid8 AND e.effective_at <= $2 \
                 AND e.stream_id IN (SELECT s.stream_id FROM events s \
                   WHERE s.stream_version = 1 AND s.payload->>'fund_id' = $3 \
                     AND s.stream_type = ANY($4)))",
            &[&cut, &end, &fund.fund.to_string(), &types],
        )
        .await?;
    Ok(row.get(0))
}

/// Records that `stream_id` was regenerated at `cut`.
pub async fn record_check(pool: &PgPool, stream_id: &str, cut: i64) -> anyhow::Result<()> {
    let client = pool.get().await?;
    client
        .execute(
            "INSERT INTO report_checks (stream_id, cut, checked_at) VALUES ($1, $2, now()) \
             ON CONFLICT (stream_id) DO UPDATE SET cut = GREATEST(report_checks.cut, EXCLUDED.cut), \
               checked_at = now()",
            &[&stream_id, &cut],
        )
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap_or_default()
    }

    fn names(periods: &[Period]) -> Vec<String> {
        periods
            .iter()
            .map(|p| format!("{:?}{}", p.kind, p.year))
            .collect()
    }

    #[test]
    fn a_period_is_due_the_day_after_it_ends() {
        assert_eq!(
            names(&periods_ended(d("2024-01-01"), d("2024-06-30"), None)),
            Vec::<String>::new()
        );
        assert_eq!(
            names(&periods_ended(d("2024-01-01"), d("2024-07-01"), None)),
            vec!["H12024"]
        );
        assert_eq!(
            names(&periods_ended(d("2024-03-01"), d("2025-01-01"), None)),
            vec!["H12024", "H22024", "Annual2024"]
        );
    }

    #[test]
    fn periods_ending_before_the_fund_was_recorded_are_history() {
        assert_eq!(
            names(&periods_ended(d("2024-07-01"), d("2025-07-02"), None)),
            vec!["H22024", "Annual2024", "H12025"]
        );
    }

    #[test]
    fn no_period_starting_after_the_closing() {
        assert_eq!(
            names(&periods_ended(
                d("2024-01-01"),
                d("2026-01-01"),
                Some(d("2024-06-30"))
            )),
            vec!["H12024", "Annual2024"]
        );
    }

    #[test]
    fn the_stream_name_is_derived_from_the_prefix() {
        assert_eq!(stream_name("fundadmin"), "FUNDADMIN_REPORT_REQUESTS");
        assert_eq!(subject("t1"), "t1.reports.requests");
    }
}
