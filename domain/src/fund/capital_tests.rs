//! Given/when/then tests of tranches, subscriptions and capital calls (Art. 3, SPEC §2).

use super::capital::{CallAllocation, Lp, LpKind};
use super::test_support::{d, lp, yuan};
use super::*;
use crate::aggregate::given;
use crate::Rejection;
use proptest::prelude::*;
use uuid::Uuid;

fn established(size: i64) -> FundEvent {
    FundEvent::FundEstablished {
        fund_id: FundId(Uuid::nil()),
        terms: FundTerms {
            name: "昆山市天使投资基金".into(),
            kind: FundKind::Angel,
            total_size: yuan(size),
            establishment_date: d("2021-09-01"),
            manager: "昆山创业投资管理有限公司".to_owned(),
            custodian: "中国工商银行昆山分行".to_owned(),
            city: "昆山".to_owned(),
            policy: Box::default(),
        },
    }
}

fn opened(number: u32, size: i64, date: &str) -> FundEvent {
    FundEvent::TrancheOpened {
        number,
        size: yuan(size),
        subscription_date: d(date),
    }
}

fn subscribed(tranche: u32, who: u128, amount: i64) -> FundEvent {
    FundEvent::LpSubscribed {
        tranche,
        lp: lp(who),
        lp_name: format!("LP {who}"),
        lp_kind: LpKind::StateOwned,
        amount: yuan(amount),
    }
}

fn open(number: u32, size: i64, date: &str) -> FundCommand {
    FundCommand::OpenTranche {
        number,
        size: yuan(size),
        subscription_date: d(date),
    }
}

fn subscribe(tranche: u32, who: u128, amount: i64) -> FundCommand {
    FundCommand::Subscribe {
        tranche,
        lp: lp(who),
        identity: Lp {
            name: format!("LP {who}"),
            kind: LpKind::StateOwned,
        },
        amount: yuan(amount),
    }
}

fn call(id: u128, tranches: &[u32], amount: Money, on: &str) -> FundCommand {
    FundCommand::CallCapital {
        call_id: CallId(Uuid::from_u128(id)),
        tranches: tranches.to_vec(),
        amount,
        called_on: d(on),
        due_on: d(on),
    }
}

/// The Kunshan shape: 300M fund, tranche 1 of 50M subscribed 30M + 20M and paid at once,
/// tranche 2 of 30M subscribed 20M + 10M.
fn kunshan() -> Vec<FundEvent> {
    let mut history = vec![
        established(300_000_000),
        opened(1, 50_000_000, "2021-09-01"),
        subscribed(1, 1, 30_000_000),
        subscribed(1, 2, 20_000_000),
    ];
    history.extend(
        given::<Fund>(&history)
            .when(&call(1, &[1], yuan(50_000_000), "2021-09-15"))
            .unwrap(),
    );
    history.extend([
        opened(2, 30_000_000, "2023-07-01"),
        subscribed(2, 1, 20_000_000),
        subscribed(2, 3, 10_000_000),
    ]);
    history
}

#[test]
fn tranches_open_in_sequence_within_the_fund_size() {
    let g = given::<Fund>(&[
        established(300_000_000),
        opened(1, 50_000_000, "2021-09-01"),
    ]);
    assert_eq!(
        g.when(&open(3, 1, "2022-01-01")),
        Err(FundError::TrancheOutOfSequence { expected: 2 })
    );
    // Exactly the rest of the fund fits; one fen more does not.
    assert!(g.when(&open(2, 250_000_000, "2022-01-01")).is_ok());
    let over = FundCommand::OpenTranche {
        number: 2,
        size: yuan(250_000_000) + Money::from_fen(1),
        subscription_date: d("2022-01-01"),
    };
    let err = g.when(&over).unwrap_err();
    assert_eq!(
        err,
        FundError::TranchesExceedFundSize {
            room: yuan(250_000_000)
        }
    );
    assert_eq!(
        (err.code(), err.rule()),
        ("tranches_exceed_fund_size", Some("Art. 3"))
    );
    assert_eq!(
        g.when(&open(2, 0, "2022-01-01")),
        Err(FundError::NonPositiveAmount)
    );
    assert_eq!(
        g.when(&open(2, 1, "2021-08-31")),
        Err(FundError::TrancheDateTooEarly {
            earliest: d("2021-09-01")
        })
    );
    assert_eq!(
        given::<Fund>(&[]).when(&open(1, 1, "2022-01-01")),
        Err(FundError::NotEstablished)
    );
}

#[test]
fn subscriptions_never_exceed_their_tranche() {
    let g = given::<Fund>(&[
        established(300_000_000),
        opened(1, 50_000_000, "2021-09-01"),
        subscribed(1, 1, 30_000_000),
    ]);
    // A tranche exactly filled.
    assert_eq!(
        g.when(&subscribe(1, 2, 20_000_000)).unwrap(),
        vec![subscribed(1, 2, 20_000_000)]
    );
    let err = g.when(&subscribe(1, 2, 20_000_001)).unwrap_err();
    assert_eq!(
        err,
        FundError::SubscriptionsExceedTranche {
            room: yuan(20_000_000)
        }
    );
    assert_eq!(err.rule(), Some("Art. 3"));
    assert_eq!(
        g.when(&subscribe(2, 2, 1)),
        Err(FundError::UnknownTranche { tranche: 2 })
    );
    let renamed = FundCommand::Subscribe {
        tranche: 1,
        lp: lp(1),
        identity: Lp {
            name: "another name".into(),
            kind: LpKind::StateOwned,
        },
        amount: yuan(1),
    };
    assert_eq!(g.when(&renamed), Err(FundError::LpIdentityMismatch));
}

#[test]
fn the_first_tranche_is_paid_in_at_once() {
    let history = [
        established(300_000_000),
        opened(1, 50_000_000, "2021-09-01"),
        subscribed(1, 1, 30_000_000),
    ];
    let g = given::<Fund>(&history);
    // Not yet fully subscribed.
    let err = g
        .when(&call(1, &[1], yuan(30_000_000), "2021-09-15"))
        .unwrap_err();
    assert_eq!(
        err,
        FundError::FirstTranchePaidAtOnce {
            size: yuan(50_000_000)
        }
    );
    assert_eq!(err.rule(), Some("Art. 3"));
    let mut full = history.to_vec();
    full.push(subscribed(1, 2, 20_000_000));
    let g = given::<Fund>(&full);
    // Partly: refused. In full: each LP is called its whole subscription.
    assert!(matches!(
        g.when(&call(1, &[1], yuan(10_000_000), "2021-09-15")),
        Err(FundError::FirstTranchePaidAtOnce { .. })
    ));
    let events = g
        .when(&call(1, &[1], yuan(50_000_000), "2021-09-15"))
        .unwrap();
    let FundEvent::CapitalCalled { allocations, .. } = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(
        allocations,
        &vec![
            CallAllocation {
                lp: lp(1),
                tranche: 1,
                amount: yuan(30_000_000)
            },
            CallAllocation {
                lp: lp(2),
                tranche: 1,
                amount: yuan(20_000_000)
            },
        ]
    );
}

#[test]
fn a_call_is_allocated_pro_rata_to_the_fen() {
    let g = given::<Fund>(&kunshan());
    // 1,000,000.01 over 20M : 10M → 666,666.67 and 333,333.34 (largest remainder).
    let events = g
        .when(&call(2, &[2], Money::from_fen(100_000_001), "2023-08-01"))
        .unwrap();
    let FundEvent::CapitalCalled {
        allocations,
        amount,
        ..
    } = &events[0]
    else {
        panic!("{events:?}")
    };
    assert_eq!(*amount, Money::from_fen(100_000_001));
    let parts: Vec<String> = allocations.iter().map(|a| a.amount.to_string()).collect();
    assert_eq!(parts, vec!["666666.67", "333333.34"]);
    assert_eq!(allocations[0].lp, lp(1));
    assert_eq!(allocations[1].lp, lp(3));
}

#[test]
fn a_left_over_fen_goes_to_the_subscription_furthest_behind_in_its_tranche() {
    // Tranche 2: LPs 11 and 13 subscribed 2 fen each; tranche 3: LPs 10 and 12, 2 and 3 fen.
    let fen = |tranche, who, f| FundEvent::LpSubscribed {
        tranche,
        lp: lp(who),
        lp_name: format!("LP {who}"),
        lp_kind: LpKind::Other,
        amount: Money::from_fen(f),
    };
    let mut history = vec![established(300_000_000), opened(1, 1, "2021-09-01")];
    history.extend([
        subscribed(1, 1, 1),
        opened(2, 1, "2022-01-01"),
        fen(2, 11, 2),
    ]);
    history.extend([
        fen(2, 13, 2),
        opened(3, 1, "2022-01-01"),
        fen(3, 10, 2),
        fen(3, 12, 3),
    ]);
    // 1 fen on tranche 3 (0.4 : 0.6) goes to LP 12: LP 10 is 0.4 fen behind its share.
    let first = call(1, &[3], Money::from_fen(1), "2022-02-01");
    history.extend(given::<Fund>(&history).when(&first).unwrap());
    // 2 fen on both tranches, ½ fen each: the earlier entries in tranche order would get them;
    // LP 10, behind, gets one (and LP 12, ahead, none).
    let second = call(2, &[2, 3], Money::from_fen(2), "2022-02-01");
    let events = given::<Fund>(&history).when(&second).unwrap();
    let FundEvent::CapitalCalled { allocations, .. } = &events[0] else {
        panic!("{events:?}")
    };
    let to: Vec<(u32, LpId, i128)> = allocations
        .iter()
        .map(|a| (a.tranche, a.lp, a.amount.fen()))
        .collect();
    assert_eq!(to, vec![(2, lp(11), 1), (3, lp(10), 1)]);
}

#[test]
fn a_call_equal_to_what_remains_is_allowed_and_one_fen_more_is_not() {
    let mut history = kunshan();
    history.extend(
        given::<Fund>(&history)
            .when(&call(2, &[2], yuan(12_000_000), "2023-08-01"))
            .unwrap(),
    );
    let g = given::<Fund>(&history);
    let err = g
        .when(&call(
            3,
            &[2],
            yuan(18_000_000) + Money::from_fen(1),
            "2024-01-01",
        ))
        .unwrap_err();
    assert_eq!(
        err,
        FundError::CallExceedsUncalled {
            uncalled: yuan(18_000_000)
        }
    );
    let events = g
        .when(&call(3, &[2], yuan(18_000_000), "2024-01-01"))
        .unwrap();
    let FundEvent::CapitalCalled { allocations, .. } = &events[0] else {
        panic!("{events:?}")
    };
    // Each LP is called exactly its rest: 20M − 8M and 10M − 4M.
    let parts: Vec<Money> = allocations.iter().map(|a| a.amount).collect();
    assert_eq!(parts, vec![yuan(12_000_000), yuan(6_000_000)]);
    let state = given::<Fund>(&[history, events].concat()).state;
    let t2 = &state.tranches[1];
    assert_eq!(
        (t2.subscribed(), t2.called()),
        (yuan(30_000_000), yuan(30_000_000))
    );
}

#[test]
fn calls_are_refused_when_they_make_no_sense() {
    let g = given::<Fund>(&kunshan());
    assert_eq!(
        g.when(&call(1, &[2], yuan(1), "2023-08-01")),
        Err(FundError::CallAlreadyMade)
    );
    assert_eq!(
        g.when(&call(9, &[], yuan(1), "2023-08-01")),
        Err(FundError::NothingToCall)
    );
    assert_eq!(
        g.when(&call(9, &[3], yuan(1), "2023-08-01")),
        Err(FundError::UnknownTranche { tranche: 3 })
    );
    assert_eq!(
        g.when(&call(9, &[2], yuan(1), "2023-06-30")),
        Err(FundError::CallBeforeSubscription {
            tranche: 2,
            subscription_date: d("2023-07-01")
        })
    );
    let mut late = call(9, &[2], yuan(1), "2023-08-01");
    if let FundCommand::CallCapital { due_on, .. } = &mut late {
        *due_on = d("2023-07-31");
    }
    assert_eq!(g.when(&late), Err(FundError::DueBeforeCall));
    // The first tranche, fully paid, has nothing left: calling it again exceeds.
    assert!(matches!(
        g.when(&call(9, &[1], yuan(50_000_000), "2023-08-01")),
        Err(FundError::CallExceedsUncalled { .. })
    ));
}

proptest! {
    /// Random subscriptions of tranche 2 and successive calls: every call's allocations sum
    /// exactly to it and nobody is ever called beyond its subscription.
    #[test]
    fn calls_sum_exactly_and_stay_within_subscriptions(
        subscriptions in proptest::collection::vec(1i64..5_000_000, 1..6),
        calls in proptest::collection::vec(1u32..=1000, 1..6),
    ) {
        let size: i64 = subscriptions.iter().sum();
        let mut history = vec![
            established(300_000_000),
            opened(1, 1, "2021-09-01"),
            subscribed(1, 1, 1),
            opened(2, size, "2022-01-01"),
        ];
        for (i, s) in subscriptions.iter().enumerate() {
            history.push(subscribed(2, i as u128 + 10, *s));
        }
        for (n, per_mille) in calls.iter().enumerate() {
            let state = given::<Fund>(&history).state;
            let uncalled = state.tranches[1].subscribed() - state.tranches[1].called();
            let amount = Money::from_fen(
                i64::try_from(uncalled.fen() * i128::from(*per_mille) / 1000).unwrap(),
            );
            if !amount.is_positive() {
                break;
            }
            let events = given::<Fund>(&history)
                .when(&call(100 + n as u128, &[2], amount, "2022-02-01"))
                .unwrap();
            let FundEvent::CapitalCalled { allocations, .. } = &events[0] else {
                panic!("{events:?}")
            };
            prop_assert_eq!(allocations.iter().map(|a| a.amount).sum::<Money>(), amount);
            history.extend(events);
            let state = given::<Fund>(&history).state;
            for s in state.tranches[1].subscriptions.values() {
                prop_assert!(s.called <= s.subscribed);
            }
        }
    }
}
