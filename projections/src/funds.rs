//! The funds read model: one row per fund, for `GET /funds` and `GET /funds/{id}`: its
//! terms (with manager, custodian, city and policy), its extensions, its closing and the last
//! phase change recorded. [`phase_spans`] derives every phase with its dates from a row.

use crate::{Projection, Write};
use chrono::{DateTime, NaiveDate, Utc};
use domain::fund::phases::{self, Phase, PhaseSpan, PhaseTerms};
use domain::fund::FundEvent;
use domain::{FundId, Money};
use eventstore::RecordedEvent;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use tokio_postgres::types::Json;
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
    /// The management company (基金管理机构).
    pub manager: String,
    /// The custodian bank (托管银行).
    pub custodian: String,
    /// The city the fund serves.
    pub city: String,
    /// The fund policy (`domain::fund::policy::FundPolicy`) as JSON.
    pub policy: serde_json::Value,
    /// Investment period in months (from the policy).
    pub investment_months: u32,
    /// Exit period in months (from the policy).
    pub exit_months: u32,
    /// The approved extensions of the term, in order.
    pub extensions: Vec<FundExtension>,
    /// The day the fund closed, once it has.
    pub closed_on: Option<NaiveDate>,
    /// The phase of the latest phase change recorded, if any.
    pub recorded_phase: Option<Phase>,
    /// The first day of [`FundView::recorded_phase`].
    pub recorded_phase_on: Option<NaiveDate>,
    /// The fund stream's version this row reflects.
    pub version: i64,
    /// When it was established (recorded).
    pub established_at: DateTime<Utc>,
}

/// An extension of the term, as recorded by `TermExtended`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundExtension {
    /// Length in months.
    pub months: u32,
    /// The partners' meeting resolution reference.
    pub resolution_ref: String,
    /// The day the resolution was passed.
    pub resolved_on: NaiveDate,
    /// The government approval reference (guidance funds).
    pub government_approval_ref: Option<String>,
    /// First day of the extension.
    pub from: NaiveDate,
    /// Last day of the extension.
    pub to: NaiveDate,
}

/// Every phase of the fund with its dates, from the terms, extensions and closing of the
/// row (`domain::fund::phases::schedule`); empty if they do not make a schedule. The phase on a
/// given day is `domain::fund::phases::phase_on(&phase_spans(view), day)`.
pub fn phase_spans(view: &FundView) -> Vec<PhaseSpan> {
    phases::schedule(&PhaseTerms {
        establishment_date: view.establishment_date,
        investment_months: view.investment_months,
        exit_months: view.exit_months,
        extension_months: view.extensions.iter().map(|e| e.months).collect(),
        closed_on: view.closed_on,
    })
    .unwrap_or_default()
}

const COLUMNS: &str = "fund_id, name, kind, total_size, establishment_date, version, \
     established_at, manager, custodian, city, policy, investment_months, exit_months, \
     extensions, closed_on, recorded_phase, recorded_phase_on";

fn months(row: &Row, index: usize) -> u32 {
    u32::try_from(row.get::<_, i32>(index)).unwrap_or(0)
}

fn phase(name: Option<String>) -> Option<Phase> {
    serde_json::from_value(serde_json::Value::String(name?)).ok()
}

fn row_to_view(row: &Row) -> FundView {
    let size: Decimal = row.get(3);
    let extensions: Json<Vec<FundExtension>> = row.get(13);
    FundView {
        fund_id: row.get(0),
        name: row.get(1),
        kind: row.get(2),
        total_size: Money::from_decimal(size).unwrap_or_default(),
        establishment_date: row.get(4),
        version: row.get(5),
        established_at: row.get(6),
        manager: row.get(7),
        custodian: row.get(8),
        city: row.get(9),
        policy: row.get(10),
        investment_months: months(row, 11),
        exit_months: months(row, 12),
        extensions: extensions.0,
        closed_on: row.get(14),
        recorded_phase: phase(row.get(15)),
        recorded_phase_on: row.get(16),
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

const ESTABLISHED: usize = 0;
const VERSION: usize = 1;
const EXTENDED: usize = 2;
const CLOSED: usize = 3;
const PHASE_CHANGED: usize = 4;

impl Projection for FundsProjection {
    const NAME: &'static str = "funds";
    const STREAM_TYPES: &'static [&'static str] = &["fund"];
    const SCHEMA: &'static str = "CREATE TABLE IF NOT EXISTS rm_funds (
        fund_id            uuid PRIMARY KEY,
        name               text NOT NULL,
        kind               text NOT NULL,
        total_size         numeric(20, 2) NOT NULL,
        establishment_date date NOT NULL,
        manager            text NOT NULL,
        custodian          text NOT NULL,
        city               text NOT NULL,
        policy             jsonb NOT NULL,
        investment_months  integer NOT NULL,
        exit_months        integer NOT NULL,
        extensions         jsonb NOT NULL DEFAULT '[]',
        closed_on          date,
        recorded_phase     text,
        recorded_phase_on  date,
        version            bigint NOT NULL,
        established_at     timestamptz NOT NULL,
        updated_at         timestamptz NOT NULL)";
    const DROP: &'static str = "DROP TABLE IF EXISTS rm_funds";

    // Every update also moves the version, and only forward: an event is applied once, after
    // the events before it in its stream.
    const STATEMENTS: &'static [&'static str] = &[
        // ESTABLISHED
        "INSERT INTO rm_funds (fund_id, name, kind, total_size, establishment_date, version, \
         established_at, updated_at, manager, custodian, city, policy, investment_months, \
         exit_months) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10, $11, $12, $13) \
         ON CONFLICT (fund_id) DO NOTHING",
        // VERSION
        "UPDATE rm_funds SET version = $2, updated_at = $3 WHERE fund_id = $1 AND version < $2",
        // EXTENDED: $4 is a one-element array.
        "UPDATE rm_funds SET version = $2, updated_at = $3, extensions = extensions || $4::jsonb \
         WHERE fund_id = $1 AND version < $2",
        // CLOSED
        "UPDATE rm_funds SET version = $2, updated_at = $3, closed_on = $4 \
         WHERE fund_id = $1 AND version < $2",
        // PHASE_CHANGED: the latest change (by its first day) is kept.
        "UPDATE rm_funds SET version = $2, updated_at = $3, \
             recorded_phase = CASE WHEN recorded_phase_on IS NULL OR recorded_phase_on <= $5 \
                                   THEN $4 ELSE recorded_phase END, \
             recorded_phase_on = CASE WHEN recorded_phase_on IS NULL OR recorded_phase_on <= $5 \
                                      THEN $5 ELSE recorded_phase_on END \
         WHERE fund_id = $1 AND version < $2",
    ];

    fn writes(&self, event: &RecordedEvent) -> anyhow::Result<Vec<Write>> {
        let fund = Uuid::parse_str(&event.stream_id)?;
        let version = |statement: usize, mut more: Vec<crate::Param>| {
            let mut params: Vec<crate::Param> = vec![
                Box::new(fund),
                Box::new(event.stream_version),
                Box::new(event.recorded_at),
            ];
            params.append(&mut more);
            vec![Write::new(statement, params)]
        };
        Ok(match event.decode::<FundEvent>()? {
            FundEvent::FundEstablished { fund_id, terms } => vec![Write::new(
                ESTABLISHED,
                vec![
                    Box::new(fund_id.0),
                    Box::new(terms.name),
                    Box::new(terms.kind.as_str()),
                    Box::new(terms.total_size.as_decimal()),
                    Box::new(terms.establishment_date),
                    Box::new(event.stream_version),
                    Box::new(event.recorded_at),
                    Box::new(terms.manager),
                    Box::new(terms.custodian),
                    Box::new(terms.city),
                    Box::new(serde_json::to_value(&terms.policy)?),
                    Box::new(i32::try_from(terms.policy.investment_months)?),
                    Box::new(i32::try_from(terms.policy.exit_months)?),
                ],
            )],
            FundEvent::TermExtended {
                months,
                resolution_ref,
                resolved_on,
                government_approval_ref,
                from,
                to,
            } => {
                let extension = FundExtension {
                    months,
                    resolution_ref,
                    resolved_on,
                    government_approval_ref,
                    from,
                    to,
                };
                version(EXTENDED, vec![Box::new(serde_json::to_value([extension])?)])
            }
            FundEvent::FundClosed { closed_on } => version(CLOSED, vec![Box::new(closed_on)]),
            FundEvent::PhaseChanged { phase, on } => {
                version(PHASE_CHANGED, vec![Box::new(phase.as_str()), Box::new(on)])
            }
            // Capital, custody, fees and distributions: the capital projection; here only
            // the version moves.
            _ => version(VERSION, Vec::new()),
        })
    }
}
