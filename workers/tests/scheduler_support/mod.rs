//! Helpers of the scheduler tests: funds established and closed through the repository, the
//! facts read back from the log, ticks on a given day, and the year the tests' funds are
//! recorded in, from which their fee-year dates are counted.

use chrono::{Datelike, NaiveDate};
use domain::fund::capital::{Lp, LpKind};
use domain::fund::policy::FundPolicy;
use domain::fund::{Fund, FundCommand, FundKind, FundTerms};
use domain::{FundId, LpId, Money};
use eventstore::repository::CommandContext;
use eventstore::testkit::TestDb;
use eventstore::{Metadata, Metrics, Repository};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use uuid::Uuid;
use workers::scheduler::{self, tick, Repositories, SchedulerConfig, TickReport};

/// The actor of the commands the tests run as the manager.
pub const MANAGER: &str = "manager";

pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

/// The year a fund established now is recorded in (China Standard Time): the first fee year
/// the scheduler assesses on its own. The log's `recorded_at` is the real commit time, so the
/// tests count their dates from it rather than backdate it.
pub fn recording_year() -> i32 {
    scheduler::china_today().year()
}

/// The year (China Standard Time) the establishment of `fund` was recorded in the log.
pub async fn recorded_year(db: &TestDb, fund: FundId) -> i32 {
    let c = db.pool.get().await.unwrap();
    let sql = "SELECT recorded_at FROM events WHERE stream_id = $1 AND stream_version = 1";
    let row = c.query_one(sql, &[&fund.stream_id()]).await.unwrap();
    eventstore::store::china_date(row.get(0)).year()
}

/// Runs `command` on `fund` as the manager.
pub async fn manage(repo: &Repository<Fund>, fund: FundId, command: FundCommand) {
    let ctx = CommandContext::new(Metadata::new(MANAGER, "manager"));
    repo.execute(&fund.stream_id(), &command, &ctx)
        .await
        .unwrap();
}

/// Establishes a fund on `established` with a first tranche of 50,000,000 fully subscribed
/// on that day.
pub async fn fund(repo: &Repository<Fund>, established: NaiveDate, policy: FundPolicy) -> FundId {
    let fund_id = established_fund(repo, established, policy).await;
    let size = Money::from_yuan(50_000_000);
    let open = FundCommand::OpenTranche {
        number: 1,
        size,
        subscription_date: established,
    };
    manage(repo, fund_id, open).await;
    let identity = Lp {
        name: "昆山国创投资集团".into(),
        kind: LpKind::StateOwned,
    };
    let subscribe = FundCommand::Subscribe {
        tranche: 1,
        lp: LpId(Uuid::now_v7()),
        identity,
        amount: size,
    };
    manage(repo, fund_id, subscribe).await;
    fund_id
}

/// Establishes a fund on `established`, with no tranche yet.
pub async fn established_fund(
    repo: &Repository<Fund>,
    established: NaiveDate,
    policy: FundPolicy,
) -> FundId {
    let fund_id = FundId(Uuid::now_v7());
    let terms = FundTerms {
        name: "昆山天使基金".into(),
        kind: FundKind::Angel,
        total_size: Money::from_yuan(300_000_000),
        establishment_date: established,
        manager: "昆山创业投资管理有限公司".to_owned(),
        custodian: "中国工商银行昆山分行".to_owned(),
        city: "昆山".to_owned(),
        policy: Box::new(policy),
    };
    manage(repo, fund_id, FundCommand::Establish { fund_id, terms }).await;
    fund_id
}

/// A fund established on 1 January of `established_in`, in exit from the next year and in
/// liquidation from the one after, closed on `closed_on`. Nothing was subscribed, so no fee
/// stands in the way of the closing (Art. 7: a fund's fees are settled before it closes).
pub async fn closed_fund(
    repo: &Repository<Fund>,
    established_in: i32,
    closed_on: NaiveDate,
) -> FundId {
    let policy = FundPolicy {
        investment_months: 12,
        exit_months: 12,
        ..FundPolicy::default()
    };
    let fund_id = established_fund(repo, ymd(established_in, 1, 1), policy).await;
    let close = FundCommand::CloseFund {
        closed_on,
        today: closed_on,
    };
    manage(repo, fund_id, close).await;
    fund_id
}

/// `(payload, actor)` of every event of type `event_type`, in log order.
pub async fn events_of(db: &TestDb, event_type: &str) -> Vec<(serde_json::Value, String)> {
    let c = db.pool.get().await.unwrap();
    let sql = "SELECT payload, metadata->>'actor' FROM events WHERE event_type = $1 \
               ORDER BY global_position";
    let rows = c.query(sql, &[&event_type]).await.unwrap();
    rows.iter().map(|r| (r.get(0), r.get(1))).collect()
}

/// The phase changes recorded, as `(phase, on)`.
pub async fn phase_changes(db: &TestDb) -> Vec<(String, String)> {
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

/// The fee years assessed, with who assessed them, in recording order.
pub async fn fee_assessments(db: &TestDb) -> Vec<(i32, String)> {
    events_of(db, "FeeAssessed")
        .await
        .into_iter()
        .map(|(p, actor)| (i32::try_from(p["year"].as_i64().unwrap()).unwrap(), actor))
        .collect()
}

/// The fee years assessed, in recording order.
pub async fn fee_years(db: &TestDb) -> Vec<i32> {
    let assessed = fee_assessments(db).await;
    assessed.into_iter().map(|(year, _)| year).collect()
}

/// The fee years assessed on `fund`, in order, as its state holds them.
pub async fn assessed(repo: &Repository<Fund>, fund: FundId) -> Vec<i32> {
    let (state, _) = repo.load(&fund.stream_id()).await.unwrap();
    state.fees.keys().copied().collect()
}

/// The fee of a whole `year` on 50,000,000 at 1%, actual/365 fixed (a leap year has 366 days).
pub fn full_year_fee(year: i32) -> &'static str {
    if ymd(year, 12, 31).ordinal() == 366 {
        "501369.86"
    } else {
        "500000.00"
    }
}

/// A tick on `day`, its "now" at noon in China (04:00 UTC).
pub async fn tick_on(repos: &Repositories, day: NaiveDate) -> TickReport {
    let now = day.and_hms_opt(4, 0, 0).unwrap().and_utc();
    tick(repos, day, now).await.unwrap()
}

pub fn nothing_recorded(funds: usize) -> TickReport {
    TickReport {
        funds,
        ..TickReport::default()
    }
}

/// A report of a tick that recorded `phase_changes` and `fees_assessed` on `funds` funds,
/// without failures.
pub fn recorded(funds: usize, phase_changes: usize, fees_assessed: usize) -> TickReport {
    TickReport {
        funds,
        phase_changes,
        fees_assessed,
        ..TickReport::default()
    }
}

/// A clock the test moves.
pub fn pinned(start: NaiveDate) -> (Arc<Mutex<NaiveDate>>, scheduler::Clock) {
    let today = Arc::new(Mutex::new(start));
    let read = today.clone();
    (today, Arc::new(move || *read.lock().unwrap()))
}

pub fn config(db: &TestDb, metrics: &Metrics, shutdown: watch::Receiver<bool>) -> SchedulerConfig {
    SchedulerConfig {
        interval: Duration::from_millis(20),
        ..SchedulerConfig::new(db.pool.clone(), db.url.clone(), metrics.clone(), shutdown)
    }
}

pub fn counter(metrics: &Metrics, name: &str) -> f64 {
    metrics.get(name, "").unwrap_or(0.0)
}
