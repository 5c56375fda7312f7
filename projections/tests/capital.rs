//! The capital read model, fed by a real fund history through the repository; a rebuild
//! from the log gives the same rows.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

mod support;

use domain::fund::capital::{Lp, LpKind};
use domain::fund::custody::MovementKind;
use domain::fund::{Fund, FundCommand, FundKind, FundTerms};
use domain::{CallId, FundId, LpId, Money, MovementId};
use eventstore::repository::CommandContext;
use eventstore::testkit::{test_db, wait_for_feed};
use eventstore::{Metadata, Metrics, Repository};
use projections::capital::{self, CapitalProjection};
use projections::runner::{catch_up, rebuild, setup};
use support::{d, dec, steps, History};
use uuid::Uuid;

#[tokio::test(flavor = "multi_thread")]
async fn totals_accounts_and_arrears_follow_calls_and_confirmed_payments() {
    let db = test_db().await;
    setup::<CapitalProjection>(&db.pool).await.expect("setup");
    let repo = Repository::<Fund>::new(db.store(), 10);
    let fund = FundId(Uuid::now_v7());
    let (a, b) = (LpId(Uuid::from_u128(1)), LpId(Uuid::from_u128(2)));
    let call = CallId(Uuid::now_v7());
    let payment = MovementId(Uuid::now_v7());
    let lp = |name: &str| Lp {
        name: name.into(),
        kind: LpKind::StateOwned,
    };
    let commands = vec![
        FundCommand::Establish {
            fund_id: fund,
            terms: FundTerms {
                name: "昆山市天使投资基金".into(),
                kind: FundKind::Angel,
                total_size: Money::from_yuan(300_000_000),
                establishment_date: d("2021-09-01"),
                manager: "昆山创业投资管理有限公司".to_owned(),
                custodian: "中国工商银行昆山分行".to_owned(),
                city: "昆山".to_owned(),
                policy: Box::default(),
            },
        },
        FundCommand::OpenTranche {
            number: 1,
            size: Money::from_yuan(50_000_000),
            subscription_date: d("2021-09-01"),
        },
        FundCommand::Subscribe {
            tranche: 1,
            lp: a,
            identity: lp("昆山国投"),
            amount: Money::from_yuan(30_000_000),
        },
        FundCommand::Subscribe {
            tranche: 1,
            lp: b,
            identity: lp("昆山产业引导基金"),
            amount: Money::from_yuan(20_000_000),
        },
        FundCommand::CallCapital {
            call_id: call,
            tranches: vec![1],
            amount: Money::from_yuan(50_000_000),
            called_on: d("2021-09-15"),
            due_on: d("2021-09-30"),
        },
        FundCommand::InstructMovement {
            movement_id: payment,
            kind: MovementKind::LpPayment {
                call_id: call,
                lp: a,
            },
            amount: Money::from_yuan(30_000_000),
            value_date: d("2021-09-20"),
        },
        FundCommand::ConfirmMovement {
            movement_id: payment,
            executed_on: d("2021-09-21"),
        },
    ];
    let ctx = CommandContext::new(Metadata::new("manager", "manager"));
    for command in &commands {
        repo.execute(&fund.stream_id(), command, &ctx)
            .await
            .expect("command");
    }
    let store = db.store();
    wait_for_feed(&store, commands.len()).await;
    let metrics = Metrics::new();
    catch_up(&CapitalProjection, &db.pool, &store, &metrics)
        .await
        .expect("catch up");

    let check = || async {
        let c = db.pool.get().await.expect("client");
        let totals = capital::fund_capital(&**c, fund.0)
            .await
            .expect("query")
            .expect("totals");
        assert_eq!(totals.tranches, dec("50000000.00"));
        assert_eq!(totals.subscribed, dec("50000000.00"));
        assert_eq!(totals.called, dec("50000000.00"));
        assert_eq!(totals.paid, dec("30000000.00"));
        assert_eq!(totals.cash, dec("30000000.00"));
        let on_due = capital::lp_accounts(&**c, fund.0, d("2021-09-30"))
            .await
            .expect("accounts");
        let after_due = capital::lp_accounts(&**c, fund.0, d("2021-10-01"))
            .await
            .expect("accounts");
        assert_eq!(on_due.len(), 2);
        assert_eq!(on_due[0].name, "昆山国投");
        assert_eq!(
            (on_due[0].called, on_due[0].paid, on_due[0].arrears),
            (dec("30000000.00"), dec("30000000.00"), dec("0"))
        );
        // LP b paid nothing: in arrears from the day after the due date.
        assert_eq!(on_due[1].arrears, dec("0"));
        assert_eq!(after_due[1].arrears, dec("20000000.00"));
        assert_eq!(after_due[1].kind, "state_owned");
    };
    check().await;
    // A rebuild from the log gives the same figures.
    rebuild(&CapitalProjection, &db.pool, &store, &metrics)
        .await
        .expect("rebuild");
    check().await;
}

/// Every row of every capital table, in key order.
async fn all_rows(h: &History) -> Vec<(String, Vec<serde_json::Value>)> {
    let c = h.db.pool.get().await.unwrap();
    let mut tables = Vec::new();
    for (table, key) in [
        ("rm_fund_capital", "fund_id"),
        ("rm_lp_accounts", "fund_id, lp_id"),
        ("rm_calls", "fund_id, call_id"),
        ("rm_call_lps", "fund_id, call_id, lp_id"),
        ("rm_movements", "fund_id, movement_id"),
        ("rm_fee_assessments", "fund_id, year"),
        ("rm_distributions", "fund_id, distribution_id"),
        ("rm_distribution_lps", "fund_id, distribution_id, lp_id"),
        ("rm_investments", "fund_id, project_id"),
        ("rm_exits", "fund_id, exit_id"),
    ] {
        let rows = c
            .query(
                &format!("SELECT to_jsonb(t) FROM {table} t ORDER BY {key}"),
                &[],
            )
            .await
            .unwrap();
        tables.push((table.to_owned(), rows.iter().map(|r| r.get(0)).collect()));
    }
    tables
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rebuild_gives_the_same_rows_as_applying_step_by_step() {
    let mut h = History::new().await;
    let steps = steps(&h.ids);
    let last = steps.last().unwrap().1.clone();
    for (commands, _) in &steps {
        h.run(commands).await;
    }
    assert_eq!(h.totals().await, last);
    let before = all_rows(&h).await;
    let counts: Vec<usize> = before.iter().map(|(_, rows)| rows.len()).collect();
    // One fund, 3 LPs, 2 calls with 4 shares, 9 movements, 2 fee years, 1 distribution to
    // 3 LPs, no investment.
    assert_eq!(counts, [1, 3, 2, 4, 9, 2, 1, 3, 0, 0]);
    let applied = rebuild(&CapitalProjection, &h.db.pool, &h.store, &h.metrics)
        .await
        .unwrap();
    let events = h
        .store
        .load_stream(&h.ids.fund.stream_id(), 0)
        .await
        .unwrap();
    assert_eq!(applied, events.len() as u64);
    assert_eq!(all_rows(&h).await, before);
    assert_eq!(h.totals().await, last);
    // Dates and amounts as stored.
    let fee = &before[5].1[1];
    assert_eq!(fee["year"], 2023);
    assert_eq!(fee["total"], 651232.88);
    assert_eq!(fee["period_from"], "2023-01-01");
    let on = d("2024-06-30");
    let c = h.db.pool.get().await.unwrap();
    let accounts = capital::lp_accounts(&**c, h.ids.fund.0, on).await.unwrap();
    assert_eq!(
        accounts
            .iter()
            .map(|a| a.paid)
            .sum::<rust_decimal::Decimal>(),
        dec("63000000")
    );
}
