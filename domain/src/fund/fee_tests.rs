//! Given/when/then tests of management-fee assessments and fee payments (Art. 7, Art. 18).
//!
//! The worked example of the SPEC: a fund established on 2022-01-01 with tranche 1 of
//! 50,000,000 subscribed on 2022-01-01 and tranche 2 of 30,000,000 subscribed on 2023-07-01;
//! the fee for 2023 is 500,000.00 + 151,232.88 = 651,232.88.

use super::custody::MovementKind;
use super::phases::Phase;
use super::test_support::{
    after, assess, close, confirm, d, extend, instruct, money, opened, paid_in_fund, refusal,
    subscribed, terms, wound_up, yuan, RESOLUTION,
};
use super::*;
use crate::aggregate::given;
use crate::fees::{CostBasisChange, FeeAssessment, FeeComponent, FeeSegment};
use crate::DomainEvent;
use rust_decimal::Decimal;

const T1: FeeComponent = FeeComponent::Tranche(1);
const COST: FeeComponent = FeeComponent::CostNotExited;
const INVESTMENT: Phase = Phase::Investment;
const EXIT: Phase = Phase::Exit;

fn pay_fee(id: u128, year: i32, amount: Money) -> FundCommand {
    instruct(id, MovementKind::FeePayment { year }, amount, "2024-01-10")
}

/// The worked example: tranche 1 subscribed by LPs 1 and 2 and paid in (the custodian holds
/// 50M), tranche 2 subscribed by LPs 1 and 3.
fn worked_example() -> Vec<FundEvent> {
    let subscriptions = [(1, 30_000_000), (2, 20_000_000)];
    let mut history = paid_in_fund("2022-01-01", &subscriptions, &subscriptions);
    history.extend([
        opened(2, 30_000_000, "2023-07-01"),
        subscribed(2, 1, 20_000_000),
        subscribed(2, 3, 10_000_000),
    ]);
    history
}

/// A fund established on `on` with a 50M tranche 1 subscribed that day (nothing paid in).
fn fifty_million(on: &str) -> Vec<FundEvent> {
    paid_in_fund(on, &[(1, 50_000_000)], &[])
}

/// The assessment of `year` on `fund`.
fn assessed(fund: &Fund, year: i32) -> FeeAssessment {
    let events = fund.decide(&assess(year, "2040-01-01")).unwrap();
    let [FundEvent::FeeAssessed { assessment, .. }] = &events[..] else {
        panic!("{events:?}")
    };
    assessment.clone()
}

/// (from, to, component, phase, base, days, amount) of a segment.
type Row = (NaiveDate, NaiveDate, FeeComponent, Phase, Money, u32, Money);

fn rows(a: &FeeAssessment) -> Vec<Row> {
    let row = |s: &FeeSegment| (s.from, s.to, s.component, s.phase, s.base, s.days, s.amount);
    a.segments.iter().map(row).collect()
}

fn row(from: &str, to: &str, c: FeeComponent, p: Phase, base: i64, days: u32, fee: &str) -> Row {
    (d(from), d(to), c, p, yuan(base), days, money(fee))
}

fn cost_basis(changes: &[(&str, i64)]) -> Vec<CostBasisChange> {
    let change = |(on, cost): &(&str, i64)| CostBasisChange {
        on: d(on),
        cost_not_exited: yuan(*cost),
    };
    changes.iter().map(change).collect()
}

#[test]
fn the_worked_example_charges_each_tranche_from_its_subscription_date() {
    let events = given::<Fund>(&worked_example())
        .when(&assess(2023, "2024-01-01"))
        .unwrap();
    let segment = |from: &str, tranche: u32, base: i64, days: u32, amount: &str| FeeSegment {
        from: d(from),
        to: d("2023-12-31"),
        component: FeeComponent::Tranche(tranche),
        phase: Phase::Investment,
        base: yuan(base),
        rate: Decimal::new(1, 2),
        days,
        amount: money(amount),
    };
    let assessment = FeeAssessment {
        period_from: d("2023-01-01"),
        period_to: d("2023-12-31"),
        segments: vec![
            segment("2023-01-01", 1, 50_000_000, 365, "500000.00"),
            segment("2023-07-01", 2, 30_000_000, 184, "151232.88"),
        ],
        total: money("651232.88"),
    };
    assert_eq!(
        events,
        vec![FundEvent::FeeAssessed {
            year: 2023,
            assessment
        }]
    );
    assert_eq!(events[0].effective_date(), Some(d("2023-12-31")));
    let state = given::<Fund>(&[worked_example(), events].concat()).state;
    assert_eq!(state.fees[&2023].assessment.total, money("651232.88"));
    assert_eq!(
        state.custody.fee_payments[&2023].allocated,
        money("651232.88")
    );
}

#[test]
fn a_period_is_assessed_from_the_day_after_it_ends() {
    let g = given::<Fund>(&worked_example());
    let not_ended = FundError::FeePeriodNotEnded {
        ends_on: d("2023-12-31"),
    };
    for early in ["2023-06-30", "2023-12-31"] {
        let refused = refusal(g.when(&assess(2023, early)));
        assert_eq!(
            refused,
            (not_ended.clone(), "fee_period_not_ended", Some("Art. 7"))
        );
    }
    assert_eq!(g.when(&assess(2023, "2024-01-01")).unwrap().len(), 1);
}

#[test]
fn the_first_period_starts_on_the_establishment_date() {
    let a = assessed(&given::<Fund>(&fifty_million("2021-09-01")).state, 2021);
    assert_eq!(
        (a.period_from, a.period_to),
        (d("2021-09-01"), d("2021-12-31"))
    );
    let expected = row(
        "2021-09-01",
        "2021-12-31",
        T1,
        INVESTMENT,
        50_000_000,
        122,
        "167123.29",
    );
    assert_eq!((rows(&a), a.total), (vec![expected], money("167123.29")));
}

#[test]
fn there_is_no_fee_period_before_establishment_or_after_closing() {
    let history = fifty_million("2021-09-01");
    let refused = refusal(given::<Fund>(&history).when(&assess(2020, "2040-01-01")));
    assert_eq!(
        (refused.0, refused.1),
        (FundError::NoFeePeriod { year: 2020 }, "no_fee_period")
    );
    // Closed on 2030-01-01: 2030 is a period (free: liquidation, then closed), 2031 is not.
    let paid = paid_in_fund("2021-09-01", &[(1, 50_000_000)], &[(1, 50_000_000)]);
    let closing = [close("2030-01-01", "2030-01-01")];
    let closed = given::<Fund>(&after(&wound_up(&paid), &closing));
    let a = assessed(&closed.state, 2030);
    assert_eq!((a.segments.len(), a.total), (0, Money::ZERO));
    let refused = refusal(closed.when(&assess(2031, "2040-01-01")));
    assert_eq!(
        (refused.0, refused.1),
        (FundError::NoFeePeriod { year: 2031 }, "no_fee_period")
    );
    let refused = refusal(given::<Fund>(&[]).when(&assess(2023, "2024-01-01")));
    assert_eq!(refused.1, "fund_not_found");
}

#[test]
fn a_period_is_charged_once() {
    let history = after(&worked_example(), &[assess(2023, "2024-01-01")]);
    let g = given::<Fund>(&history);
    for today in ["2024-01-01", "2024-06-30", "2030-01-01"] {
        assert_eq!(g.when(&assess(2023, today)).unwrap(), vec![]);
    }
    assert_eq!(g.state.fees.len(), 1);
    assert_eq!(g.state.fees[&2023].assessment.total, money("651232.88"));
}

#[test]
fn a_leap_year_has_366_fee_days_each_a_365th_of_the_rate() {
    let a = assessed(&given::<Fund>(&fifty_million("2022-01-01")).state, 2024);
    let expected = row(
        "2024-01-01",
        "2024-12-31",
        T1,
        INVESTMENT,
        50_000_000,
        366,
        "501369.86",
    );
    assert_eq!(rows(&a), vec![expected]);
}

#[test]
fn a_year_across_the_exit_charges_the_tranches_then_the_cost_not_exited() {
    // Established 2021-09-01: the exit period starts on 2024-09-01.
    let mut fund = given::<Fund>(&fifty_million("2021-09-01")).state;
    fund.cost_basis = cost_basis(&[("2023-03-01", 20_000_000), ("2024-11-01", 15_000_000)]);
    let a = assessed(&fund, 2024);
    assert_eq!(
        rows(&a),
        vec![
            row(
                "2024-01-01",
                "2024-08-31",
                T1,
                INVESTMENT,
                50_000_000,
                244,
                "334246.58"
            ),
            row(
                "2024-09-01",
                "2024-10-31",
                COST,
                EXIT,
                20_000_000,
                61,
                "33424.66"
            ),
            row(
                "2024-11-01",
                "2024-12-31",
                COST,
                EXIT,
                15_000_000,
                61,
                "25068.49"
            ),
        ]
    );
    assert_eq!(a.total, money("392739.73"));
}

#[test]
fn an_exit_period_without_investments_costs_nothing() {
    let fund = given::<Fund>(&fifty_million("2021-09-01")).state;
    let a = assessed(&fund, 2024);
    let investment = row(
        "2024-01-01",
        "2024-08-31",
        T1,
        INVESTMENT,
        50_000_000,
        244,
        "334246.58",
    );
    assert_eq!((rows(&a), a.total), (vec![investment], money("334246.58")));
    let a = assessed(&fund, 2025);
    assert_eq!((a.segments.len(), a.total), (0, Money::ZERO));
}

#[test]
fn extension_and_liquidation_days_cost_nothing() {
    let history = fifty_million("2021-09-01");
    let extended = after(&history, &[extend(12, RESOLUTION, "2029-06-30", None)]);
    for history in [history, extended] {
        let mut fund = given::<Fund>(&history).state;
        fund.cost_basis = cost_basis(&[("2023-03-01", 20_000_000)]);
        // 2029: exit until 08-31, then extension or liquidation.
        let exit = row(
            "2029-01-01",
            "2029-08-31",
            COST,
            EXIT,
            20_000_000,
            243,
            "133150.68",
        );
        assert_eq!(rows(&assessed(&fund, 2029)), vec![exit]);
        // 2030: extension then liquidation, or liquidation only.
        let a = assessed(&fund, 2030);
        assert_eq!((a.segments.len(), a.total), (0, Money::ZERO));
    }
}

#[test]
fn the_policy_rate_and_day_count_are_used() {
    for (rate, basis, t1, t2, total) in [
        (
            Decimal::new(15, 3),
            365,
            "750000.00",
            "226849.32",
            "976849.32",
        ),
        (
            Decimal::new(1, 2),
            360,
            "506944.44",
            "153333.33",
            "660277.77",
        ),
    ] {
        let mut t = terms(FundKind::Angel, "2022-01-01");
        t.policy.fee_rate = rate;
        t.policy.fee_day_count_basis = basis;
        let mut history = worked_example();
        history[0] = FundEvent::FundEstablished {
            fund_id: FundId(uuid::Uuid::nil()),
            terms: t,
        };
        let a = assessed(&given::<Fund>(&history).state, 2023);
        let amounts: Vec<(Decimal, Money)> =
            a.segments.iter().map(|s| (s.rate, s.amount)).collect();
        assert_eq!(amounts, vec![(rate, money(t1)), (rate, money(t2))]);
        assert_eq!(a.total, money(total));
    }
}

#[test]
fn a_fee_is_paid_only_once_assessed() {
    let refused = refusal(given::<Fund>(&worked_example()).when(&pay_fee(1, 2023, yuan(1))));
    let not_assessed = FundError::FeeNotAssessed { year: 2023 };
    assert_eq!(refused, (not_assessed, "fee_not_assessed", Some("Art. 7")));
    let history = after(&worked_example(), &[assess(2023, "2024-01-01")]);
    let refused = refusal(given::<Fund>(&history).when(&pay_fee(1, 2022, yuan(1))));
    assert_eq!(refused.0, FundError::FeeNotAssessed { year: 2022 });
}

#[test]
fn a_fee_is_paid_in_parts_up_to_its_assessment() {
    let history = after(&worked_example(), &[assess(2023, "2024-01-01")]);
    let refused = refusal(given::<Fund>(&history).when(&pay_fee(1, 2023, money("651232.89"))));
    let over = FundError::Overpayment {
        room: money("651232.88"),
    };
    assert_eq!(refused, (over, "overpayment", Some("SPEC §2")));
    // A first part instructed, not yet confirmed, already counts against the fee.
    let history = after(&history, &[pay_fee(1, 2023, yuan(300_000))]);
    let refused = refusal(given::<Fund>(&history).when(&pay_fee(2, 2023, money("351232.89"))));
    assert_eq!(
        refused.0,
        FundError::Overpayment {
            room: money("351232.88")
        }
    );
    let rest = [
        pay_fee(2, 2023, money("351232.88")),
        confirm(1, "2024-01-10"),
    ];
    let g = given::<Fund>(&after(&history, &rest));
    assert_eq!(
        refusal(g.when(&pay_fee(3, 2023, Money::from_fen(1)))).1,
        "overpayment"
    );
    assert_eq!(g.state.custody.cash, yuan(50_000_000 - 300_000));
    let due = g.state.custody.fee_payments[&2023];
    assert_eq!(
        (due.instructed, due.paid),
        (money("651232.88"), yuan(300_000))
    );
}

#[test]
fn a_confirmed_fee_payment_lowers_the_cash() {
    let pay = [
        assess(2023, "2024-01-01"),
        pay_fee(1, 2023, money("651232.88")),
    ];
    let history = after(&worked_example(), &pay);
    assert_eq!(given::<Fund>(&history).state.custody.cash, yuan(50_000_000));
    let state = given::<Fund>(&after(&history, &[confirm(1, "2024-01-10")])).state;
    assert_eq!(state.custody.cash, money("49348767.12"));
    assert_eq!(state.custody.fee_payments[&2023].outstanding(), Money::ZERO);
}

#[test]
fn a_fee_payment_cannot_exceed_the_cash_available() {
    // The worked example's fee (651,232.88), but LP 1 paid in only 500,000 of tranche 1.
    let subscriptions = [(1, 30_000_000), (2, 20_000_000)];
    let mut history = paid_in_fund("2022-01-01", &subscriptions, &[(1, 500_000)]);
    history.extend([
        opened(2, 30_000_000, "2023-07-01"),
        subscribed(2, 3, 30_000_000),
    ]);
    let history = after(&history, &[assess(2023, "2024-01-01")]);
    let refused = refusal(given::<Fund>(&history).when(&pay_fee(1, 2023, money("500000.01"))));
    let short = |available: i64| FundError::InsufficientCash {
        available: yuan(available),
    };
    assert_eq!(
        refused,
        (short(500_000), "insufficient_cash", Some("Art. 18"))
    );
    // An instructed fee payment commits its cash before it is confirmed.
    let history = after(&history, &[pay_fee(1, 2023, yuan(400_000))]);
    let g = given::<Fund>(&history);
    assert_eq!(
        refusal(g.when(&pay_fee(2, 2023, money("100000.01")))).0,
        short(100_000)
    );
    assert!(g.when(&pay_fee(2, 2023, yuan(100_000))).is_ok());
    let g = given::<Fund>(&after(&history, &[confirm(1, "2024-01-10")]));
    assert_eq!(
        refusal(g.when(&pay_fee(2, 2023, money("100000.01")))).0,
        short(100_000)
    );
}
