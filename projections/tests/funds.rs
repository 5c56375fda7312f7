//! The funds read model against the real PostgreSQL.

use chrono::NaiveDate;
use domain::fund::{Fund, FundCommand, FundKind, FundTerms};
use domain::{FundId, Money};
use eventstore::repository::CommandContext;
use eventstore::testkit::{test_db, wait_for_feed};
use eventstore::{Metadata, Metrics, Repository};
use projections::funds::{self, FundsProjection};
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
