//! A realistic fund history for the capital tests, applied through the repository, with the
//! fund's totals expected after each step.
//!
//! The SPEC §7 worked example: a fund established 2022-01-01; tranche 1 = 50,000,000
//! subscribed 2022-01-01 (LP A 30,000,000, LP B 20,000,000) and called in full; tranche 2 =
//! 30,000,000 subscribed 2023-07-01 (A 18,000,000, LP C 12,000,000), half called. Fees: 2022 =
//! 500,000.00, 2023 = 651,232.88. Then a distribution of 10,000,000 pro rata to paid-in
//! capital, paid in part.

use chrono::NaiveDate;
use domain::fund::capital::{Lp, LpKind};
use domain::fund::custody::MovementKind;
use domain::fund::{Fund, FundCommand, FundKind, FundTerms};
use domain::{CallId, DistributionId, FundId, LpId, Money, MovementId};
use eventstore::repository::CommandContext;
use eventstore::testkit::{test_db, wait_for_feed, TestDb};
use eventstore::{EventStore, Metadata, Metrics, Repository};
use projections::capital::{CapitalProjection, FundCapital};
use projections::runner::{catch_up, setup};
use rust_decimal::Decimal;
use uuid::Uuid;

/// A date.
pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// An exact decimal.
pub fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn yuan(s: &str) -> Money {
    Money::parse(s).unwrap()
}

/// The ids of the history.
pub struct Ids {
    /// The fund.
    pub fund: FundId,
    /// LP A (state-owned), in both tranches.
    pub a: LpId,
    /// LP B (a guidance fund), in tranche 1.
    pub b: LpId,
    /// LP C (other), in tranche 2.
    pub c: LpId,
    /// The call of tranche 1 (in full).
    pub call1: CallId,
    /// The call of half of tranche 2.
    pub call2: CallId,
    /// The distribution.
    pub dist: DistributionId,
    /// The movements, m\[0\] to m\[8\].
    pub m: [MovementId; 9],
}

impl Ids {
    fn new() -> Self {
        Ids {
            fund: FundId(Uuid::now_v7()),
            a: LpId(Uuid::from_u128(0xA)),
            b: LpId(Uuid::from_u128(0xB)),
            c: LpId(Uuid::from_u128(0xC)),
            call1: CallId(Uuid::now_v7()),
            call2: CallId(Uuid::now_v7()),
            dist: DistributionId(Uuid::now_v7()),
            m: std::array::from_fn(|_| MovementId(Uuid::now_v7())),
        }
    }
}

/// The fund's totals, separated by spaces: tranches, subscribed, called, paid, cash, fees
/// assessed, fees paid, distributed, distributions paid (nothing invested or exited).
pub fn totals(figures: &str) -> FundCapital {
    let t: Vec<&str> = figures.split_whitespace().collect();
    assert_eq!(t.len(), 9, "{figures}");
    FundCapital {
        tranches: dec(t[0]),
        subscribed: dec(t[1]),
        called: dec(t[2]),
        paid: dec(t[3]),
        cash: dec(t[4]),
        fees_assessed: dec(t[5]),
        fees_paid: dec(t[6]),
        distributed: dec(t[7]),
        distributions_paid: dec(t[8]),
        ..FundCapital::default()
    }
}

fn lp(name: &str, kind: LpKind) -> Lp {
    Lp {
        name: name.into(),
        kind,
    }
}

fn pay(id: MovementId, kind: MovementKind, amount: &str, value: &str) -> FundCommand {
    FundCommand::InstructMovement {
        movement_id: id,
        kind,
        amount: yuan(amount),
        value_date: d(value),
    }
}

fn confirm(id: MovementId, on: &str) -> FundCommand {
    FundCommand::ConfirmMovement {
        movement_id: id,
        executed_on: d(on),
    }
}

/// The history in steps, each with the fund's totals after it.
pub fn steps(ids: &Ids) -> Vec<(Vec<FundCommand>, FundCapital)> {
    let (a, b, c, m) = (ids.a, ids.b, ids.c, ids.m);
    let call = |call_id, tranche, amount: i64, on: &str, due: &str| FundCommand::CallCapital {
        call_id,
        tranches: vec![tranche],
        amount: Money::from_yuan(amount),
        called_on: d(on),
        due_on: d(due),
    };
    let subscribe = |tranche, lp_id, identity, amount: i64| FundCommand::Subscribe {
        tranche,
        lp: lp_id,
        identity,
        amount: Money::from_yuan(amount),
    };
    let lp_payment = |call_id, lp| MovementKind::LpPayment { call_id, lp };
    let distribution = |lp| MovementKind::Distribution {
        distribution_id: ids.dist,
        lp,
    };
    let assess = |year| FundCommand::AssessFee {
        year,
        today: d("2024-01-02"),
    };
    let (lp_a, lp_b, lp_c) = (
        lp("昆山国投", LpKind::StateOwned),
        lp("昆山市政府引导基金", LpKind::GuidanceFund),
        lp("昆山某科技企业", LpKind::Other),
    );
    vec![
        (
            vec![
                FundCommand::Establish {
                    fund_id: ids.fund,
                    terms: FundTerms {
                        name: "昆山市天使投资基金".into(),
                        kind: FundKind::Angel,
                        total_size: Money::from_yuan(300_000_000),
                        establishment_date: d("2022-01-01"),
                        manager: "昆山创业投资管理有限公司".to_owned(),
                        custodian: "中国工商银行昆山分行".to_owned(),
                        city: "昆山".to_owned(),
                        policy: Box::default(),
                    },
                },
                FundCommand::OpenTranche {
                    number: 1,
                    size: Money::from_yuan(50_000_000),
                    subscription_date: d("2022-01-01"),
                },
                subscribe(1, a, lp_a.clone(), 30_000_000),
                subscribe(1, b, lp_b, 20_000_000),
            ],
            totals("50000000 50000000 0 0 0 0 0 0 0"),
        ),
        (
            vec![call(ids.call1, 1, 50_000_000, "2022-01-10", "2022-01-31")],
            totals("50000000 50000000 50000000 0 0 0 0 0 0"),
        ),
        (
            vec![
                pay(m[0], lp_payment(ids.call1, a), "30000000", "2022-01-20"),
                confirm(m[0], "2022-01-21"),
            ],
            totals("50000000 50000000 50000000 30000000 30000000 0 0 0 0"),
        ),
        (
            vec![
                pay(m[1], lp_payment(ids.call1, b), "20000000", "2022-01-25"),
                confirm(m[1], "2022-01-26"),
            ],
            totals("50000000 50000000 50000000 50000000 50000000 0 0 0 0"),
        ),
        (
            vec![
                FundCommand::OpenTranche {
                    number: 2,
                    size: Money::from_yuan(30_000_000),
                    subscription_date: d("2023-07-01"),
                },
                subscribe(2, a, lp_a, 18_000_000),
                subscribe(2, c, lp_c, 12_000_000),
                call(ids.call2, 2, 15_000_000, "2023-07-05", "2023-07-31"),
            ],
            totals("80000000 80000000 65000000 50000000 50000000 0 0 0 0"),
        ),
        (
            vec![
                pay(m[2], lp_payment(ids.call2, a), "9000000", "2023-07-20"),
                confirm(m[2], "2023-07-20"),
            ],
            totals("80000000 80000000 65000000 59000000 59000000 0 0 0 0"),
        ),
        (
            // C pays 4,000,000 late; 1,000,000 more is instructed and never confirmed.
            vec![
                pay(m[3], lp_payment(ids.call2, c), "4000000", "2023-08-10"),
                confirm(m[3], "2023-08-10"),
                pay(m[4], lp_payment(ids.call2, c), "1000000", "2023-08-20"),
            ],
            totals("80000000 80000000 65000000 63000000 63000000 0 0 0 0"),
        ),
        (
            vec![assess(2022), assess(2023)],
            totals("80000000 80000000 65000000 63000000 63000000 1151232.88 0 0 0"),
        ),
        (
            vec![
                pay(
                    m[5],
                    MovementKind::FeePayment { year: 2022 },
                    "500000",
                    "2024-01-10",
                ),
                confirm(m[5], "2024-01-10"),
            ],
            totals("80000000 80000000 65000000 63000000 62500000 1151232.88 500000 0 0"),
        ),
        (
            // Part of the 2023 fee.
            vec![
                pay(
                    m[6],
                    MovementKind::FeePayment { year: 2023 },
                    "300000",
                    "2024-01-15",
                ),
                confirm(m[6], "2024-01-16"),
            ],
            totals("80000000 80000000 65000000 63000000 62200000 1151232.88 800000 0 0"),
        ),
        (
            vec![FundCommand::DeclareDistribution {
                distribution_id: ids.dist,
                amount: Money::from_yuan(10_000_000),
                declared_on: d("2024-03-01"),
            }],
            totals("80000000 80000000 65000000 63000000 62200000 1151232.88 800000 10000000 0"),
        ),
        (
            vec![
                pay(m[7], distribution(a), "6190476.19", "2024-03-10"),
                confirm(m[7], "2024-03-10"),
            ],
            totals(
                "80000000 80000000 65000000 63000000 \
                 56009523.81 1151232.88 800000 10000000 6190476.19",
            ),
        ),
        (
            // Part of B's share; C's is not paid.
            vec![
                pay(m[8], distribution(b), "1000000", "2024-03-11"),
                confirm(m[8], "2024-03-12"),
            ],
            totals(
                "80000000 80000000 65000000 63000000 \
                 55009523.81 1151232.88 800000 10000000 7190476.19",
            ),
        ),
    ]
}

/// A fresh database with the capital projection set up, and the fund's history so far.
pub struct History {
    /// The database.
    pub db: TestDb,
    /// Its event store.
    pub store: EventStore,
    /// The history's ids.
    pub ids: Ids,
    /// Shared by every catch-up.
    pub metrics: Metrics,
    repo: Repository<Fund>,
    version: i64,
}

impl History {
    /// A fresh database, the projection set up, nothing appended.
    pub async fn new() -> Self {
        let db = test_db().await;
        setup::<CapitalProjection>(&db.pool).await.unwrap();
        let store = db.store();
        History {
            repo: Repository::<Fund>::new(store.clone(), 10),
            store,
            db,
            ids: Ids::new(),
            metrics: Metrics::new(),
            version: 0,
        }
    }

    /// Executes `commands` on the fund and catches the projection up with them.
    pub async fn run(&mut self, commands: &[FundCommand]) {
        let ctx = CommandContext::new(Metadata::new("manager", "manager"));
        for command in commands {
            let outcome = self
                .repo
                .execute(&self.ids.fund.stream_id(), command, &ctx)
                .await
                .unwrap_or_else(|e| panic!("{command:?}: {e}"));
            self.version = outcome.stream_version;
        }
        wait_for_feed(&self.store, usize::try_from(self.version).unwrap()).await;
        catch_up(
            &CapitalProjection,
            &self.db.pool,
            &self.store,
            &self.metrics,
        )
        .await
        .unwrap();
    }

    /// The fund's totals as projected.
    pub async fn totals(&self) -> FundCapital {
        let c = self.db.pool.get().await.unwrap();
        projections::capital::fund_capital(&**c, self.ids.fund.0)
            .await
            .unwrap()
            .unwrap()
    }
}
