//! Tests of the performance figures. The expected IRRs were computed independently in Python
//! with `decimal` at 50 digits (its own `ln`/`exp`, 200 bisections), then rounded half up.

use super::decimal_math::{exp, ln};
use super::*;
use proptest::prelude::*;
use std::str::FromStr;

fn day(s: &str) -> NaiveDate {
    NaiveDate::from_str(s).unwrap()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn flow(on: &str, amount: &str) -> CashFlow {
    CashFlow {
        on: day(on),
        amount: Money::parse(amount).unwrap(),
    }
}

fn flows(v: &[(&str, &str)]) -> Vec<CashFlow> {
    v.iter().map(|(on, amount)| flow(on, amount)).collect()
}

fn irr_text(v: &[(&str, &str)]) -> String {
    xirr(&flows(v)).unwrap().unwrap().to_string()
}

fn excel_example() -> Vec<CashFlow> {
    flows(&[
        ("2008-01-01", "-10000"),
        ("2008-03-01", "2750"),
        ("2008-10-30", "4250"),
        ("2009-02-15", "3250"),
        ("2009-04-01", "2750"),
    ])
}

#[test]
fn ln_and_exp_match_known_constants() {
    let close = |a: Decimal, b: &str| (a - dec(b)).abs() < dec("0.0000000000000000000000001");
    assert!(close(
        ln(Decimal::TWO).unwrap(),
        "0.6931471805599453094172321215"
    ));
    assert!(close(
        ln(Decimal::TEN).unwrap(),
        "2.3025850929940456840179914547"
    ));
    assert!(close(
        ln(dec("0.0001")).unwrap(),
        "-9.2103403719761827360719658187"
    ));
    assert!(close(
        exp(Decimal::ONE).unwrap(),
        "2.7182818284590452353602874714"
    ));
    assert!(close(
        exp(dec("-10")).unwrap(),
        "0.0000453999297624848515355915"
    ));
    assert_eq!(ln(Decimal::ZERO), None);
    assert_eq!(ln(dec("-1")), None);
    assert_eq!(exp(dec("-100")), Some(Decimal::ZERO));
    assert_eq!(exp(dec("100")), None);
}

#[test]
fn ten_percent_over_a_365_day_year() {
    let v = [("2021-01-01", "-1000000"), ("2022-01-01", "1100000")];
    assert_eq!(irr_text(&v), "0.100000");
}

#[test]
fn a_leap_year_counts_366_days_over_365() {
    // 1.1^(365/366) − 1 = 0.0997135859…
    let v = [("2020-01-01", "-1000000"), ("2021-01-01", "1100000")];
    assert_eq!(irr_text(&v), "0.099714");
}

#[test]
fn the_excel_documentation_example() {
    assert_eq!(xirr(&excel_example()).unwrap(), Some(dec("0.373363")));
}

#[test]
fn the_order_of_the_flows_does_not_matter() {
    let mut v = excel_example();
    v.reverse();
    assert_eq!(xirr(&v).unwrap(), Some(dec("0.373363")));
}

#[test]
fn a_loss_gives_a_negative_rate() {
    let v = [
        ("2019-06-30", "-5000000"),
        ("2020-12-31", "1000000"),
        ("2023-06-30", "2500000"),
    ];
    assert_eq!(irr_text(&v), "-0.100868");
}

#[test]
fn no_rate_without_a_sign_change() {
    assert_eq!(xirr(&[]).unwrap(), None);
    let only_out = flows(&[("2020-01-01", "-100"), ("2021-01-01", "-50")]);
    assert_eq!(xirr(&only_out).unwrap(), None);
    let only_in = flows(&[("2020-01-01", "100"), ("2021-01-01", "0")]);
    assert_eq!(xirr(&only_in).unwrap(), None);
    let same_day = flows(&[("2020-01-01", "-100"), ("2020-01-01", "100")]);
    assert_eq!(xirr(&same_day).unwrap(), None);
}

#[test]
fn a_rate_outside_the_bracket_is_an_error() {
    let wiped_out = flows(&[("2020-01-01", "-1000000"), ("2020-02-01", "0.01")]);
    assert_eq!(xirr(&wiped_out), Err(PerformanceError::RateOutOfRange));
    let windfall = flows(&[("2020-01-01", "-1"), ("2020-02-01", "1000")]);
    assert_eq!(xirr(&windfall), Err(PerformanceError::RateOutOfRange));
}

#[test]
fn the_same_flows_give_the_same_digits() {
    let v = excel_example();
    let first = xirr(&v).unwrap().unwrap();
    let second = xirr(&v.clone()).unwrap().unwrap();
    assert_eq!(first.to_string(), second.to_string());
    assert_eq!(first.serialize(), second.serialize());
}

#[test]
fn net_irr_of_the_lps() {
    let paid_in = flows(&[("2018-03-01", "30000000"), ("2019-03-01", "20000000")]);
    let distributions = flows(&[("2020-07-15", "8000000"), ("2022-12-31", "5000000")]);
    let nav = Money::parse("61234567.89").unwrap();
    let irr = net_irr(&paid_in, &distributions, nav, day("2024-06-30")).unwrap();
    assert_eq!(irr, Some(dec("0.076575")));
}

#[test]
fn gross_irr_of_the_investments() {
    let injections = flows(&[("2008-01-01", "10000")]);
    let proceeds = flows(&[
        ("2008-03-01", "2750"),
        ("2008-10-30", "4250"),
        ("2009-02-15", "3250"),
    ]);
    let nav = Money::from_yuan(2750);
    let irr = gross_irr(&injections, &proceeds, nav, day("2009-04-01")).unwrap();
    assert_eq!(irr, Some(dec("0.373363")));
}

#[test]
fn signed_flows_refuses_negative_and_late_flows() {
    let as_of = day("2024-06-30");
    let negative = flows(&[("2020-01-01", "-5")]);
    assert_eq!(
        signed_flows(&negative, &[], Money::ZERO, as_of),
        Err(PerformanceError::NegativeAmount(Money::from_yuan(-5)))
    );
    let late = flows(&[("2024-07-01", "5")]);
    assert_eq!(
        signed_flows(&[], &late, Money::ZERO, as_of),
        Err(PerformanceError::AfterAsOf(day("2024-07-01")))
    );
    let built = signed_flows(&flows(&[("2020-01-01", "5")]), &[], Money::ZERO, as_of).unwrap();
    assert_eq!(built, flows(&[("2020-01-01", "-5")]));
}

#[test]
fn multiples_of_a_fund() {
    let m = multiples(
        Money::from_yuan(50_000_000),
        Money::from_yuan(13_000_000),
        Money::parse("61234567.89").unwrap(),
    );
    assert_eq!(m.tvpi.unwrap().to_string(), "1.4847");
    assert_eq!(m.dpi.unwrap().to_string(), "0.2600");
    assert_eq!(m.rvpi.unwrap().to_string(), "1.2247");
}

#[test]
fn multiples_round_half_away_from_zero() {
    // 1 / 20,000 = 0.00005 exactly: half up gives 0.0001 (banker's rounding would give 0).
    let m = multiples(Money::from_yuan(20_000), Money::from_yuan(1), Money::ZERO);
    assert_eq!(m.dpi, Some(dec("0.0001")));
    assert_eq!(m.rvpi.unwrap().to_string(), "0.0000");
}

#[test]
fn multiples_without_paid_in_are_none() {
    let m = multiples(Money::ZERO, Money::from_yuan(5), Money::from_yuan(7));
    assert_eq!(
        m,
        Multiples {
            tvpi: None,
            dpi: None,
            rvpi: None
        }
    );
}

#[test]
fn moic_of_an_investment() {
    let moic_of = |i, r, v| {
        moic(
            Money::from_yuan(i),
            Money::from_yuan(r),
            Money::from_yuan(v),
        )
    };
    assert_eq!(
        moic_of(10_000_000, 4_000_000, 11_000_000).map(|d| d.to_string()),
        Some("1.5000".to_owned())
    );
    assert_eq!(moic_of(3_000_000, 1_000_000, 0), Some(dec("0.3333")));
    assert_eq!(moic_of(0, 1, 1), None);
}

#[test]
fn nav_takes_valuations_over_cost() {
    let holdings = [
        Holding {
            cost_not_exited: Money::from_yuan(10_000_000),
            valuation: None,
        },
        Holding {
            cost_not_exited: Money::from_yuan(5_000_000),
            valuation: Some(Money::from_yuan(8_000_000)),
        },
        Holding {
            cost_not_exited: Money::from_yuan(2_000_000),
            valuation: Some(Money::ZERO),
        },
    ];
    let cash = Money::parse("1500000.50").unwrap();
    assert_eq!(nav(&holdings, cash), Money::parse("19500000.50").unwrap());
    assert_eq!(nav(&[], cash), cash);
}

/// `(v / c)^(365 / days) − 1`, the closed form of a single investment's IRR.
fn closed_form(cost: i64, value: i64, days: i64) -> Decimal {
    let growth = ln(Decimal::from(value) / Decimal::from(cost)).unwrap();
    exp(growth * Decimal::from(365) / Decimal::from(days)).unwrap() - Decimal::ONE
}

fn single_investment(cost: i64, value: i64, days: i64) -> Vec<CashFlow> {
    let start = day("2015-03-31");
    vec![
        CashFlow {
            on: start,
            amount: Money::from_fen(-cost),
        },
        CashFlow {
            on: start + chrono::Days::new(days.unsigned_abs()),
            amount: Money::from_fen(value),
        },
    ]
}

/// Flows of an investment-like history: an outflow first, then `n` flows of either sign.
fn mixed_flows() -> impl Strategy<Value = Vec<CashFlow>> {
    let flow = (0i64..11_000, -5_000_000_000i64..5_000_000_000);
    (1i64..10_000_000_000, proptest::collection::vec(flow, 1..40)).prop_map(|(first, rest)| {
        let start = day("2016-01-04");
        std::iter::once((0, -first))
            .chain(rest)
            .map(|(days, fen)| CashFlow {
                on: start + chrono::Days::new(days.unsigned_abs()),
                amount: Money::from_fen(fen),
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn the_f64_filter_never_changes_a_rate_or_an_error(flows in mixed_flows()) {
        // Unrounded: the same bracket to the last digit, or the same error.
        prop_assert_eq!(solve(&flows, true), solve(&flows, false));
    }
}

proptest! {
    #[test]
    fn a_single_investment_matches_the_closed_form(
        cost in 1_000i64..100_000_000_000,
        permille in 200i64..5_000,
        days in 365i64..7_300,
    ) {
        let value = cost * permille / 1_000;
        prop_assume!(value > 0);
        let irr = xirr(&single_investment(cost, value, days)).unwrap().unwrap();
        let expected = closed_form(cost, value, days);
        prop_assert!((irr - expected).abs() <= dec("0.000001"), "{irr} vs {expected}");
    }

    #[test]
    fn a_short_single_investment_matches_the_closed_form(
        cost in 1_000i64..100_000_000_000,
        permille in 800i64..1_200,
        days in 30i64..365,
    ) {
        let value = cost * permille / 1_000;
        prop_assume!(value > 0);
        let irr = xirr(&single_investment(cost, value, days)).unwrap().unwrap();
        let expected = closed_form(cost, value, days);
        prop_assert!((irr - expected).abs() <= dec("0.000001"), "{irr} vs {expected}");
    }
}

#[test]
fn the_largest_amounts_over_a_century_stay_in_range() {
    let cost = 100_000_000_000_000; // 10^12 yuan, in fen
    let days = (day("2070-01-01") - day("2015-03-31")).num_days();
    let v = single_investment(cost, 2 * cost, days);
    let irr = xirr(&v).unwrap().unwrap();
    assert!((irr - closed_form(cost, 2 * cost, days)).abs() <= dec("0.000001"));
    let v = single_investment(cost, cost / 1_000, days);
    let irr = xirr(&v).unwrap().unwrap();
    assert!((irr - closed_form(cost, cost / 1_000, days)).abs() <= dec("0.000001"));
    assert_eq!(solve(&v, true), solve(&v, false));
}

#[test]
fn the_f64_filter_agrees_at_the_edges_of_the_bracket() {
    // Near −99.99 %, near +1,000 %, a root exactly at zero, and flows with several roots.
    let cases = [
        flows(&[("2000-01-01", "-100000000.00"), ("2030-01-01", "0.01")]),
        flows(&[("2020-01-01", "-1.00"), ("2021-01-01", "10.99")]),
        flows(&[("2020-01-01", "-100.00"), ("2021-06-01", "100.00")]),
        flows(&[
            ("2020-01-01", "-100.00"),
            ("2021-01-01", "230.00"),
            ("2022-01-01", "-132.00"),
        ]),
        excel_example(),
    ];
    for v in cases {
        assert_eq!(solve(&v, true), solve(&v, false), "{v:?}");
    }
}
