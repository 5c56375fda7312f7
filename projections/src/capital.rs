//! The capital read model of each fund (SPEC §1, §2): the fund's totals, each LP's capital
//! account, each call's allocation and payment per LP, and the movements at the custodian.
//! Arrears depend on the day asked, so they are computed when read (allocated − paid after
//! the due date), not stored.

use crate::{Param, Projection, Write};
use domain::fund::custody::MovementKind;
use domain::fund::FundEvent;
use eventstore::RecordedEvent;
use rust_decimal::Decimal;
use uuid::Uuid;

/// The capital projection.
pub struct CapitalProjection;

const FUND_TOTALS: usize = 0;
const LP_SUBSCRIBED: usize = 1;
const CALL_ALLOCATED: usize = 2;
const MOVEMENT: usize = 3;
const CONFIRMED: usize = 4;

fn money(m: domain::Money) -> Param {
    Box::new(m.as_decimal())
}

impl Projection for CapitalProjection {
    const NAME: &'static str = "capital";
    const STREAM_TYPES: &'static [&'static str] = &["fund"];
    const SCHEMA: &'static str = "
        CREATE TABLE IF NOT EXISTS rm_fund_capital (
            fund_id     uuid PRIMARY KEY,
            tranches    numeric(20, 2) NOT NULL DEFAULT 0,
            subscribed  numeric(20, 2) NOT NULL DEFAULT 0,
            called      numeric(20, 2) NOT NULL DEFAULT 0,
            paid        numeric(20, 2) NOT NULL DEFAULT 0,
            cash        numeric(20, 2) NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS rm_lp_accounts (
            fund_id     uuid NOT NULL,
            lp_id       uuid NOT NULL,
            name        text NOT NULL,
            kind        text NOT NULL,
            subscribed  numeric(20, 2) NOT NULL DEFAULT 0,
            called      numeric(20, 2) NOT NULL DEFAULT 0,
            paid        numeric(20, 2) NOT NULL DEFAULT 0,
            PRIMARY KEY (fund_id, lp_id));
        CREATE TABLE IF NOT EXISTS rm_call_lps (
            fund_id     uuid NOT NULL,
            call_id     uuid NOT NULL,
            lp_id       uuid NOT NULL,
            allocated   numeric(20, 2) NOT NULL,
            paid        numeric(20, 2) NOT NULL DEFAULT 0,
            called_on   date NOT NULL,
            due_on      date NOT NULL,
            PRIMARY KEY (call_id, lp_id));
        CREATE TABLE IF NOT EXISTS rm_movements (
            movement_id  uuid PRIMARY KEY,
            fund_id      uuid NOT NULL,
            kind         text NOT NULL,
            call_id      uuid,
            lp_id        uuid,
            amount       numeric(20, 2) NOT NULL,
            value_date   date NOT NULL,
            confirmed_on date)";
    const DROP: &'static str = "DROP TABLE IF EXISTS rm_fund_capital, rm_lp_accounts, \
         rm_call_lps, rm_movements";
    const STATEMENTS: &'static [&'static str] = &[
        // FUND_TOTALS: add to the fund's totals.
        "INSERT INTO rm_fund_capital (fund_id, tranches, subscribed, called)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (fund_id) DO UPDATE SET
             tranches = rm_fund_capital.tranches + EXCLUDED.tranches,
             subscribed = rm_fund_capital.subscribed + EXCLUDED.subscribed,
             called = rm_fund_capital.called + EXCLUDED.called",
        // LP_SUBSCRIBED
        "INSERT INTO rm_lp_accounts (fund_id, lp_id, name, kind, subscribed)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (fund_id, lp_id) DO UPDATE
             SET subscribed = rm_lp_accounts.subscribed + EXCLUDED.subscribed",
        // CALL_ALLOCATED: one LP's share of a call (over its tranches).
        "WITH lp AS (
             UPDATE rm_lp_accounts SET called = called + $4 WHERE fund_id = $1 AND lp_id = $3)
         INSERT INTO rm_call_lps (fund_id, call_id, lp_id, allocated, called_on, due_on)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (call_id, lp_id) DO UPDATE
             SET allocated = rm_call_lps.allocated + EXCLUDED.allocated",
        // MOVEMENT instructed
        "INSERT INTO rm_movements (movement_id, fund_id, kind, call_id, lp_id, amount, value_date)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (movement_id) DO NOTHING",
        // CONFIRMED: the money moved; everything it pays follows.
        "WITH m AS (
             UPDATE rm_movements SET confirmed_on = $2
             WHERE movement_id = $1 AND confirmed_on IS NULL
             RETURNING fund_id, call_id, lp_id, amount),
         f AS (
             UPDATE rm_fund_capital c SET cash = cash + m.amount, paid = paid + m.amount
             FROM m WHERE c.fund_id = m.fund_id),
         a AS (
             UPDATE rm_lp_accounts a SET paid = paid + m.amount
             FROM m WHERE a.fund_id = m.fund_id AND a.lp_id = m.lp_id)
         UPDATE rm_call_lps c SET paid = paid + m.amount
         FROM m WHERE c.call_id = m.call_id AND c.lp_id = m.lp_id",
    ];

    fn writes(&self, event: &RecordedEvent) -> anyhow::Result<Vec<Write>> {
        let fund = Uuid::parse_str(&event.stream_id)?;
        let zero = || money(domain::Money::ZERO);
        Ok(match event.decode::<FundEvent>()? {
            FundEvent::FundEstablished { .. } => vec![Write::new(
                FUND_TOTALS,
                vec![Box::new(fund), zero(), zero(), zero()],
            )],
            FundEvent::TrancheOpened { size, .. } => vec![Write::new(
                FUND_TOTALS,
                vec![Box::new(fund), money(size), zero(), zero()],
            )],
            FundEvent::LpSubscribed {
                lp,
                lp_name,
                lp_kind,
                amount,
                ..
            } => vec![
                Write::new(
                    FUND_TOTALS,
                    vec![Box::new(fund), zero(), money(amount), zero()],
                ),
                Write::new(
                    LP_SUBSCRIBED,
                    vec![
                        Box::new(fund),
                        Box::new(lp.0),
                        Box::new(lp_name),
                        Box::new(kind_name(&serde_json::to_value(lp_kind)?)),
                        money(amount),
                    ],
                ),
            ],
            FundEvent::CapitalCalled {
                call_id,
                amount,
                called_on,
                due_on,
                allocations,
                ..
            } => {
                let mut writes = vec![Write::new(
                    FUND_TOTALS,
                    vec![Box::new(fund), zero(), zero(), money(amount)],
                )];
                for a in allocations {
                    writes.push(Write::new(
                        CALL_ALLOCATED,
                        vec![
                            Box::new(fund),
                            Box::new(call_id.0),
                            Box::new(a.lp.0),
                            money(a.amount),
                            Box::new(called_on),
                            Box::new(due_on),
                        ],
                    ));
                }
                writes
            }
            FundEvent::MovementInstructed {
                movement_id,
                kind,
                amount,
                value_date,
            } => {
                let MovementKind::LpPayment { call_id, lp } = kind else {
                    return Ok(Vec::new());
                };
                vec![Write::new(
                    MOVEMENT,
                    vec![
                        Box::new(movement_id.0),
                        Box::new(fund),
                        Box::new("lp_payment"),
                        Box::new(call_id.0),
                        Box::new(lp.0),
                        money(amount),
                        Box::new(value_date),
                    ],
                )]
            }
            FundEvent::MovementConfirmed {
                movement_id,
                executed_on,
            } => vec![Write::new(
                CONFIRMED,
                vec![Box::new(movement_id.0), Box::new(executed_on)],
            )],
            _ => Vec::new(),
        })
    }
}

fn kind_name(value: &serde_json::Value) -> String {
    value.as_str().unwrap_or("other").to_owned()
}

/// A fund's capital totals.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FundCapital {
    /// Sum of the tranches' sizes.
    pub tranches: Decimal,
    /// Subscribed (认缴).
    pub subscribed: Decimal,
    /// Called.
    pub called: Decimal,
    /// Paid in (实缴), confirmed by the custodian.
    pub paid: Decimal,
    /// Cash at the custodian.
    pub cash: Decimal,
}

/// One LP's capital account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LpAccount {
    /// The LP.
    pub lp_id: Uuid,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: String,
    /// Subscribed.
    pub subscribed: Decimal,
    /// Called.
    pub called: Decimal,
    /// Paid, confirmed.
    pub paid: Decimal,
    /// Called and not paid after the due date, on the day asked.
    pub arrears: Decimal,
}

/// The totals of a fund, if it has any.
pub async fn fund_capital(
    client: &impl tokio_postgres::GenericClient,
    fund_id: Uuid,
) -> Result<Option<FundCapital>, tokio_postgres::Error> {
    let row = client
        .query_opt(
            "SELECT tranches, subscribed, called, paid, cash FROM rm_fund_capital \
             WHERE fund_id = $1",
            &[&fund_id],
        )
        .await?;
    Ok(row.map(|r| FundCapital {
        tranches: r.get(0),
        subscribed: r.get(1),
        called: r.get(2),
        paid: r.get(3),
        cash: r.get(4),
    }))
}

/// The LPs' capital accounts of a fund, with their arrears on `on`.
pub async fn lp_accounts(
    client: &impl tokio_postgres::GenericClient,
    fund_id: Uuid,
    on: chrono::NaiveDate,
) -> Result<Vec<LpAccount>, tokio_postgres::Error> {
    let rows = client
        .query(
            "SELECT a.lp_id, a.name, a.kind, a.subscribed, a.called, a.paid,
                    coalesce((SELECT sum(c.allocated - c.paid) FROM rm_call_lps c
                              WHERE c.fund_id = a.fund_id AND c.lp_id = a.lp_id
                                AND c.due_on < $2), 0)
             FROM rm_lp_accounts a WHERE a.fund_id = $1 ORDER BY a.lp_id",
            &[&fund_id, &on],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| LpAccount {
            lp_id: r.get(0),
            name: r.get(1),
            kind: r.get(2),
            subscribed: r.get(3),
            called: r.get(4),
            paid: r.get(5),
            arrears: r.get(6),
        })
        .collect())
}
