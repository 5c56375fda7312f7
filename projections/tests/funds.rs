//! The funds read model against the real PostgreSQL.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use chrono::NaiveDate;
use domain::fund::phases::{phase_on, Phase};
use domain::fund::policy::FundPolicy;
use domain::fund::{Fund, FundCommand, FundKind, FundTerms};
use domain::{FundId, Money};
use eventstore::repository::CommandContext;
use eventstore::testkit::{test_db, wait_for_feed};
use eventstore::{Metadata, Metrics, Repository};
use projections::funds::{self, FundExtension, FundsProjection};
use projections::runner::{catch_up, setup};
use uuid::Uuid;

#[tokio::test(flavor = "multi_thread")]
async fn a_fund_row_follows_its_stream_version() {
    let db = test_db().await;
    setup::<FundsProjection>(&db.pool).await.unwrap();
    let repo = Repository::<Fund>::new(db.store(), 10);
    let fund_id = FundId(Uuid::now_v7());
    let ctx = CommandContext::new(Metadata::new("admin", "admin"));
    let date = NaiveDate::from_ymd_opt(2021, 9, 1).unwrap();
    let commands = [
        FundCommand::Establish {
            fund_id,
            terms: FundTerms {
                name: "昆山市天使投资基金".into(),
                kind: FundKind::Angel,
                total_size: Money::from_yuan(300_000_000),
                establishment_date: date,
                manager: "昆山创业投资管理有限公司".to_owned(),
                custodian: "中国工商银行昆山分行".to_owned(),
                city: "昆山".to_owned(),
                policy: Box::default(),
            },
        },
        FundCommand::OpenTranche {
            number: 1,
            size: Money::from_yuan(50_000_000),
            subscription_date: date,
        },
    ];
    for command in &commands {
        repo.execute(&fund_id.stream_id(), command, &ctx)
            .await
            .unwrap();
    }
    let store = db.store();
    wait_for_feed(&store, 2).await;
    catch_up(&FundsProjection, &db.pool, &store, &Metrics::new())
        .await
        .unwrap();
    let c = db.pool.get().await.unwrap();
    let view = funds::get(&**c, fund_id).await.unwrap().unwrap();
    assert_eq!(view.version, 2);
    assert_eq!(view.total_size, Money::from_yuan(300_000_000));
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn terms_policy_extensions_phases_and_closing_are_projected() {
    let db = test_db().await;
    setup::<FundsProjection>(&db.pool).await.unwrap();
    let repo = Repository::<Fund>::new(db.store(), 10);
    let fund_id = FundId(Uuid::now_v7());
    let ctx = CommandContext::new(Metadata::new("admin", "admin"));
    let policy = FundPolicy {
        investment_months: 24,
        exit_months: 48,
        ..FundPolicy::default()
    };
    let commands = [
        FundCommand::Establish {
            fund_id,
            terms: FundTerms {
                name: "昆山市天使投资基金".into(),
                kind: FundKind::Angel,
                total_size: Money::from_yuan(300_000_000),
                establishment_date: day("2012-03-01"),
                manager: "昆山创业投资管理有限公司".to_owned(),
                custodian: "中国工商银行昆山分行".to_owned(),
                city: "昆山".to_owned(),
                policy: Box::new(policy.clone()),
            },
        },
        FundCommand::RecordPhaseChanges {
            today: day("2014-03-01"),
        },
        FundCommand::ExtendTerm {
            months: 12,
            resolution_ref: "合伙人大会决议〔2017〕1号".to_owned(),
            resolved_on: day("2017-06-30"),
            government_approval_ref: None,
        },
        FundCommand::RecordPhaseChanges {
            today: day("2019-06-01"),
        },
        FundCommand::CloseFund {
            closed_on: day("2019-06-30"),
            today: day("2019-07-01"),
        },
        FundCommand::RecordPhaseChanges {
            today: day("2019-07-01"),
        },
    ];
    for command in &commands {
        repo.execute(&fund_id.stream_id(), command, &ctx)
            .await
            .unwrap();
    }
    let store = db.store();
    // Established; exit; extended; extension, liquidation; closed; closed phase.
    let events = wait_for_feed(&store, 7).await;
    assert_eq!(events.len(), 7);
    catch_up(&FundsProjection, &db.pool, &store, &Metrics::new())
        .await
        .unwrap();
    let c = db.pool.get().await.unwrap();
    let view = funds::get(&**c, fund_id).await.unwrap().unwrap();
    assert_eq!(view.version, 7);
    assert_eq!(view.manager, "昆山创业投资管理有限公司");
    assert_eq!(view.custodian, "中国工商银行昆山分行");
    assert_eq!(view.city, "昆山");
    assert_eq!(view.policy, serde_json::to_value(&policy).unwrap());
    assert_eq!((view.investment_months, view.exit_months), (24, 48));
    assert_eq!(
        view.extensions,
        vec![FundExtension {
            months: 12,
            resolution_ref: "合伙人大会决议〔2017〕1号".to_owned(),
            resolved_on: day("2017-06-30"),
            government_approval_ref: None,
            from: day("2018-03-01"),
            to: day("2019-02-28"),
        }]
    );
    assert_eq!(view.closed_on, Some(day("2019-06-30")));
    assert_eq!(view.recorded_phase, Some(Phase::Closed));
    assert_eq!(view.recorded_phase_on, Some(day("2019-06-30")));

    let spans = funds::phase_spans(&view);
    let got: Vec<(Phase, NaiveDate, Option<NaiveDate>)> =
        spans.iter().map(|s| (s.phase, s.from, s.to)).collect();
    assert_eq!(
        got,
        vec![
            (
                Phase::Investment,
                day("2012-03-01"),
                Some(day("2014-02-28"))
            ),
            (Phase::Exit, day("2014-03-01"), Some(day("2018-02-28"))),
            (Phase::Extension, day("2018-03-01"), Some(day("2019-02-28"))),
            (
                Phase::Liquidation,
                day("2019-03-01"),
                Some(day("2019-06-29"))
            ),
            (Phase::Closed, day("2019-06-30"), None),
        ]
    );
    assert_eq!(phase_on(&spans, day("2018-02-28")), Some(Phase::Exit));
    assert_eq!(phase_on(&spans, day("2018-03-01")), Some(Phase::Extension));
    assert_eq!(phase_on(&spans, day("2012-02-29")), None);
    // Terms that make no schedule give no phases.
    let broken = funds::FundView {
        investment_months: 0,
        ..view.clone()
    };
    assert!(funds::phase_spans(&broken).is_empty());
    // The view serializes with every field for the API.
    let json = serde_json::to_value(&view).unwrap();
    assert_eq!(json["recorded_phase"], "closed");
    assert_eq!(json["extensions"][0]["from"], "2018-03-01");
    assert_eq!(json["policy"]["exit_months"], 48);
}
