//! Given/when/then tests of a closed fund (SPEC §1, Art. 5): once `FundClosed` is recorded it
//! refuses every command with `fund_closed`, except the scheduler's phase changes and fee
//! assessments.

use super::capital::{Lp, LpKind};
use super::custody::MovementKind;
use super::phases::Phase;
use super::test_support::{
    after, assess, call_id, close, d, declare, extend, instruct, lp, lp_pays, mv, paid_in_fund,
    record, refusal, wound_up, yuan, RESOLUTION,
};
use super::*;
use crate::aggregate::given;

/// An angel fund established on 2021-09-01 whose 50M tranche 1 was called and paid by LP 1
/// only (LP 2 still owes its 20M), wound up (fees paid, the rest distributed) and closed on
/// 2030-01-01 with no cash at the custodian.
fn closed() -> Vec<FundEvent> {
    let half_paid = paid_in_fund(
        "2021-09-01",
        &[(1, 30_000_000), (2, 20_000_000)],
        &[(1, 30_000_000)],
    );
    after(&wound_up(&half_paid), &[close("2030-01-01", "2030-01-01")])
}

/// The refusal of a closed fund: `fund_closed`, under the term's rule.
fn refused_as_closed(command: &FundCommand) {
    let refused = refusal(given::<Fund>(&closed()).when(command));
    assert_eq!(
        refused,
        (FundError::FundClosed, "fund_closed", Some("Art. 5")),
        "{command:?}"
    );
}

#[test]
fn a_closed_fund_accepts_no_more_movements() {
    // LP 2 never paid its 20M: still owed when the fund closes with no cash.
    let [pay, _] = lp_pays(7, 1, 2, yuan(1), "2030-02-01");
    assert_eq!(
        given::<Fund>(&closed()).when(&pay),
        Err(FundError::FundClosed)
    );
    let fee = instruct(
        8,
        MovementKind::FeePayment { year: 2029 },
        yuan(1),
        "2030-02-01",
    );
    refused_as_closed(&fee);
}

#[test]
fn a_closed_fund_confirms_no_movement() {
    // Every movement was confirmed before the closing (it requires it): confirming one again,
    // or one never instructed, is refused because the fund is closed.
    let paid = paid_in_fund("2021-09-01", &[(1, 50_000_000)], &[(1, 50_000_000)]);
    let emptied = after(&wound_up(&paid), &[close("2030-01-01", "2030-01-01")]);
    let g = given::<Fund>(&emptied);
    // LP 1's payment, the 2022 fee's payment, the final distribution's, and one never made.
    for movement in [1001, 7022, 9000, 99] {
        let again = FundCommand::ConfirmMovement {
            movement_id: mv(movement),
            executed_on: d("2030-01-02"),
        };
        assert_eq!(refusal(g.when(&again)).1, "fund_closed");
    }
}

#[test]
fn a_closed_fund_opens_no_tranche_takes_no_subscription_and_calls_no_capital() {
    refused_as_closed(&FundCommand::OpenTranche {
        number: 2,
        size: yuan(50_000_000),
        subscription_date: d("2030-02-01"),
    });
    refused_as_closed(&FundCommand::Subscribe {
        tranche: 1,
        lp: lp(3),
        identity: Lp {
            name: "LP 3".to_owned(),
            kind: LpKind::Other,
        },
        amount: yuan(1),
    });
    refused_as_closed(&FundCommand::CallCapital {
        call_id: call_id(2),
        tranches: vec![1],
        amount: yuan(50_000_000),
        called_on: d("2030-02-01"),
        due_on: d("2030-03-01"),
    });
}

#[test]
fn a_closed_fund_declares_no_distribution_is_not_extended_and_closes_once() {
    refused_as_closed(&declare(1, yuan(1)));
    refused_as_closed(&extend(12, RESOLUTION, "2029-06-30", None));
    refused_as_closed(&close("2030-01-02", "2030-01-02"));
}

#[test]
fn the_scheduler_still_records_phase_changes_and_assesses_the_last_fee_year() {
    let g = given::<Fund>(&closed());
    let changes = g.when(&record("2030-01-01")).unwrap();
    let closed_change = FundEvent::PhaseChanged {
        phase: Phase::Closed,
        on: d("2030-01-01"),
    };
    assert_eq!(changes.last(), Some(&closed_change));
    // 2029 was assessed and paid before the closing; 2030, the year of the closing, bears no
    // fee (liquidation, then closed) and is assessed at nothing once it has ended.
    assert_eq!(g.when(&assess(2029, "2030-01-02")).unwrap(), []);
    let [FundEvent::FeeAssessed { year, assessment }] =
        &g.when(&assess(2030, "2031-01-01")).unwrap()[..]
    else {
        panic!("the 2030 fee is assessed")
    };
    assert_eq!((*year, assessment.total), (2030, Money::ZERO));
}
