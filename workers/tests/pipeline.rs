//! The whole pipe: a command through the repository → the log → the relay → NATS → the funds
//! projection, consumed live.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use chrono::NaiveDate;
use domain::fund::{Fund, FundCommand, FundKind, FundTerms};
use domain::{FundId, Money};
use eventstore::repository::CommandContext;
use eventstore::testkit::{nats, nats_prefix, test_db, wait_until};
use eventstore::{subjects, Metadata, Metrics, Repository};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use uuid::Uuid;
use workers::{run_all_with, WorkersConfig, WorkersOptions};

/// Establishes a fund through the repository, as the API does.
async fn establish(repo: &Repository<Fund>, name: &str, kind: FundKind, size: i64) -> FundId {
    let fund_id = FundId(Uuid::now_v7());
    repo.execute(
        &fund_id.stream_id(),
        &FundCommand::Establish {
            fund_id,
            terms: FundTerms {
                name: name.into(),
                kind,
                total_size: Money::from_yuan(size),
                establishment_date: NaiveDate::from_ymd_opt(2021, 9, 1).unwrap(),
                manager: "昆山创业投资管理有限公司".to_owned(),
                custodian: "中国工商银行昆山分行".to_owned(),
                city: "昆山".to_owned(),
                policy: Box::default(),
            },
        },
        &CommandContext::new(Metadata::new("admin", "admin")),
    )
    .await
    .unwrap();
    fund_id
}

#[tokio::test(flavor = "multi_thread")]
async fn an_established_fund_reaches_the_read_model_through_nats() {
    let db = test_db().await;
    let nats = nats().await;
    let prefix = nats_prefix();
    let metrics = Metrics::new();
    let (shutdown_tx, shutdown) = watch::channel(false);
    // The scheduler runs too; on the establishment day nothing is due, so the funds stay at
    // version 1.
    let options = WorkersOptions {
        scheduler_clock: Arc::new(|| NaiveDate::from_ymd_opt(2021, 9, 1).unwrap()),
        ..WorkersOptions::default()
    };
    let workers = tokio::spawn(run_all_with(
        WorkersConfig {
            pool: db.pool.clone(),
            database_url: db.url.clone(),
            nats: nats.clone(),
            prefix: prefix.clone(),
            metrics: metrics.clone(),
            shutdown,
        },
        options,
    ));
    wait_until(
        async || metrics.get("fundadmin_projection_live", "projection=\"funds\"") == Some(1.0),
        "the funds projection to go live",
    )
    .await;
    wait_until(
        async || metrics.get("fundadmin_projection_live", "projection=\"committee\"") == Some(1.0),
        "the committee projection to go live",
    )
    .await;
    wait_until(
        async || metrics.get("fundadmin_scheduler_ticks_total", "").is_some(),
        "the scheduler's first tick",
    )
    .await;

    let repo = Repository::<Fund>::new(db.store(), 100);
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(
            establish(
                &repo,
                &format!("天使基金 {i}"),
                FundKind::Angel,
                300_000_000,
            )
            .await,
        );
    }

    wait_until(
        async || {
            let c = db.pool.get().await.unwrap();
            projections::funds::list(&**c, None, None, 10)
                .await
                .unwrap()
                .len()
                == 3
        },
        "three funds in the read model",
    )
    .await;
    let c = db.pool.get().await.unwrap();
    let view = projections::funds::get(&**c, ids[1])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.name, "天使基金 1");
    assert_eq!(view.total_size.to_string(), "300000000.00");
    assert_eq!(view.version, 1);
    let from_nats = metrics
        .get(
            "fundadmin_projection_events_total",
            "projection=\"funds\",source=\"nats\"",
        )
        .unwrap_or(0.0);
    assert!(from_nats >= 3.0, "events came through NATS: {from_nats}");
    // The committee projection follows every subject: the fund events only move its
    // checkpoint (a read with `?min_position=` waits for it), without being decoded.
    let last = repo.store().head_position().await.unwrap();
    assert!(
        projections::runner::wait_for_position(
            &db.pool,
            "committee",
            last,
            Duration::from_secs(10)
        )
        .await
        .unwrap(),
        "the committee checkpoint passes the fund events"
    );
    let decoded = metrics
        .get(
            "fundadmin_projection_events_total",
            "projection=\"committee\",source=\"nats\"",
        )
        .unwrap_or(0.0);
    assert_eq!(decoded, 0.0, "fund events decoded by the committee runner");

    shutdown_tx.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(10), workers)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let js = async_nats::jetstream::new(nats);
    js.delete_stream(subjects::stream_name(&prefix))
        .await
        .unwrap();
}

/// NATS is a transport, not the record: with NATS unreachable, the funds read model still
/// follows the log (from the PostgreSQL feed).
#[tokio::test(flavor = "multi_thread")]
async fn without_nats_the_read_model_follows_postgres() {
    let db = test_db().await;
    // A client that keeps trying a port where no NATS listens.
    let unreachable = async_nats::ConnectOptions::new()
        .retry_on_initial_connect()
        .connect("nats://127.0.0.1:9")
        .await
        .unwrap();
    let metrics = Metrics::new();
    let (shutdown_tx, shutdown) = watch::channel(false);
    let runner = tokio::spawn(projections::runner::run(
        projections::funds::FundsProjection,
        projections::runner::RunnerConfig {
            pool: db.pool.clone(),
            database_url: db.url.clone(),
            nats: Some(unreachable),
            prefix: nats_prefix(),
            metrics: metrics.clone(),
            shutdown,
        },
    ));
    // Let the runner get past its first catch-up and fail on NATS.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let repo = Repository::<Fund>::new(db.store(), 100);
    let fund_id = establish(&repo, "引导基金", FundKind::Guidance, 1_000_000_000).await;
    wait_until(
        async || {
            let c = db.pool.get().await.unwrap();
            projections::funds::get(&**c, fund_id)
                .await
                .unwrap()
                .is_some()
        },
        "the fund in the read model without NATS",
    )
    .await;
    assert_eq!(
        metrics.get("fundadmin_projection_live", "projection=\"funds\""),
        None,
        "the runner never went live"
    );
    shutdown_tx.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(10), runner)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}
