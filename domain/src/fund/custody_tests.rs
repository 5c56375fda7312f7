//! Given/when/then tests of the custodian's maker–checker (Art. 18) and LP payments.

use super::capital::LpKind;
use super::custody::MovementKind;
use super::test_support::{d, lp, yuan};
use super::*;
use crate::aggregate::given;
use crate::MovementId;
use crate::Rejection;
use uuid::Uuid;

fn mv(n: u128) -> MovementId {
    MovementId(Uuid::from_u128(n))
}

const CALL: CallId = CallId(Uuid::from_u128(1));

/// Tranche 1 of 50M, subscribed 30M + 20M and called in full, due 2021-09-30.
fn called() -> Vec<FundEvent> {
    let mut history = vec![
        FundEvent::FundEstablished {
            fund_id: FundId(Uuid::nil()),
            terms: FundTerms {
                name: "昆山市天使投资基金".into(),
                kind: FundKind::Angel,
                total_size: yuan(300_000_000),
                establishment_date: d("2021-09-01"),
                manager: "昆山创业投资管理有限公司".to_owned(),
                custodian: "中国工商银行昆山分行".to_owned(),
                city: "昆山".to_owned(),
                policy: Box::default(),
            },
        },
        FundEvent::TrancheOpened {
            number: 1,
            size: yuan(50_000_000),
            subscription_date: d("2021-09-01"),
        },
    ];
    for (who, amount) in [(1, 30_000_000), (2, 20_000_000)] {
        history.push(FundEvent::LpSubscribed {
            tranche: 1,
            lp: lp(who),
            lp_name: format!("LP {who}"),
            lp_kind: LpKind::StateOwned,
            amount: yuan(amount),
        });
    }
    history.extend(
        given::<Fund>(&history)
            .when(&FundCommand::CallCapital {
                call_id: CALL,
                tranches: vec![1],
                amount: yuan(50_000_000),
                called_on: d("2021-09-15"),
                due_on: d("2021-09-30"),
            })
            .unwrap(),
    );
    history
}

fn pay(id: u128, who: u128, amount: Money) -> FundCommand {
    FundCommand::InstructMovement {
        movement_id: mv(id),
        kind: MovementKind::LpPayment {
            call_id: CALL,
            lp: lp(who),
        },
        amount,
        value_date: d("2021-09-20"),
    }
}

fn confirm(id: u128, on: &str) -> FundCommand {
    FundCommand::ConfirmMovement {
        movement_id: mv(id),
        executed_on: d(on),
    }
}

fn after(history: &[FundEvent], commands: &[FundCommand]) -> Vec<FundEvent> {
    let mut all = history.to_vec();
    for c in commands {
        let events = given::<Fund>(&all).when(c).unwrap();
        all.extend(events);
    }
    all
}

#[test]
fn only_a_confirmed_payment_moves_cash_and_pays_the_call() {
    let instructed = after(&called(), &[pay(1, 1, yuan(10_000_000))]);
    let state = given::<Fund>(&instructed).state;
    assert_eq!(state.custody.cash, Money::ZERO);
    let p = state.custody.call_payments[&(CALL, lp(1))];
    assert_eq!(
        (p.allocated, p.instructed, p.paid),
        (yuan(30_000_000), yuan(10_000_000), Money::ZERO)
    );

    let confirmed = after(&instructed, &[confirm(1, "2021-09-21")]);
    let state = given::<Fund>(&confirmed).state;
    assert_eq!(state.custody.cash, yuan(10_000_000));
    let p = state.custody.call_payments[&(CALL, lp(1))];
    assert_eq!(p.paid, yuan(10_000_000));
    assert_eq!(p.outstanding(), yuan(20_000_000));
}

#[test]
fn partial_payments_up_to_the_allocation_and_arrears_after_the_due_date() {
    // Two parts, the second exactly the rest: allowed; a fen more: refused, even while the
    // first is not confirmed yet.
    let history = after(&called(), &[pay(1, 2, yuan(15_000_000))]);
    let g = given::<Fund>(&history);
    let err = g
        .when(&pay(2, 2, yuan(5_000_000) + Money::from_fen(1)))
        .unwrap_err();
    assert_eq!(
        err,
        FundError::Overpayment {
            room: yuan(5_000_000)
        }
    );
    assert_eq!((err.code(), err.rule()), ("overpayment", Some("SPEC §2")));
    let all = after(
        &history,
        &[pay(2, 2, yuan(5_000_000)), confirm(1, "2021-09-20")],
    );
    let p = given::<Fund>(&all).state.custody.call_payments[&(CALL, lp(2))];
    // 5M instructed but not confirmed: still owed, and in arrears the day after the due date.
    assert_eq!(p.arrears_on(d("2021-09-30")), Money::ZERO);
    assert_eq!(p.arrears_on(d("2021-10-01")), yuan(5_000_000));
    let all = after(&all, &[confirm(2, "2021-10-02")]);
    let state = given::<Fund>(&all).state;
    assert_eq!(
        state.custody.call_payments[&(CALL, lp(2))].arrears_on(d("2021-10-03")),
        Money::ZERO
    );
    assert_eq!(state.custody.cash, yuan(20_000_000));
}

#[test]
fn payments_need_a_call_and_movements_are_confirmed_once() {
    let g = given::<Fund>(&called());
    let stranger = FundCommand::InstructMovement {
        movement_id: mv(9),
        kind: MovementKind::LpPayment {
            call_id: CALL,
            lp: lp(7),
        },
        amount: yuan(1),
        value_date: d("2021-09-20"),
    };
    let err = g.when(&stranger).unwrap_err();
    assert_eq!(
        (err.code(), err.rule()),
        ("payment_without_call", Some("Art. 18"))
    );
    assert_eq!(
        g.when(&pay(1, 1, Money::ZERO)),
        Err(FundError::NonPositiveAmount)
    );
    assert_eq!(
        g.when(&confirm(1, "2021-09-21")),
        Err(FundError::UnknownMovement)
    );
    assert!(FundError::UnknownMovement.is_not_found());

    let history = after(&called(), &[pay(1, 1, yuan(1)), confirm(1, "2021-09-21")]);
    let g = given::<Fund>(&history);
    assert_eq!(
        g.when(&confirm(1, "2021-09-22")),
        Err(FundError::MovementAlreadyConfirmed)
    );
    assert_eq!(
        g.when(&pay(1, 1, yuan(1))),
        Err(FundError::MovementAlreadyInstructed)
    );
}
