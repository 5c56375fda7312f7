//! The funds read model: one row per fund, for `GET /funds` and `GET /funds/{id}`.

use crate::{Projection, Write};
use chrono::{DateTime, NaiveDate, Utc};
use domain::fund::FundEvent;
use domain::{FundId, Money};
use eventstore::RecordedEvent;
use rust_decimal::Decimal;
use serde::Serialize;
use tokio_postgres::{GenericClient, Row};
use uuid::Uuid;

/// The funds projection.
pub struct FundsProjection;

/// One fund as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundView {
    /// Fund id.
    pub fund_id: Uuid,
    /// Name.
    pub name: String,
    /// `angel` or `guidance`.
    pub kind: String,
    /// Total size (总规模).
    pub total_size: Money,
    /// Establishment date.
    pub establishment_date: NaiveDate,
    /// The fund stream's version this row reflects.
    pub version: i64,
    /// When it was established (recorded).
    pub established_at: DateTime<Utc>,
}

const COLUMNS: &str =
    "fund_id, name, kind, total_size, establishment_date, version, established_at";

fn row_to_view(row: &Row) -> FundView {
    let size: Decimal = row.get(3);
    FundView {
        fund_id: row.get(0),
        name: row.get(1),
        kind: row.get(2),
        total_size: Money::from_decimal(size).unwrap_or_default(),
        establishment_date: row.get(4),
        version: row.get(5),
        established_at: row.get(6),
    }
}

/// One fund, if projected.
pub async fn get(
    client: &impl GenericClient,
    fund_id: FundId,
) -> Result<Option<FundView>, tokio_postgres::Error> {
    let row = client
        .query_opt(
            &format!("SELECT {COLUMNS} FROM rm_funds WHERE fund_id = $1"),
            &[&fund_id.0],
        )
        .await?;
    Ok(row.as_ref().map(row_to_view))
}

/// Funds ordered by id (UUIDv7: by creation), after `after`, at most `limit`; restricted to
/// `only` when given (a principal's funds).
pub async fn list(
    client: &impl GenericClient,
    only: Option<&[Uuid]>,
    after: Option<Uuid>,
    limit: i64,
) -> Result<Vec<FundView>, tokio_postgres::Error> {
    let rows = client
        .query(
            &format!(
                "SELECT {COLUMNS} FROM rm_funds \
                 WHERE ($1::uuid[] IS NULL OR fund_id = ANY($1)) \
                   AND ($2::uuid IS NULL OR fund_id > $2) \
                 ORDER BY fund_id LIMIT $3"
            ),
            &[&only, &after, &limit],
        )
        .await?;
    Ok(rows.iter().map(row_to_view).collect())
}

impl Projection for FundsProjection {
    const NAME: &'static str = "funds";
    const STREAM_TYPES: &'static [&'static str] = &["fund"];
    const SCHEMA: &'static str = "CREATE TABLE IF NOT EXISTS rm_funds (
        fund_id            uuid PRIMARY KEY,
        name               text NOT NULL,
        kind               text NOT NULL,
        total_size         numeric(20, 2) NOT NULL,
        establishment_date date NOT NULL,
        version            bigint NOT NULL,
        established_at     timestamptz NOT NULL,
        updated_at         timestamptz NOT NULL)";
    const DROP: &'static str = "DROP TABLE IF EXISTS rm_funds";

    const STATEMENTS: &'static [&'static str] = &[
        "INSERT INTO rm_funds (fund_id, name, kind, total_size, establishment_date, version, \
         established_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) \
         ON CONFLICT (fund_id) DO NOTHING",
        "UPDATE rm_funds SET version = $2, updated_at = $3 WHERE fund_id = $1",
    ];

    fn writes(&self, event: &RecordedEvent) -> anyhow::Result<Vec<Write>> {
        Ok(match event.decode::<FundEvent>()? {
            FundEvent::FundEstablished { fund_id, terms } => vec![Write::new(
                0,
                vec![
                    Box::new(fund_id.0),
                    Box::new(terms.name),
                    Box::new(terms.kind.as_str()),
                    Box::new(terms.total_size.as_decimal()),
                    Box::new(terms.establishment_date),
                    Box::new(event.stream_version),
                    Box::new(event.recorded_at),
                ],
            )],
            // Tranches, subscriptions and calls: their read models come with the fund
            // lifecycle; here only the version moves.
            _ => vec![Write::new(
                1,
                vec![
                    Box::new(uuid::Uuid::parse_str(&event.stream_id)?),
                    Box::new(event.stream_version),
                    Box::new(event.recorded_at),
                ],
            )],
        })
    }
}
