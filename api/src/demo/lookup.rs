//! Finding the demo fund in a database (`fundadmin demo --ids`): the fund whose
//! establishment was requested with a token labelled [`TOKEN_LABEL`], the member of
//! [`INBOX_SEAT`] (whose inbox keeps an open resolution), and the last annual report filed.

use super::script::INBOX_SEAT;
use super::TOKEN_LABEL;
use anyhow::Context;
use eventstore::PgPool;
use uuid::Uuid;

/// What a database holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Funds established in it.
    pub funds: i64,
    /// The demo fund, if it is one of them.
    pub fund_id: Option<Uuid>,
    /// The seat of the member whose inbox keeps an open resolution.
    pub member_seat: u32,
    /// Its member.
    pub member_id: Option<Uuid>,
    /// The path of the last annual report filed (`/funds/…/reports/annual/…/versions/…`).
    pub report: Option<String>,
}

impl Found {
    /// `key=value` lines for scripts (`ops/run`): `funds`, and the demo's ids when it is
    /// there.
    pub fn lines(&self) -> String {
        let mut lines = format!("funds={}\n", self.funds);
        if let Some(fund) = self.fund_id {
            lines += &format!("fund_id={fund}\nmember_seat={}\n", self.member_seat);
        }
        if let Some(member) = self.member_id {
            lines += &format!("member_id={member}\n");
        }
        if let Some(report) = &self.report {
            lines += &format!("report={report}\n");
        }
        lines
    }
}

/// Looks for the demo fund in the database of `pool` (migrated).
pub async fn find(pool: &PgPool) -> anyhow::Result<Found> {
    let client = pool
        .get()
        .await
        .context("connecting to PostgreSQL (is DATABASE_URL right and the server up?)")?;
    let funds: i64 = client
        .query_one(
            "SELECT count(*) FROM events WHERE event_type = 'FundEstablished'",
            &[],
        )
        .await?
        .get(0);
    let mut found = Found {
        funds,
        fund_id: None,
        member_seat: INBOX_SEAT,
        member_id: None,
        report: None,
    };
    let fund = client
        .query_opt(
            "SELECT e.stream_id FROM events e \
             JOIN api_tokens t ON t.token_id::text = e.metadata->>'token_id' \
             WHERE e.event_type = 'FundEstablished' AND t.label = $1 \
             ORDER BY e.global_position LIMIT 1",
            &[&TOKEN_LABEL],
        )
        .await?;
    let Some(fund) = fund else {
        return Ok(found);
    };
    let fund: Uuid = fund.get::<_, String>(0).parse()?;
    found.fund_id = Some(fund);
    let seat = i32::try_from(INBOX_SEAT)?;
    found.member_id = client
        .query_opt(
            "SELECT person_id FROM api_tokens \
             WHERE label = $1 AND role = 'member' AND fund_id = $2 AND seat = $3 \
             ORDER BY created_at DESC LIMIT 1",
            &[&TOKEN_LABEL, &fund, &seat],
        )
        .await?
        .and_then(|row| row.get(0));
    let report = client
        .query_opt(
            "SELECT stream_id, payload->>'version' FROM events \
             WHERE event_type = 'ReportFiled' AND stream_id LIKE $1 \
             ORDER BY global_position DESC LIMIT 1",
            &[&format!("report-{fund}-annual-%")],
        )
        .await?;
    found.report = report.and_then(|row| {
        let stream: String = row.get(0);
        let version: String = row.get(1);
        let year = stream.rsplit('-').next()?.to_owned();
        Some(format!(
            "/funds/{fund}/reports/annual/{year}/versions/{version}"
        ))
    });
    Ok(found)
}
