//! The capital read model, fed by a real fund history through the repository.

use chrono::NaiveDate;
use domain::fund::capital::{Lp, LpKind};
use domain::fund::custody::MovementKind;
use domain::fund::{Fund, FundCommand, FundKind, FundTerms};
use domain::{CallId, FundId, LpId, Money, MovementId};
use eventstore::repository::CommandContext;
use eventstore::testkit::{test_db, wait_for_feed};
use eventstore::{Metadata, Metrics, Repository};
use projections::capital::{self, CapitalProjection};
use projections::runner::{catch_up, rebuild, setup};
use rust_decimal::Decimal;
use std::str::FromStr;
use uuid::Uuid;

fn d(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

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
