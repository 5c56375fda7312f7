//! The scheduler lapses committee resolutions at their deadline, against the real PostgreSQL:
//! once whatever the number of ticks, concurrent or not; never before the deadline; never a
//! resolution already decided; and by the run loop's injected "now".

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use chrono::{DateTime, NaiveDate, Utc};
use domain::committee::{
    Choice, Mode, Resolution, ResolutionCommand, ResolutionEvent, SeatHolder, Subject, SubjectKind,
};
use domain::{FundId, MemberId, Money, ResolutionId};
use eventstore::repository::CommandContext;
use eventstore::testkit::{test_db, wait_for_feed, wait_until, TestDb};
use eventstore::{Metadata, Metrics, Repository};
use projections::committee::{self, CommitteeProjection};
use projections::runner::{catch_up, setup};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use uuid::Uuid;
use workers::scheduler::{self, tick, Repositories, SchedulerConfig, TickReport};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

const DEADLINE: &str = "2024-06-30T16:00:00Z";

async fn run(repo: &Repository<Resolution>, id: ResolutionId, command: ResolutionCommand) {
    let ctx = CommandContext::new(Metadata::new("manager", "manager"));
    repo.execute(&id.stream_id(), &command, &ctx).await.unwrap();
}

/// Opens a written resolution of `fund` before five held seats, on 1 June 2024.
async fn open(repo: &Repository<Resolution>, fund: FundId, deadline: &str) -> ResolutionId {
    let id = ResolutionId(Uuid::now_v7());
    let seats = (1..=5)
        .map(|seat| SeatHolder {
            seat,
            body: "财政局".into(),
            member: Some(MemberId(Uuid::from_u128(seat.into()))),
        })
        .collect();
    let command = ResolutionCommand::Open {
        resolution_id: id,
        fund_id: fund,
        subject: Subject {
            kind: SubjectKind::Investment,
            title: "甲项目".into(),
            reference: String::new(),
        },
        amount: Money::from_yuan(1_000_000),
        mode: Mode::Written,
        deadline: t(deadline),
        seats,
        observers: Vec::new(),
        quorum: 4,
        written_vote_max: Money::from_yuan(3_000_000),
        documents: Vec::new(),
        now: t("2024-06-01T02:00:00Z"),
    };
    run(repo, id, command).await;
    id
}

async fn vote(repo: &Repository<Resolution>, id: ResolutionId, seat: u32, choice: Choice) {
    let command = ResolutionCommand::CastVote {
        seat,
        choice,
        reason: None,
        now: t("2024-06-02T02:00:00Z"),
    };
    run(repo, id, command).await;
}

/// `(stream id, actor, approvals in its tally)` of every `ResolutionLapsed`, in log order.
async fn lapses(db: &TestDb) -> Vec<(String, String, i64)> {
    let c = db.pool.get().await.unwrap();
    let sql = "SELECT stream_id, metadata->>'actor', (payload->'tally'->>'approvals')::int8 \
               FROM events WHERE event_type = 'ResolutionLapsed' ORDER BY global_position";
    let rows = c.query(sql, &[]).await.unwrap();
    rows.iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

async fn lapse_keys(db: &TestDb) -> Vec<String> {
    let c = db.pool.get().await.unwrap();
    let sql = "SELECT idempotency_key FROM command_results \
               WHERE idempotency_key LIKE 'scheduler:lapse:%' ORDER BY idempotency_key";
    let rows = c.query(sql, &[]).await.unwrap();
    rows.iter().map(|r| r.get(0)).collect()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 7, 1).unwrap()
}

async fn tick_at(repos: &Repositories, now: &str) -> TickReport {
    tick(repos, today(), t(now)).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resolution_lapses_once_at_its_deadline_and_a_decided_one_never() {
    let db = test_db().await;
    let repos = Repositories::new(db.store(), 100);
    let fund = FundId(Uuid::now_v7());
    let due = open(&repos.resolutions, fund, DEADLINE).await;
    vote(&repos.resolutions, due, 1, Choice::Approve).await;
    let later = open(&repos.resolutions, fund, "2024-07-31T16:00:00Z").await;
    let passed = open(&repos.resolutions, fund, DEADLINE).await;
    for seat in 1..=4 {
        vote(&repos.resolutions, passed, seat, Choice::Approve).await;
    }
    let failed = open(&repos.resolutions, fund, DEADLINE).await;
    vote(&repos.resolutions, failed, 1, Choice::Reject).await;
    vote(&repos.resolutions, failed, 2, Choice::Recuse).await;

    // A second before the deadline: nothing.
    assert_eq!(
        tick_at(&repos, "2024-06-30T15:59:59Z").await,
        TickReport::default()
    );
    assert!(lapses(&db).await.is_empty());

    // At the deadline: the open one lapses with its count; the decided ones do not.
    let at_deadline = tick_at(&repos, DEADLINE).await;
    assert_eq!((at_deadline.lapsed, at_deadline.failures), (1, 0));
    let actor = scheduler::ACTOR.to_owned();
    assert_eq!(lapses(&db).await, [(due.stream_id(), actor.clone(), 1)]);
    assert_eq!(
        lapse_keys(&db).await,
        [format!("scheduler:lapse:{}", due.0)]
    );

    // Again, later, and from a restarted process: nothing more. The later one lapses on its
    // own deadline.
    assert_eq!(tick_at(&repos, DEADLINE).await, TickReport::default());
    let restarted = Repositories::new(db.store(), 100);
    assert_eq!(
        tick_at(&restarted, "2024-07-01T00:00:00Z").await,
        TickReport::default()
    );
    assert_eq!(tick_at(&restarted, "2024-08-01T00:00:00Z").await.lapsed, 1);
    assert_eq!(
        lapses(&db).await,
        [
            (due.stream_id(), actor.clone(), 1),
            (later.stream_id(), actor, 0)
        ]
    );
    let (state, _) = repos.resolutions.load(&due.stream_id()).await.unwrap();
    assert_eq!(state.status, Some(domain::committee::Status::Lapsed));

    // The read model shows each outcome.
    setup::<CommitteeProjection>(&db.pool).await.unwrap();
    let store = db.store();
    wait_for_feed(&store, 15).await;
    catch_up(&CommitteeProjection, &db.pool, &store, &Metrics::new())
        .await
        .unwrap();
    let c = db.pool.get().await.unwrap();
    let all = committee::resolutions(&**c, fund.0, &Default::default(), None, 10)
        .await
        .unwrap();
    let statuses: Vec<(Uuid, &str)> = all
        .iter()
        .map(|s| (s.resolution_id, s.status.as_str()))
        .collect();
    assert_eq!(
        statuses,
        [
            (due.0, "lapsed"),
            (later.0, "lapsed"),
            (passed.0, "passed"),
            (failed.0, "failed")
        ]
    );
    assert_eq!(all[0].decided_at, Some(t(DEADLINE)));
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_ticks_lapse_each_resolution_once() {
    let db = test_db().await;
    let setup = Repository::<Resolution>::new(db.store(), 100);
    let fund = FundId(Uuid::now_v7());
    let mut due = Vec::new();
    for _ in 0..5 {
        due.push(open(&setup, fund, DEADLINE).await);
    }
    // Two ticks sharing repositories, and two more as if in other processes; the resolutions
    // are cached in none, some or all of them.
    let shared = Arc::new(Repositories::new(db.store(), 100));
    shared.resolutions.load(&due[0].stream_id()).await.unwrap();
    let repos = [
        shared.clone(),
        shared,
        Arc::new(Repositories::new(db.store(), 100)),
        Arc::new(Repositories::new(db.store(), 100)),
    ];
    let ticks: Vec<_> = repos
        .into_iter()
        .map(|r| tokio::spawn(async move { tick_at(&r, "2024-07-01T00:00:00Z").await }))
        .collect();
    let mut total = TickReport::default();
    for handle in ticks {
        let r = handle.await.unwrap();
        total.lapsed += r.lapsed;
        total.failures += r.failures;
    }
    assert_eq!((total.lapsed, total.failures), (5, 0));
    let mut lapsed: Vec<String> = lapses(&db).await.into_iter().map(|l| l.0).collect();
    lapsed.sort();
    let mut expected: Vec<String> = due.iter().map(ResolutionId::stream_id).collect();
    expected.sort();
    assert_eq!(lapsed, expected);
    assert_eq!(lapse_keys(&db).await.len(), 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn run_lapses_by_its_injected_now() {
    let db = test_db().await;
    let repo = Repository::<Resolution>::new(db.store(), 100);
    let due = open(&repo, FundId(Uuid::now_v7()), DEADLINE).await;
    let now = Arc::new(Mutex::new(t("2024-06-30T12:00:00Z")));
    let read = now.clone();
    let metrics = Metrics::new();
    let (stop, shutdown) = watch::channel(false);
    let running = tokio::spawn(scheduler::run(SchedulerConfig {
        interval: Duration::from_millis(20),
        clock: Arc::new(today),
        now: Arc::new(move || *read.lock().unwrap()),
        ..SchedulerConfig::new(db.pool.clone(), db.url.clone(), metrics.clone(), shutdown)
    }));
    let counter = |name: &str| metrics.get(name, "").unwrap_or(0.0);
    wait_until(
        async || counter("fundadmin_scheduler_ticks_total") >= 3.0,
        "three ticks",
    )
    .await;
    assert!(lapses(&db).await.is_empty());

    *now.lock().unwrap() = t("2024-06-30T16:00:01Z");
    wait_until(
        async || counter("fundadmin_scheduler_resolutions_lapsed_total") == 1.0,
        "the lapse",
    )
    .await;
    let ticks = counter("fundadmin_scheduler_ticks_total");
    wait_until(
        async || counter("fundadmin_scheduler_ticks_total") >= ticks + 3.0,
        "three more ticks",
    )
    .await;
    assert_eq!(lapses(&db).await.len(), 1);
    assert_eq!(lapses(&db).await[0].0, due.stream_id());
    assert_eq!(counter("fundadmin_scheduler_resolutions_lapsed_total"), 1.0);
    assert_eq!(counter("fundadmin_scheduler_failures_total"), 0.0);

    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), running)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lapsed_event_is_what_the_domain_decides() {
    // The scheduler's command is the domain's: the event recorded is `ResolutionLapsed` with
    // the count at the deadline.
    let db = test_db().await;
    let repos = Repositories::new(db.store(), 100);
    let id = open(&repos.resolutions, FundId(Uuid::now_v7()), DEADLINE).await;
    vote(&repos.resolutions, id, 2, Choice::Abstain).await;
    tick_at(&repos, DEADLINE).await;
    let events = db.store().load_stream(&id.stream_id(), 0).await.unwrap();
    let last = events.last().unwrap().decode::<ResolutionEvent>().unwrap();
    let ResolutionEvent::ResolutionLapsed { tally, at } = last else {
        panic!("{last:?}")
    };
    assert_eq!(
        (tally.abstentions, tally.outstanding, at),
        (1, 4, t(DEADLINE))
    );
}
