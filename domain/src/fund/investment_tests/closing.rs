//! Given/when/then tests of the fees at the closing (Art. 5, Art. 7): a closed fund pays
//! nothing more, so every year up to the closing that charges a fee is assessed and paid
//! before it; the year in which the exit period ends bears no fee after that day, so it can be
//! assessed from the next day rather than only after 31 December.

use super::super::test_support::wound_up_by;
use super::*;

/// [`exited`] under terms whose exit period runs 66 months, to 2027-06-30 (liquidation from
/// 2027-07-01), with project 2's 500,000 still held.
fn exiting_mid_2027() -> Vec<FundEvent> {
    let mut history = exited();
    let FundEvent::FundEstablished { terms, .. } = &mut history[0] else {
        panic!("the first event establishes the fund")
    };
    terms.policy.exit_months = 66;
    history
}

/// Project 2's 500,000 written off on 2027-08-01, in liquidation: nothing is held.
fn written_off() -> Vec<FundEvent> {
    after(
        &exiting_mid_2027(),
        &[exit(3, 2, "0", "500000", "2027-08-01")],
    )
}

/// The charge of an assessment event.
fn charge(events: &[FundEvent]) -> Money {
    let [FundEvent::FeeAssessed { assessment, .. }] = events else {
        panic!("{events:?}")
    };
    assessment.total
}

#[test]
fn the_year_the_exit_period_ends_is_assessed_from_the_day_after_it() {
    let g = given::<Fund>(&exiting_mid_2027());
    let not_ended = FundError::FeePeriodNotEnded {
        ends_on: d("2027-06-30"),
    };
    assert_eq!(
        refusal(g.when(&assess(2027, "2027-06-30"))),
        (not_ended, "fee_period_not_ended", Some("Art. 7"))
    );
    let early = g.when(&assess(2027, "2027-07-01")).unwrap();
    // The same charge as once the year has ended: 1% of the 500,000 not exited over the 181
    // days to 2027-06-30, nothing in liquidation.
    assert_eq!(early, g.when(&assess(2027, "2028-01-01")).unwrap());
    assert_eq!(charge(&early), money("2479.45"));
    // A year that bears no fee (all of it in liquidation) is assessed from its first day,
    // not before.
    let before = FundError::FeePeriodNotEnded {
        ends_on: d("2027-12-31"),
    };
    assert_eq!(refusal(g.when(&assess(2028, "2027-12-31"))).0, before);
    assert_eq!(
        charge(&g.when(&assess(2028, "2028-01-01")).unwrap()),
        Money::ZERO
    );
    // A year wholly in the exit period is still assessed only after its 31 December.
    let refused = refusal(g.when(&assess(2026, "2026-12-31")));
    assert_eq!(
        refused.0,
        FundError::FeePeriodNotEnded {
            ends_on: d("2026-12-31")
        }
    );
}

#[test]
fn a_fund_cannot_close_with_fee_years_unassessed() {
    let closing = close("2027-09-01", "2027-09-01");
    let (err, code, rule) = refusal(given::<Fund>(&written_off()).when(&closing));
    let FundError::LiquidationIncomplete {
        unassessed_fee_years,
        fees_unpaid,
        holdings,
        ..
    } = err
    else {
        panic!("{err:?}")
    };
    // 2021 in the investment period, 2022–2026 on the cost not exited, and 2027 up to the
    // end of the exit period.
    let years: Vec<i32> = (2021..=2027).collect();
    assert_eq!(
        (unassessed_fee_years, fees_unpaid, holdings, code, rule),
        (
            years,
            Money::ZERO,
            Money::ZERO,
            "liquidation_incomplete",
            Some("Art. 5")
        )
    );
}

#[test]
fn a_fund_cannot_close_with_a_fee_unpaid_by_one_fen() {
    let on = "2027-09-01";
    let mut history = written_off();
    for year in 2021..=2027 {
        let events = given::<Fund>(&history).when(&assess(year, on)).unwrap();
        let mut due = charge(&events);
        history.extend(events);
        if year == 2027 {
            due = due - money("0.01");
        }
        let id = 7000 + u128::try_from(year).unwrap();
        let fee = MovementKind::FeePayment { year };
        history = after(&history, &[instruct(id, fee, due, on), confirm(id, on)]);
    }
    // No fee year left to assess: only the distribution of the rest.
    let emptied = wound_up_by(&history, 2020, on);
    let (err, _, _) = refusal(given::<Fund>(&emptied).when(&close(on, on)));
    let incomplete = FundError::LiquidationIncomplete {
        cash: Money::ZERO,
        pending: 0,
        holdings: Money::ZERO,
        unassessed_fee_years: Vec::new(),
        fees_unpaid: money("0.01"),
    };
    assert_eq!(err, incomplete);
}

#[test]
fn a_fund_closes_in_the_year_its_exit_period_ends_once_that_years_fee_is_paid() {
    let settled = wound_up_by(&written_off(), 2027, "2027-09-01");
    let g = given::<Fund>(&settled);
    assert_eq!(g.state.custody.fee_payments[&2027].paid, money("2479.45"));
    assert_eq!(
        g.when(&close("2027-09-01", "2027-09-01")).unwrap(),
        vec![FundEvent::FundClosed {
            closed_on: d("2027-09-01")
        }]
    );
}

#[test]
fn years_that_charge_nothing_need_no_assessment() {
    // 50M subscribed on 2021-09-01 and nothing invested: the investment period's years
    // (2021–2024) charge a fee, the exit period's (2024-09-01 on) charge nothing.
    let paid = paid_in_fund("2021-09-01", &[(1, 50_000_000)], &[(1, 50_000_000)]);
    let settled = wound_up_by(&paid, 2024, "2030-01-01");
    let g = given::<Fund>(&settled);
    assert!((2025..=2029).all(|year| !g.state.fees.contains_key(&year)));
    assert!(g.when(&close("2030-01-01", "2030-01-01")).is_ok());
    // One year of fee left unassessed is enough to refuse.
    let short = wound_up_by(&paid, 2023, "2030-01-01");
    let (err, _, _) = refusal(given::<Fund>(&short).when(&close("2030-01-01", "2030-01-01")));
    assert!(
        matches!(&err, FundError::LiquidationIncomplete { unassessed_fee_years, .. } if unassessed_fee_years == &[2024]),
        "{err:?}"
    );
}
