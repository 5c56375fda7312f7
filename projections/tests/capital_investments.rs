//! The capital read model follows the fund's investments (Art. 11) and exits (Art. 16): a
//! fund with paid-in capital injects into two companies (cash falls, invested rises when the
//! custodian confirms), exits one in part (cost released, proceeds recorded, then received
//! in two payments that raise the cash) and writes the other off. Every figure is checked
//! after each step; a rebuild gives the same rows, and applying the money events twice
//! changes nothing.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

mod investments_history;
mod support;

use domain::fund::custody::MovementKind;
use domain::fund::FundEvent;
use investments_history::{investment_steps, Ids};
use projections::capital::{self, CapitalProjection};
use projections::runner::rebuild;
use projections::Projection;
use support::{d, dec, steps, History};
use tokio_postgres::types::ToSql;
use uuid::Uuid;

/// Every row of the tables the money of investments touches, in key order.
async fn money_rows(h: &History) -> Vec<Vec<serde_json::Value>> {
    let c = h.db.pool.get().await.unwrap();
    let mut tables = Vec::new();
    for (table, key) in [
        ("rm_fund_capital", "fund_id"),
        ("rm_movements", "fund_id, movement_id"),
        ("rm_investments", "fund_id, project_id"),
        ("rm_exits", "fund_id, exit_id"),
    ] {
        let sql = format!("SELECT to_jsonb(t) FROM {table} t ORDER BY {key}");
        let rows = c.query(&sql, &[]).await.unwrap();
        tables.push(rows.iter().map(|r| r.get(0)).collect());
    }
    tables
}

#[tokio::test(flavor = "multi_thread")]
async fn injections_and_exits_move_cash_cost_and_proceeds() {
    let mut h = History::new().await;
    // Tranche 1 called and paid in full by A and B: 50,000,000 in cash.
    for (commands, expected) in steps(&h.ids).into_iter().take(4) {
        h.run(&commands).await;
        assert_eq!(h.totals().await, expected);
    }
    let fund = h.ids.fund.0;
    let ids = Ids::new();
    for (n, (commands, expected, investments, exits)) in
        investment_steps(&ids).into_iter().enumerate()
    {
        h.run(&commands).await;
        let c = h.db.pool.get().await.unwrap();
        assert_eq!(h.totals().await, expected, "totals after step {n}");
        let got = capital::investments(&**c, fund).await.unwrap();
        assert_eq!(got, investments, "investments after step {n}");
        let got = capital::exits(&**c, fund).await.unwrap();
        assert_eq!(got, exits, "exits after step {n}");
    }
    let c = h.db.pool.get().await.unwrap();
    let cl = &**c;
    let all = capital::investments(cl, fund).await.unwrap();
    let one = capital::investment(cl, fund, ids.p2.0).await.unwrap();
    assert_eq!(one.as_ref(), Some(&all[1]));
    let none = capital::investment(cl, fund, Uuid::now_v7()).await.unwrap();
    assert_eq!(none, None);
    let other = Uuid::now_v7();
    assert_eq!(capital::investments(cl, other).await.unwrap(), []);
    assert_eq!(capital::exits(cl, other).await.unwrap(), []);

    // As the API serializes them: exact amounts, the exit's day.
    let json = serde_json::to_value(&all[1]).unwrap();
    assert_eq!(json["realised"], "-3000000.00");
    assert_eq!(json["unpaid_commitment"], "2000000.00");
    let exits = capital::exits(cl, fund).await.unwrap();
    let json = serde_json::to_value(&exits[0]).unwrap();
    assert_eq!(
        (&json["on"], &json["proceeds"]),
        (&"2023-06-30".into(), &"4500000.00".into())
    );
    let json = serde_json::to_value(h.totals().await).unwrap();
    assert_eq!(json["cost_not_exited"], "5000000.00");

    // The movements, by value date: the LP payments, the injections and the proceeds.
    let movements = capital::movements(cl, fund).await.unwrap();
    let got: Vec<_> = movements
        .iter()
        .map(|m| {
            (
                m.movement_id,
                m.kind.as_str(),
                m.project_id,
                m.exit_id,
                m.amount,
                m.value_date,
                m.confirmed_on,
            )
        })
        .collect();
    let (m, i, x) = (h.ids.m, ids.i, ids.x);
    let (p1, p2, e1) = (Some(ids.p1.0), Some(ids.p2.0), Some(ids.e1.0));
    let on = |s: &str| Some(d(s));
    assert_eq!(
        got,
        [
            (
                m[0].0,
                "lp_payment",
                None,
                None,
                dec("30000000"),
                d("2022-01-20"),
                on("2022-01-21")
            ),
            (
                m[1].0,
                "lp_payment",
                None,
                None,
                dec("20000000"),
                d("2022-01-25"),
                on("2022-01-26")
            ),
            (
                i[0].0,
                "injection",
                p1,
                None,
                dec("6000000"),
                d("2022-03-01"),
                on("2022-03-02")
            ),
            (
                i[1].0,
                "injection",
                p2,
                None,
                dec("3000000"),
                d("2022-06-01"),
                on("2022-06-01")
            ),
            (
                i[2].0,
                "injection",
                p1,
                None,
                dec("2000000"),
                d("2022-09-01"),
                on("2024-01-05")
            ),
            (
                x[0].0,
                "exit_proceeds",
                None,
                e1,
                dec("3000000"),
                d("2023-07-10"),
                on("2023-07-11")
            ),
            (
                x[1].0,
                "exit_proceeds",
                None,
                e1,
                dec("1500000"),
                d("2023-07-20"),
                on("2023-07-21")
            ),
        ]
    );
    assert!(movements
        .iter()
        .skip(2)
        .all(|m| m.call_id.is_none() && m.lp_id.is_none()));
    // The kinds stored are the domain's wire names.
    for (kind, stored) in [
        (
            MovementKind::Injection { project_id: ids.p1 },
            &movements[2],
        ),
        (
            MovementKind::ExitProceeds { exit_id: ids.e1 },
            &movements[5],
        ),
    ] {
        assert_eq!(
            serde_json::to_value(kind).unwrap()["kind"],
            stored.kind.as_str()
        );
    }

    // A rebuild from the log gives the same rows.
    let before = money_rows(&h).await;
    let counts: Vec<usize> = before.iter().map(Vec::len).collect();
    assert_eq!(counts, [1, 7, 2, 2]);
    rebuild(&CapitalProjection, &h.db.pool, &h.store, &h.metrics)
        .await
        .unwrap();
    assert_eq!(money_rows(&h).await, before);

    // Applying the money events once more (which the runner's dedupe prevents) changes
    // nothing: only the additive tranche and subscription totals would move, so their events
    // are left out.
    let events = h
        .store
        .load_stream(&h.ids.fund.stream_id(), 0)
        .await
        .unwrap();
    for event in &events {
        if let FundEvent::FundEstablished { .. }
        | FundEvent::TrancheOpened { .. }
        | FundEvent::LpSubscribed { .. } = event.decode::<FundEvent>().unwrap()
        {
            continue;
        }
        for write in CapitalProjection.writes(event).unwrap() {
            let params: Vec<&(dyn ToSql + Sync)> = write
                .params
                .iter()
                .map(|p| p.as_ref() as &(dyn ToSql + Sync))
                .collect();
            let sql = CapitalProjection::STATEMENTS[write.statement];
            cl.execute(sql, &params).await.unwrap();
        }
    }
    assert_eq!(money_rows(&h).await, before);
}
