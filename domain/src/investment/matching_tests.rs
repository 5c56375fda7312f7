//! Tests of paid-in matching (Art. 11): worked sequences checked by hand with exact fractions,
//! the boundaries of the inputs, and properties of the rounding.

use super::matching::*;
use crate::{Money, Rejection};
use proptest::prelude::*;

fn money(s: &str) -> Money {
    Money::parse(s).unwrap()
}

/// The company reports `paid_in`, one report after another; returns (required, due) at each
/// step, the fund paying exactly what is due each time.
fn sequence(commitment: &str, registered: &str, reports: &[&str]) -> Vec<(String, String)> {
    let mut paid = Money::ZERO;
    reports
        .iter()
        .map(|p| {
            let d = due(money(commitment), money(registered), money(p), paid).unwrap();
            paid = paid + d.due;
            (d.required_cumulative.to_string(), d.due.to_string())
        })
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[test]
fn a_commitment_is_paid_in_step_with_30_60_and_100_percent_paid_in() {
    // Given 3,000,000 committed to a company with a registered capital of 10,000,000,
    // when it reports 30%, then 60%, then 100% paid in:
    let steps = sequence("3000000", "10000000", &["3000000", "6000000", "10000000"]);
    // Then the fund pays 900,000, 900,000 and 1,200,000.
    assert_eq!(
        steps,
        pairs(&[
            ("900000.00", "900000.00"),
            ("1800000.00", "900000.00"),
            ("3000000.00", "1200000.00"),
        ])
    );
}

#[test]
fn a_commitment_that_does_not_divide_evenly_is_rounded_cumulatively() {
    // Given 3,333,333.33 committed on a registered capital of 10,000,000:
    // 30% is exactly 999,999.999, 60% 1,999,999.998, 100% 3,333,333.33.
    let steps = sequence(
        "3333333.33",
        "10000000",
        &["3000000", "6000000", "10000000"],
    );
    assert_eq!(
        steps,
        pairs(&[
            ("1000000.00", "1000000.00"),
            ("2000000.00", "1000000.00"),
            ("3333333.33", "1333333.33"),
        ])
    );
}

#[test]
fn thirds_round_to_the_nearest_fen_and_still_add_up() {
    // 5,000,000 on 3,000,000 registered: 1,666,666.666… → .67, 3,333,333.333… → .33.
    let steps = sequence("5000000", "3000000", &["1000000", "2000000", "3000000"]);
    assert_eq!(
        steps,
        pairs(&[
            ("1666666.67", "1666666.67"),
            ("3333333.33", "1666666.66"),
            ("5000000.00", "1666666.67"),
        ])
    );
}

#[test]
fn half_a_fen_rounds_up() {
    // 1,000,000.01 at 50% is exactly 500,000.005.
    let steps = sequence("1000000.01", "2", &["1", "2"]);
    assert_eq!(
        steps,
        pairs(&[("500000.01", "500000.01"), ("1000000.01", "500000.00")])
    );
    // Just below half a fen rounds down: 0.01 × 0.49 = 0.0049.
    let d = due(money("0.01"), money("1.00"), money("0.49"), Money::ZERO).unwrap();
    assert_eq!(d.required_cumulative, Money::ZERO);
    let d = due(money("0.01"), money("1.00"), money("0.50"), Money::ZERO).unwrap();
    assert_eq!(d.required_cumulative, money("0.01"));
}

#[test]
fn the_due_records_its_figures() {
    let d = due(
        money("3333333.33"),
        money("10000000"),
        money("6000000"),
        money("1000000"),
    )
    .unwrap();
    assert_eq!(
        d,
        Due {
            commitment: money("3333333.33"),
            registered_capital: money("10000000"),
            company_paid_in: money("6000000"),
            required_cumulative: money("2000000"),
            already_paid: money("1000000"),
            due: money("1000000"),
        }
    );
}

#[test]
fn nothing_is_due_before_any_paid_in_or_when_the_fund_is_ahead() {
    let d = due(
        money("3000000"),
        money("10000000"),
        Money::ZERO,
        Money::ZERO,
    )
    .unwrap();
    assert_eq!((d.required_cumulative, d.due), (Money::ZERO, Money::ZERO));
    // The company's paid-in fell after a capital reduction: nothing due, nothing refunded.
    let d = due(
        money("3000000"),
        money("10000000"),
        money("3000000"),
        money("1800000"),
    )
    .unwrap();
    assert_eq!(d.due, Money::ZERO);
}

#[test]
fn an_injection_up_to_what_is_due_is_accepted_and_a_fen_more_refused() {
    // Given 1,000,000.00 due.
    let d = due(
        money("3333333.33"),
        money("10000000"),
        money("3000000"),
        Money::ZERO,
    )
    .unwrap();
    // Then exactly the amount due, or less, is accepted.
    assert_eq!(check_injection(&d, money("1000000.00")), Ok(()));
    assert_eq!(check_injection(&d, money("0.01")), Ok(()));
    // And a fen more is refused, naming the room.
    let e = check_injection(&d, money("1000000.01")).unwrap_err();
    assert_eq!(
        e,
        MatchingError::Overpayment {
            room: money("1000000.00")
        }
    );
    assert_eq!((e.code(), e.rule()), ("overpayment", Some("Art. 11")));
    assert_eq!(
        check_injection(&d, Money::ZERO).unwrap_err().code(),
        "non_positive_amount"
    );
}

#[test]
fn nothing_may_be_injected_when_nothing_is_due() {
    let d = due(money("100"), money("100"), money("50"), money("50")).unwrap();
    assert_eq!(
        check_injection(&d, money("0.01")),
        Err(MatchingError::Overpayment { room: Money::ZERO })
    );
}

#[test]
fn inputs_out_of_range_are_refused() {
    let c = money("3000000");
    let r = money("10000000");
    let codes = [
        due(Money::ZERO, r, r, Money::ZERO),
        due(money("-1"), r, r, Money::ZERO),
        due(c, Money::ZERO, Money::ZERO, Money::ZERO),
        due(c, r, money("-0.01"), Money::ZERO),
        due(c, r, money("10000000.01"), Money::ZERO),
        due(c, r, r, money("3000000.01")),
        due(c, r, r, money("-0.01")),
    ]
    .map(|res| res.unwrap_err().code());
    assert_eq!(
        codes,
        [
            "non_positive_commitment",
            "non_positive_commitment",
            "non_positive_registered_capital",
            "paid_in_out_of_range",
            "paid_in_out_of_range",
            "already_paid_out_of_range",
            "already_paid_out_of_range",
        ]
    );
    // The boundaries themselves are accepted: paid-in = registered, already paid = commitment.
    let d = due(c, r, r, c).unwrap();
    assert_eq!((d.required_cumulative, d.due), (c, Money::ZERO));
}

#[test]
fn the_largest_amounts_the_system_accepts_do_not_overflow() {
    let max = money("1000000000000");
    let d = due(max, max, money("999999999999.99"), Money::ZERO).unwrap();
    assert_eq!(d.due, money("999999999999.99"));
    let d = due(max, money("0.03"), money("0.01"), Money::ZERO).unwrap();
    assert_eq!(d.due, money("333333333333.33"));
    // Beyond them (only reachable through the unchecked constructors) is refused, not a panic.
    let huge = Money::from_yuan(i64::MAX);
    assert_eq!(
        due(huge, huge, huge, Money::ZERO),
        Err(MatchingError::AmountOutOfRange)
    );
}

fn fen_amount(max: i64) -> impl Strategy<Value = Money> {
    (1..=max).prop_map(Money::from_fen)
}

/// A commitment, a registered capital, and a non-decreasing sequence of paid-in reports.
fn scenario() -> impl Strategy<Value = (Money, Money, Vec<Money>)> {
    (
        fen_amount(100_000_000_000_000),
        fen_amount(100_000_000_000_000),
    )
        .prop_flat_map(|(c, r)| {
            let reports = prop::collection::vec(0..=r.fen() as i64, 1..8).prop_map(|mut v| {
                v.sort_unstable();
                v.into_iter().map(Money::from_fen).collect::<Vec<_>>()
            });
            (Just(c), Just(r), reports)
        })
}

proptest! {
    #[test]
    fn the_required_amount_is_never_above_the_commitment_nor_a_fen_off_exact(
        c in fen_amount(100_000_000_000_000),
        r in fen_amount(100_000_000_000_000),
        permille in 0i64..=1000,
    ) {
        let p = Money::from_fen((r.fen() * i128::from(permille) / 1000) as i64);
        let d = due(c, r, p, Money::ZERO).unwrap();
        prop_assert!(d.required_cumulative <= c);
        prop_assert!(d.due <= c);
        // |required − c·p/r| ≤ ½ fen, exactly: |2·required·r − 2·c·p| ≤ r.
        let gap = 2 * d.required_cumulative.fen() * r.fen() - 2 * c.fen() * p.fen();
        prop_assert!(gap.abs() <= r.fen());
    }

    #[test]
    fn dues_over_a_non_decreasing_sequence_add_up_to_the_last_required_amount(
        (c, r, reports) in scenario()
    ) {
        let mut paid = Money::ZERO;
        let mut last = Money::ZERO;
        for p in &reports {
            let d = due(c, r, *p, paid).unwrap();
            prop_assert!(d.required_cumulative >= last);
            prop_assert_eq!(check_injection(&d, d.due + Money::from_fen(1)),
                Err(MatchingError::Overpayment { room: d.due }));
            paid = paid + d.due;
            prop_assert!(paid <= c);
            last = d.required_cumulative;
        }
        prop_assert_eq!(paid, last);
        // At 100% paid-in the total is the commitment exactly.
        let d = due(c, r, r, paid).unwrap();
        prop_assert_eq!(paid + d.due, c);
        prop_assert_eq!(d.required_cumulative, c);
    }
}
