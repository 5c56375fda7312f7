//! The scheduler against the real PostgreSQL: phase changes recorded on their dates, fee years
//! assessed once after they end (from the year the fund was recorded in the log: earlier
//! years are history left to the manager), idempotent and race-safe ticks, closed funds, and
//! the run loop with an injected clock, its lease and its shutdown.
//!
//! A fund's recording year is the real current year (the log's `recorded_at` cannot be
//! backdated), so the fee-year dates are counted from it: `y` below.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

mod scheduler_support;

use domain::fund::policy::FundPolicy;
use domain::fund::{Fund, FundCommand};
use eventstore::testkit::{test_db, wait_until};
use eventstore::{Metrics, Repository};
use scheduler_support::*;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use workers::scheduler::{self, Repositories, SchedulerConfig, TickReport};

#[tokio::test(flavor = "multi_thread")]
async fn the_exit_phase_is_recorded_on_its_date_exactly_once() {
    let db = test_db().await;
    let repo = Repositories::new(db.store(), 100);
    // Phase changes are recorded whatever the year the fund was recorded in; these fee years
    // all ended before it, so no fee is assessed on the way.
    fund(&repo.funds, d("2021-09-01"), FundPolicy::default()).await;

    let before = tick_on(&repo, d("2024-08-31")).await;
    assert_eq!(before, nothing_recorded(1));
    assert!(phase_changes(&db).await.is_empty());

    let on_the_day = tick_on(&repo, d("2024-09-01")).await;
    assert_eq!(on_the_day, recorded(1, 1, 0));
    let recorded = events_of(&db, "PhaseChanged").await;
    assert_eq!(recorded.len(), 1);
    let (payload, actor) = &recorded[0];
    assert_eq!(payload["phase"], "exit");
    assert_eq!(payload["on"], "2024-09-01");
    assert_eq!(actor, scheduler::ACTOR);

    // Again the same day, the next day, and from a restarted process (an empty cache).
    assert_eq!(tick_on(&repo, d("2024-09-01")).await, nothing_recorded(1));
    assert_eq!(tick_on(&repo, d("2024-09-02")).await, nothing_recorded(1));
    let restarted = Repositories::new(db.store(), 100);
    assert_eq!(
        tick_on(&restarted, d("2024-09-02")).await,
        nothing_recorded(1)
    );
    assert_eq!(phase_changes(&db).await.len(), 1);
    assert!(fee_years(&db).await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn each_fee_year_is_assessed_once_after_it_ends() {
    let db = test_db().await;
    let repo = Repositories::new(db.store(), 100);
    let y = recording_year();
    // In investment until y+1-08-31, in exit from y+1-09-01.
    let fund_id = fund(&repo.funds, ymd(y - 2, 9, 1), FundPolicy::default()).await;

    // y has not ended; y-2 and y-1 ended before the fund was recorded: history.
    assert_eq!(tick_on(&repo, ymd(y, 12, 31)).await, nothing_recorded(1));
    assert!(fee_years(&db).await.is_empty());

    assert_eq!(tick_on(&repo, ymd(y + 1, 1, 1)).await, recorded(1, 0, 1));
    assert_eq!(fee_years(&db).await, [y]);

    assert_eq!(tick_on(&repo, ymd(y + 1, 1, 1)).await, nothing_recorded(1));
    let restarted = Repositories::new(db.store(), 100);
    let mid_year = tick_on(&restarted, ymd(y + 1, 6, 30)).await;
    assert_eq!(mid_year, nothing_recorded(1));
    assert_eq!(fee_years(&db).await, [y]);

    // The next year, with the exit phase that began in it; then nothing from either cache.
    let next_year = tick_on(&restarted, ymd(y + 2, 1, 1)).await;
    assert_eq!(next_year, recorded(1, 1, 1));
    assert_eq!(tick_on(&repo, ymd(y + 2, 1, 1)).await, nothing_recorded(1));
    assert_eq!(
        tick_on(&restarted, ymd(y + 2, 1, 2)).await,
        nothing_recorded(1)
    );
    assert_eq!(fee_years(&db).await, [y, y + 1]);

    // Never the history years, whatever the date.
    assert_eq!(assessed(&repo.funds, fund_id).await, [y, y + 1]);
    let (state, _) = repo.funds.load(&fund_id.stream_id()).await.unwrap();
    let whole = &state.fees[&y].assessment;
    assert_eq!(whole.period_from, ymd(y, 1, 1));
    assert_eq!(whole.period_to, ymd(y, 12, 31));
    assert_eq!(whole.total.to_string(), full_year_fee(y));
    let actors: Vec<String> = fee_assessments(&db)
        .await
        .into_iter()
        .map(|a| a.1)
        .collect();
    assert!(actors.iter().all(|a| a == scheduler::ACTOR), "{actors:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fund_established_in_its_recording_year_gets_its_partial_first_year() {
    let db = test_db().await;
    let repo = Repositories::new(db.store(), 100);
    let y = recording_year();
    let fund_id = fund(&repo.funds, ymd(y, 9, 1), FundPolicy::default()).await;

    assert_eq!(tick_on(&repo, ymd(y, 12, 31)).await, nothing_recorded(1));
    assert_eq!(tick_on(&repo, ymd(y + 1, 1, 1)).await, recorded(1, 0, 1));
    assert_eq!(tick_on(&repo, ymd(y + 1, 1, 1)).await, nothing_recorded(1));
    assert_eq!(fee_years(&db).await, [y]);

    // Partial, from the establishment date: 50,000,000 × 1% × 122 / 365.
    let (state, _) = repo.funds.load(&fund_id.stream_id()).await.unwrap();
    let first = &state.fees[&y].assessment;
    assert_eq!(first.period_from, ymd(y, 9, 1));
    assert_eq!(first.period_to, ymd(y, 12, 31));
    assert_eq!(first.total.to_string(), "167123.29");
}

#[tokio::test(flavor = "multi_thread")]
async fn history_years_are_left_to_the_manager() {
    let db = test_db().await;
    let repo = Repositories::new(db.store(), 100);
    // The manager acts through a repository of its own, as the API process would.
    let manager = Repository::<Fund>::new(db.store(), 100);
    let y = recording_year();
    let fund_id = fund(&manager, ymd(y - 2, 9, 1), FundPolicy::default()).await;
    assert_eq!(recorded_year(&db, fund_id).await, y);

    // Long after y-2 and y-1 ended, the scheduler assesses only y.
    assert_eq!(tick_on(&repo, ymd(y + 1, 1, 1)).await, recorded(1, 0, 1));
    assert_eq!(assessed(&repo.funds, fund_id).await, [y]);

    // The manager assesses y-1 once its history is in.
    let today = scheduler::china_today();
    manage(
        &manager,
        fund_id,
        FundCommand::AssessFee { year: y - 1, today },
    )
    .await;
    assert_eq!(assessed(&manager, fund_id).await, [y - 1, y]);
    let (state, _) = manager.load(&fund_id.stream_id()).await.unwrap();
    let history = &state.fees[&(y - 1)].assessment;
    assert_eq!(history.period_from, ymd(y - 1, 1, 1));
    assert_eq!(history.total.to_string(), full_year_fee(y - 1));

    // The scheduler never assesses it again, nor y-2, which the manager has not asked for.
    assert_eq!(tick_on(&repo, ymd(y + 2, 1, 1)).await, recorded(1, 1, 1));
    let restarted = Repositories::new(db.store(), 100);
    assert_eq!(tick_on(&restarted, ymd(y + 5, 1, 1)).await.failures, 0);
    let assessments = fee_assessments(&db).await;
    let by_manager: Vec<_> = assessments.iter().filter(|a| a.1 == MANAGER).collect();
    assert_eq!(by_manager, [&(y - 1, MANAGER.to_owned())]);
    let years = assessed(&repo.funds, fund_id).await;
    assert_eq!(years, (y - 1..=y + 4).collect::<Vec<_>>());
    assert_eq!(assessments.len(), years.len());

    // y-2 too, when the manager asks: partial, from the establishment date.
    let history = FundCommand::AssessFee { year: y - 2, today };
    manage(&manager, fund_id, history.clone()).await;
    manage(&manager, fund_id, history).await;
    let (state, _) = repo.funds.load(&fund_id.stream_id()).await.unwrap();
    assert_eq!(
        state.fees[&(y - 2)].assessment.period_from,
        ymd(y - 2, 9, 1)
    );
    assert_eq!(tick_on(&repo, ymd(y + 5, 1, 2)).await, nothing_recorded(1));
    assert_eq!(fee_years(&db).await.len(), years.len() + 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_ticks_record_each_fact_once() {
    let db = test_db().await;
    let setup = Repository::<Fund>::new(db.store(), 100);
    let y = recording_year();
    for _ in 0..3 {
        fund(&setup, ymd(y - 2, 9, 1), FundPolicy::default()).await;
    }
    // Two ticks sharing a repository, and two more as if in other processes; each finds, per
    // fund, the exit phase and the fee years y and y+1 due (not y-2 nor y-1: history).
    let shared = Arc::new(Repositories::new(db.store(), 100));
    let repos = [
        shared.clone(),
        shared,
        Arc::new(Repositories::new(db.store(), 100)),
        Arc::new(Repositories::new(db.store(), 100)),
    ];
    let ticks: Vec<_> = repos
        .into_iter()
        .map(|repo| tokio::spawn(async move { tick_on(&repo, ymd(y + 2, 9, 1)).await }))
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
        (3, 6, 0)
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
            ("FeeAssessed".to_owned(), 6, 6),
            ("PhaseChanged".to_owned(), 3, 3)
        ]
    );
    let mut years = fee_years(&db).await;
    years.sort_unstable();
    assert_eq!(years, [y, y, y, y + 1, y + 1, y + 1]);
    // One idempotency key per fact recorded.
    let keys = c
        .query_one(
            "SELECT count(*) FROM command_results WHERE idempotency_key LIKE 'scheduler:%'",
            &[],
        )
        .await
        .unwrap()
        .get::<_, i64>(0);
    assert_eq!(keys, 9);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_closed_fund_gets_no_fee_year_after_its_closing() {
    let db = test_db().await;
    let repo = Repositories::new(db.store(), 100);
    let y = recording_year();
    let closed_on = ymd(y + 1, 6, 30);
    let fund_id = closed_fund(&repo.funds, y - 2, closed_on).await;

    let report = tick_on(&repo, ymd(y + 5, 1, 1)).await;
    assert_eq!(report, recorded(1, 3, 2));
    let phases = phase_changes(&db).await;
    let expected = [
        ("exit", ymd(y - 1, 1, 1)),
        ("liquidation", ymd(y, 1, 1)),
        ("closed", closed_on),
    ];
    assert_eq!(
        phases,
        expected.map(|(p, on)| (p.to_owned(), on.to_string()))
    );
    // y-2 and y-1 are history; y and the closing year y+1 are assessed, none after.
    assert_eq!(fee_years(&db).await, [y, y + 1]);
    assert_eq!(assessed(&repo.funds, fund_id).await, [y, y + 1]);
    assert_eq!(tick_on(&repo, ymd(y + 6, 1, 1)).await, nothing_recorded(1));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fund_closed_before_its_recording_year_is_all_history() {
    let db = test_db().await;
    let repo = Repositories::new(db.store(), 100);
    closed_fund(&repo.funds, 2010, d("2013-06-30")).await;

    let y = recording_year();
    assert_eq!(tick_on(&repo, ymd(y + 1, 1, 1)).await, recorded(1, 3, 0));
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
    assert!(fee_years(&db).await.is_empty());
    assert_eq!(tick_on(&repo, ymd(y + 5, 1, 1)).await, nothing_recorded(1));
}

#[tokio::test(flavor = "multi_thread")]
async fn run_ticks_by_its_clock_and_stops_on_shutdown() {
    let db = test_db().await;
    let repo = Repositories::new(db.store(), 100);
    let y = recording_year();
    fund(&repo.funds, ymd(y - 2, 9, 1), FundPolicy::default()).await;
    let (today, clock) = pinned(ymd(y + 1, 8, 31));
    let metrics = Metrics::new();
    let (stop, shutdown) = watch::channel(false);
    let running = tokio::spawn(scheduler::run(SchedulerConfig {
        clock,
        ..config(&db, &metrics, shutdown)
    }));

    wait_until(
        async || counter(&metrics, "fundadmin_scheduler_fees_assessed_total") == 1.0,
        "the fee year y",
    )
    .await;
    let ticks = counter(&metrics, "fundadmin_scheduler_ticks_total");
    wait_until(
        async || counter(&metrics, "fundadmin_scheduler_ticks_total") >= ticks + 2.0,
        "two more ticks",
    )
    .await;
    assert!(phase_changes(&db).await.is_empty());

    *today.lock().unwrap() = ymd(y + 1, 9, 1);
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
    assert_eq!(fee_years(&db).await, [y]);
    let fees = counter(&metrics, "fundadmin_scheduler_fees_assessed_total");
    assert_eq!(fees, 1.0);
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
