//! The scheduler against the real PostgreSQL: phase changes recorded on their dates, fee years
//! assessed once after they end, idempotent and race-safe ticks, closed funds, and the run loop
//! with an injected clock, its lease and its shutdown.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use chrono::NaiveDate;
use domain::fund::capital::{Lp, LpKind};
use domain::fund::policy::FundPolicy;
use domain::fund::{Fund, FundCommand, FundKind, FundTerms};
use domain::{FundId, LpId, Money};
use eventstore::repository::CommandContext;
use eventstore::testkit::{test_db, wait_until, TestDb};
use eventstore::{Metadata, Metrics, Repository};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use uuid::Uuid;
use workers::scheduler::{self, tick, Repositories, SchedulerConfig, TickReport};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn admin(repo: &Repository<Fund>, fund: FundId, command: FundCommand) {
    repo.execute(
        &fund.stream_id(),
        &command,
        &CommandContext::new(Metadata::new("admin", "admin")),
    )
    .await
    .unwrap();
}

/// Establishes a fund on `established` with a first tranche of 50,000,000 fully subscribed
/// on that day.
async fn fund(repo: &Repository<Fund>, established: &str, policy: FundPolicy) -> FundId {
    let fund_id = FundId(Uuid::now_v7());
    let terms = FundTerms {
        name: "昆山天使基金".into(),
        kind: FundKind::Angel,
        total_size: Money::from_yuan(300_000_000),
        establishment_date: d(established),
        manager: "昆山创业投资管理有限公司".to_owned(),
        custodian: "中国工商银行昆山分行".to_owned(),
        city: "昆山".to_owned(),
        policy: Box::new(policy),
    };
    admin(repo, fund_id, FundCommand::Establish { fund_id, terms }).await;
    let (subscription_date, size) = (d(established), Money::from_yuan(50_000_000));
    let open = FundCommand::OpenTranche {
        number: 1,
        size,
        subscription_date,
    };
    admin(repo, fund_id, open).await;
    let identity = Lp {
        name: "昆山国创投资集团".into(),
        kind: LpKind::StateOwned,
    };
    let (tranche, lp, amount) = (1, LpId(Uuid::now_v7()), size);
    let subscribe = FundCommand::Subscribe {
        tranche,
        lp,
        identity,
        amount,
    };
    admin(repo, fund_id, subscribe).await;
    fund_id
}

/// `(payload, actor)` of every event of type `event_type`, in log order.
async fn events_of(db: &TestDb, event_type: &str) -> Vec<(serde_json::Value, String)> {
    let c = db.pool.get().await.unwrap();
    let sql = "SELECT payload, metadata->>'actor' FROM events WHERE event_type = $1 \
               ORDER BY global_position";
    let rows = c.query(sql, &[&event_type]).await.unwrap();
    rows.iter().map(|r| (r.get(0), r.get(1))).collect()
}

/// The phase changes recorded, as `(phase, on)`.
async fn phase_changes(db: &TestDb) -> Vec<(String, String)> {
    events_of(db, "PhaseChanged")
        .await
        .into_iter()
        .map(|(p, _)| {
            (
                p["phase"].as_str().unwrap().into(),
                p["on"].as_str().unwrap().into(),
            )
        })
        .collect()
}

/// The fee years assessed, in recording order.
async fn fee_years(db: &TestDb) -> Vec<i64> {
    events_of(db, "FeeAssessed")
        .await
        .into_iter()
        .map(|(p, _)| p["year"].as_i64().unwrap())
        .collect()
}

/// A tick on `day`, its "now" at noon in China (04:00 UTC).
async fn tick_on(repos: &Repositories, day: &str) -> TickReport {
    let now = d(day).and_hms_opt(4, 0, 0).unwrap().and_utc();
    tick(repos, d(day), now).await.unwrap()
}

fn nothing_recorded(funds: usize) -> TickReport {
    TickReport {
        funds,
        ..TickReport::default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_exit_phase_is_recorded_on_its_date_exactly_once() {
    let db = test_db().await;
    let repo = Repositories::new(db.store(), 100);
    fund(&repo.funds, "2021-09-01", FundPolicy::default()).await;

    let before = tick_on(&repo, "2024-08-31").await;
    assert_eq!(
        (before.funds, before.phase_changes, before.failures),
        (1, 0, 0)
    );
    assert!(phase_changes(&db).await.is_empty());

    let on_the_day = tick_on(&repo, "2024-09-01").await;
    assert_eq!(on_the_day.phase_changes, 1);
    let recorded = events_of(&db, "PhaseChanged").await;
    assert_eq!(recorded.len(), 1);
    let (payload, actor) = &recorded[0];
    assert_eq!(payload["phase"], "exit");
    assert_eq!(payload["on"], "2024-09-01");
    assert_eq!(actor, scheduler::ACTOR);

    // Again the same day, the next day, and from a restarted process (an empty cache).
    assert_eq!(tick_on(&repo, "2024-09-01").await, nothing_recorded(1));
    assert_eq!(tick_on(&repo, "2024-09-02").await, nothing_recorded(1));
    let restarted = Repositories::new(db.store(), 100);
    assert_eq!(tick_on(&restarted, "2024-09-02").await, nothing_recorded(1));
    assert_eq!(phase_changes(&db).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn each_fee_year_is_assessed_once_after_it_ends() {
    let db = test_db().await;
    let repo = Repositories::new(db.store(), 100);
    let fund_id = fund(&repo.funds, "2021-09-01", FundPolicy::default()).await;

    let before_2023_ends = tick_on(&repo, "2023-12-31").await;
    assert_eq!(before_2023_ends.fees_assessed, 2);
    assert_eq!(before_2023_ends.failures, 0);
    assert_eq!(fee_years(&db).await, [2021, 2022]);

    let new_year = tick_on(&repo, "2024-01-01").await;
    assert_eq!(new_year.fees_assessed, 1);
    assert_eq!(fee_years(&db).await, [2021, 2022, 2023]);

    assert_eq!(tick_on(&repo, "2024-01-01").await, nothing_recorded(1));
    let restarted = Repositories::new(db.store(), 100);
    assert_eq!(tick_on(&restarted, "2024-06-30").await, nothing_recorded(1));
    assert_eq!(fee_years(&db).await, [2021, 2022, 2023]);

    // 2021 is partial, from the establishment date: 50,000,000 × 1% × 122 / 365.
    let (state, _) = repo.funds.load(&fund_id.stream_id()).await.unwrap();
    let y2021 = &state.fees[&2021].assessment;
    assert_eq!(y2021.period_from, d("2021-09-01"));
    assert_eq!(y2021.period_to, d("2021-12-31"));
    assert_eq!(y2021.total.to_string(), "167123.29");
    assert_eq!(state.fees[&2022].assessment.total.to_string(), "500000.00");
    let actors: Vec<String> = events_of(&db, "FeeAssessed")
        .await
        .into_iter()
        .map(|(_, actor)| actor)
        .collect();
    assert!(actors.iter().all(|a| a == scheduler::ACTOR), "{actors:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_ticks_record_each_fact_once() {
    let db = test_db().await;
    let setup = Repository::<Fund>::new(db.store(), 100);
    for _ in 0..3 {
        fund(&setup, "2021-09-01", FundPolicy::default()).await;
    }
    // Two ticks sharing a repository, and two more as if in other processes.
    let shared = Arc::new(Repositories::new(db.store(), 100));
    let repos = [
        shared.clone(),
        shared,
        Arc::new(Repositories::new(db.store(), 100)),
        Arc::new(Repositories::new(db.store(), 100)),
    ];
    let ticks: Vec<_> = repos
        .into_iter()
        .map(|repo| tokio::spawn(async move { tick_on(&repo, "2024-09-01").await }))
        .collect();
    let mut total = TickReport::default();
    for t in ticks {
        let r = t.await.unwrap();
        assert_eq!(r.funds, 3);
        total.phase_changes += r.phase_changes;
        total.fees_assessed += r.fees_assessed;
        total.failures += r.failures;
    }
    assert_eq!(
        (total.phase_changes, total.fees_assessed, total.failures),
        (3, 9, 0)
    );

    let c = db.pool.get().await.unwrap();
    let rows = c
        .query(
            "SELECT event_type, count(*), \
             count(DISTINCT (stream_id, payload->>'year', payload->>'phase')) FROM events \
             WHERE event_type IN ('PhaseChanged', 'FeeAssessed') \
             GROUP BY event_type ORDER BY event_type",
            &[],
        )
        .await
        .unwrap();
    let counts: Vec<(String, i64, i64)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert_eq!(
        counts,
        [
            ("FeeAssessed".to_owned(), 9, 9),
            ("PhaseChanged".to_owned(), 3, 3)
        ]
    );
    // One idempotency key per fact recorded.
    let keys = c
        .query_one(
            "SELECT count(*) FROM command_results WHERE idempotency_key LIKE 'scheduler:%'",
            &[],
        )
        .await
        .unwrap()
        .get::<_, i64>(0);
    assert_eq!(keys, 12);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_closed_fund_gets_no_fee_year_after_its_closing() {
    let db = test_db().await;
    let repo = Repositories::new(db.store(), 100);
    let policy = FundPolicy {
        investment_months: 12,
        exit_months: 12,
        ..FundPolicy::default()
    };
    let fund_id = fund(&repo.funds, "2010-01-01", policy).await;
    let close = FundCommand::CloseFund {
        closed_on: d("2013-06-30"),
        today: d("2013-06-30"),
    };
    admin(&repo.funds, fund_id, close).await;

    let report = tick_on(&repo, "2030-01-01").await;
    assert_eq!(
        (report.phase_changes, report.fees_assessed, report.failures),
        (3, 4, 0)
    );
    let phases = phase_changes(&db).await;
    let expected = [
        ("exit", "2011-01-01"),
        ("liquidation", "2012-01-01"),
        ("closed", "2013-06-30"),
    ];
    assert_eq!(
        phases,
        expected.map(|(p, on)| (p.to_owned(), on.to_owned()))
    );
    assert_eq!(fee_years(&db).await, [2010, 2011, 2012, 2013]);
    assert_eq!(tick_on(&repo, "2031-01-01").await, nothing_recorded(1));
}

/// A clock the test moves.
fn pinned(start: &str) -> (Arc<Mutex<NaiveDate>>, scheduler::Clock) {
    let today = Arc::new(Mutex::new(d(start)));
    let read = today.clone();
    (today, Arc::new(move || *read.lock().unwrap()))
}

fn config(db: &TestDb, metrics: &Metrics, shutdown: watch::Receiver<bool>) -> SchedulerConfig {
    SchedulerConfig {
        interval: Duration::from_millis(20),
        ..SchedulerConfig::new(db.pool.clone(), db.url.clone(), metrics.clone(), shutdown)
    }
}

fn counter(metrics: &Metrics, name: &str) -> f64 {
    metrics.get(name, "").unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread")]
async fn run_ticks_by_its_clock_and_stops_on_shutdown() {
    let db = test_db().await;
    let repo = Repositories::new(db.store(), 100);
    fund(&repo.funds, "2021-09-01", FundPolicy::default()).await;
    let (today, clock) = pinned("2024-08-31");
    let metrics = Metrics::new();
    let (stop, shutdown) = watch::channel(false);
    let running = tokio::spawn(scheduler::run(SchedulerConfig {
        clock,
        ..config(&db, &metrics, shutdown)
    }));

    wait_until(
        async || counter(&metrics, "fundadmin_scheduler_fees_assessed_total") == 3.0,
        "the fee years 2021 to 2023",
    )
    .await;
    let ticks = counter(&metrics, "fundadmin_scheduler_ticks_total");
    wait_until(
        async || counter(&metrics, "fundadmin_scheduler_ticks_total") >= ticks + 2.0,
        "two more ticks",
    )
    .await;
    assert!(phase_changes(&db).await.is_empty());

    *today.lock().unwrap() = d("2024-09-01");
    wait_until(
        async || counter(&metrics, "fundadmin_scheduler_phase_changes_total") == 1.0,
        "the exit phase change",
    )
    .await;
    let ticks = counter(&metrics, "fundadmin_scheduler_ticks_total");
    wait_until(
        async || counter(&metrics, "fundadmin_scheduler_ticks_total") >= ticks + 3.0,
        "three more ticks",
    )
    .await;
    assert_eq!(phase_changes(&db).await.len(), 1);
    assert_eq!(fee_years(&db).await, [2021, 2022, 2023]);
    assert_eq!(counter(&metrics, "fundadmin_scheduler_failures_total"), 0.0);
    assert_eq!(metrics.get("fundadmin_scheduler_funds", ""), Some(1.0));

    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), running)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn one_scheduler_ticks_per_database_and_a_standby_takes_over() {
    let db = test_db().await;
    let (metrics, stops, mut running) = (
        [Metrics::new(), Metrics::new()],
        [watch::channel(false), watch::channel(false)],
        Vec::new(),
    );
    for (m, (_, shutdown)) in metrics.iter().zip(&stops) {
        running.push(Some(tokio::spawn(scheduler::run(config(
            &db,
            m,
            shutdown.clone(),
        )))));
    }
    let ticks = |i: usize| counter(&metrics[i], "fundadmin_scheduler_ticks_total");
    wait_until(async || ticks(0) + ticks(1) >= 5.0, "five ticks").await;
    let holder = if ticks(0) > 0.0 { 0 } else { 1 };
    let standby = 1 - holder;
    assert_eq!(ticks(standby), 0.0, "only the lease holder ticks");

    stops[holder].0.send(true).unwrap();
    let stopped = running[holder].take().unwrap();
    tokio::time::timeout(Duration::from_secs(5), stopped)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    wait_until(async || ticks(standby) >= 1.0, "the standby to take over").await;

    stops[standby].0.send(true).unwrap();
    let stopped = running[standby].take().unwrap();
    tokio::time::timeout(Duration::from_secs(5), stopped)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}
