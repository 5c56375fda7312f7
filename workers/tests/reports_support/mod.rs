//! Helpers of the reporting tests: a small fund history built through the repository (a
//! tranche of 50,000,000 subscribed by two LPs, called in full, LP A paid and confirmed, LP B's
//! first half instructed), drafts recorded and filed as the worker and the manager do, the
//! log settled so a fresh cut covers every committed event, and the reports projection
//! caught up.

use chrono::NaiveDate;
use domain::fund::capital::{Lp, LpKind};
use domain::fund::custody::MovementKind;
use domain::fund::{Fund, FundCommand, FundKind, FundTerms};
use domain::report::filing::{self, FilingCommand, FilingError, FilingEvent, ReportFiling};
use domain::report::Period;
use domain::{CallId, FundId, LpId, Money, MovementId};
use eventstore::repository::CommandContext;
use eventstore::testkit::{wait_for_feed, wait_until, TestDb};
use eventstore::{CommandError, Metadata, Metrics, Repository};
use projections::reports::ReportsProjection;
use uuid::Uuid;
use workers::reports::worker::{self, Drafted};

/// The actor of the manager's commands.
pub const MANAGER: &str = "manager-li";

pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

pub fn yuan(n: i64) -> Money {
    Money::from_yuan(n)
}

/// A fund of the tests and the ids of its history.
#[derive(Debug, Clone, Copy)]
pub struct TestFund {
    pub id: FundId,
    /// Subscribed 30,000,000, paid in full on 20 March.
    pub a: LpId,
    /// Subscribed 20,000,000; half of it instructed with value date 20 June, not confirmed.
    pub b: LpId,
    /// The call of the whole tranche, on 1 March, due 31 March.
    pub call: CallId,
    /// LP B's instructed payment of 10,000,000.
    pub b_first_half: MovementId,
}

/// Runs `command` on `fund` as the manager.
pub async fn manage(repo: &Repository<Fund>, fund: FundId, command: FundCommand) {
    let ctx = CommandContext::new(Metadata::new(MANAGER, "manager"));
    repo.execute(&fund.stream_id(), &command, &ctx)
        .await
        .unwrap();
}

/// A fund established on 15 January of `year` with a tranche of 50,000,000 subscribed by
/// LP A (30,000,000) and LP B (20,000,000), called in full on 1 March (due 31 March); A pays
/// on 20 March, confirmed by the custodian; B's payment of 10,000,000 is instructed with
/// value date 20 June and not confirmed.
pub async fn fund(repo: &Repository<Fund>, year: i32) -> TestFund {
    let id = FundId(Uuid::now_v7());
    let established = ymd(year, 1, 15);
    let terms = FundTerms {
        name: "昆山天使基金".into(),
        kind: FundKind::Angel,
        total_size: yuan(300_000_000),
        establishment_date: established,
        manager: "昆山创业投资管理有限公司".to_owned(),
        custodian: "中国工商银行昆山分行".to_owned(),
        city: "昆山".to_owned(),
        policy: Box::default(),
    };
    manage(repo, id, FundCommand::Establish { fund_id: id, terms }).await;
    let open = FundCommand::OpenTranche {
        number: 1,
        size: yuan(50_000_000),
        subscription_date: established,
    };
    manage(repo, id, open).await;
    let (a, b) = (LpId(Uuid::now_v7()), LpId(Uuid::now_v7()));
    for (lp, name, amount) in [
        (a, "昆山国创投资集团", 30_000_000),
        (b, "昆山高新创投", 20_000_000),
    ] {
        let subscribe = FundCommand::Subscribe {
            tranche: 1,
            lp,
            identity: Lp {
                name: name.into(),
                kind: LpKind::StateOwned,
            },
            amount: yuan(amount),
        };
        manage(repo, id, subscribe).await;
    }
    let call = CallId(Uuid::now_v7());
    let call_capital = FundCommand::CallCapital {
        call_id: call,
        tranches: vec![1],
        amount: yuan(50_000_000),
        called_on: ymd(year, 3, 1),
        due_on: ymd(year, 3, 31),
    };
    manage(repo, id, call_capital).await;
    let fund = TestFund {
        id,
        a,
        b,
        call,
        b_first_half: MovementId(Uuid::now_v7()),
    };
    let paid_a = instruct(repo, &fund, a, yuan(30_000_000), ymd(year, 3, 20)).await;
    confirm(repo, id, paid_a, ymd(year, 3, 20)).await;
    instruct_as(
        repo,
        &fund,
        fund.b_first_half,
        b,
        yuan(10_000_000),
        ymd(year, 6, 20),
    )
    .await;
    fund
}

/// Instructs a payment of `lp` on the fund's call; returns the movement.
pub async fn instruct(
    repo: &Repository<Fund>,
    fund: &TestFund,
    lp: LpId,
    amount: Money,
    value_date: NaiveDate,
) -> MovementId {
    let movement = MovementId(Uuid::now_v7());
    instruct_as(repo, fund, movement, lp, amount, value_date).await;
    movement
}

async fn instruct_as(
    repo: &Repository<Fund>,
    fund: &TestFund,
    movement_id: MovementId,
    lp: LpId,
    amount: Money,
    value_date: NaiveDate,
) {
    let command = FundCommand::InstructMovement {
        movement_id,
        kind: MovementKind::LpPayment {
            call_id: fund.call,
            lp,
        },
        amount,
        value_date,
    };
    manage(repo, fund.id, command).await;
}

/// The custodian confirms a movement.
pub async fn confirm(
    repo: &Repository<Fund>,
    fund: FundId,
    movement_id: MovementId,
    executed_on: NaiveDate,
) {
    let ctx = CommandContext::new(Metadata::new("icbc-kunshan", "custodian"));
    let command = FundCommand::ConfirmMovement {
        movement_id,
        executed_on,
    };
    repo.execute(&fund.stream_id(), &command, &ctx)
        .await
        .unwrap();
}

/// Waits until every committed event is below a fresh cut: no transaction of the cluster
/// older than the last event is still open (transaction ids are shared by every database,
/// so another test's open transaction holds the cut back).
pub async fn settle(db: &TestDb) {
    wait_until(
        async || {
            let c = db.pool.get().await.unwrap();
            let sql = "SELECT pg_snapshot_xmin(pg_current_snapshot()) > \
                         COALESCE((SELECT max(tx_id) FROM events), '0'::xid8)";
            c.query_one(sql, &[]).await.unwrap().get(0)
        },
        "the cut to pass every committed event",
    )
    .await;
}

/// Records the draft of `period` as the worker does, on `today`, once the log is settled.
pub async fn record(
    db: &TestDb,
    reports: &Repository<ReportFiling>,
    fund: FundId,
    period: Period,
    today: NaiveDate,
) -> Drafted {
    settle(db).await;
    let metadata = Metadata::new(worker::ACTOR, "system");
    worker::record_draft(reports, fund, period, today, metadata)
        .await
        .unwrap()
}

/// Files `version` under `sha256` as the manager.
pub async fn file(
    reports: &Repository<ReportFiling>,
    fund: FundId,
    period: Period,
    version: u32,
    sha256: &str,
    on: NaiveDate,
) -> Result<Vec<FilingEvent>, CommandError<FilingError>> {
    let ctx = CommandContext::new(Metadata::new(MANAGER, "manager"));
    let command = FilingCommand::File {
        version,
        sha256: sha256.to_owned(),
        on,
    };
    reports
        .execute(&filing::stream_id(fund, period), &command, &ctx)
        .await
        .map(|o| o.events)
}

/// The events of a report stream, as stored: `(event_type, payload, actor)`.
pub async fn report_events(
    db: &TestDb,
    fund: FundId,
    period: Period,
) -> Vec<(String, serde_json::Value, String)> {
    let c = db.pool.get().await.unwrap();
    let sql = "SELECT event_type, payload, metadata->>'actor' FROM events \
               WHERE stream_id = $1 ORDER BY stream_version";
    let rows = c
        .query(sql, &[&filing::stream_id(fund, period)])
        .await
        .unwrap();
    rows.iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

/// The `report_documents` row of `sha256`: its bytes and when it was created.
pub async fn document_row(
    db: &TestDb,
    sha256: &str,
) -> Option<(Vec<u8>, chrono::DateTime<chrono::Utc>)> {
    let c = db.pool.get().await.unwrap();
    let sql = "SELECT bytes, created_at FROM report_documents WHERE sha256 = $1";
    c.query_opt(sql, &[&sha256])
        .await
        .unwrap()
        .map(|r| (r.get(0), r.get(1)))
}

/// The check the worker noted for a report stream: its cut.
pub async fn check_cut(db: &TestDb, fund: FundId, period: Period) -> Option<i64> {
    let c = db.pool.get().await.unwrap();
    let sql = "SELECT cut FROM report_checks WHERE stream_id = $1";
    c.query_opt(sql, &[&filing::stream_id(fund, period)])
        .await
        .unwrap()
        .map(|r| r.get(0))
}

/// Applies every event of the log to the reports projection.
pub async fn project(db: &TestDb) {
    let total: i64 = {
        let c = db.pool.get().await.unwrap();
        c.query_one("SELECT count(*) FROM events", &[])
            .await
            .unwrap()
            .get(0)
    };
    let store = db.store();
    wait_for_feed(&store, usize::try_from(total).unwrap()).await;
    projections::runner::catch_up(&ReportsProjection, &db.pool, &store, &Metrics::new())
        .await
        .unwrap();
}

/// The document as JSON.
pub fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).unwrap()
}

/// The line of `lp` in a document's `lps`.
pub fn lp_line(document: &serde_json::Value, lp: LpId) -> serde_json::Value {
    document["lps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["lp"] == lp.0.to_string())
        .unwrap()
        .clone()
}

/// The day (China Standard Time) the establishment of `fund` was recorded in the log.
pub async fn recorded_on(db: &TestDb, fund: FundId) -> NaiveDate {
    let c = db.pool.get().await.unwrap();
    let sql = "SELECT recorded_at FROM events WHERE stream_id = $1 AND stream_version = 1";
    let row = c.query_one(sql, &[&fund.stream_id()]).await.unwrap();
    eventstore::store::china_date(row.get(0))
}
