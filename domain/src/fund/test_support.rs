//! Helpers shared by the fund aggregate's tests.

use super::capital::LpKind;
use super::custody::MovementKind;
use super::{Fund, FundCommand, FundEvent, FundKind, FundTerms};
use crate::aggregate::given;
use crate::{CallId, DistributionId, FundId, LpId, Money, MovementId, Rejection};
use chrono::NaiveDate;
use uuid::Uuid;

/// A date from `YYYY-MM-DD`.
pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Whole yuan.
pub fn yuan(y: i64) -> Money {
    Money::from_yuan(y)
}

/// The LP numbered `n`.
pub fn lp(n: u128) -> LpId {
    LpId(Uuid::from_u128(n))
}

/// An amount such as `"651232.88"`.
pub fn money(s: &str) -> Money {
    Money::parse(s).unwrap()
}

/// The call numbered `n`.
pub fn call_id(n: u128) -> CallId {
    CallId(Uuid::from_u128(n))
}

/// The movement numbered `n`.
pub fn mv(n: u128) -> MovementId {
    MovementId(Uuid::from_u128(n))
}

/// The distribution numbered `n`.
pub fn dist(n: u128) -> DistributionId {
    DistributionId(Uuid::from_u128(n))
}

/// The terms of a 300,000,000 fund of `kind` established on `on`, with the SPEC's default
/// policy (36 months of investment, 60 of exit, 1% a year on actual/365).
pub fn terms(kind: FundKind, on: &str) -> FundTerms {
    FundTerms {
        name: "昆山市天使投资基金".to_owned(),
        kind,
        total_size: yuan(300_000_000),
        establishment_date: d(on),
        manager: "昆山创业投资管理有限公司".to_owned(),
        custodian: "中国工商银行昆山分行".to_owned(),
        city: "昆山".to_owned(),
        policy: Box::default(),
    }
}

/// The establishment of a fund with [`terms`].
pub fn established(kind: FundKind, on: &str) -> FundEvent {
    FundEvent::FundEstablished {
        fund_id: FundId(Uuid::nil()),
        terms: terms(kind, on),
    }
}

/// Tranche `number` of `size` yuan opened for subscription on `on`.
pub fn opened(number: u32, size: i64, on: &str) -> FundEvent {
    FundEvent::TrancheOpened {
        number,
        size: yuan(size),
        subscription_date: d(on),
    }
}

/// LP `who` subscribed `amount` yuan in `tranche`.
pub fn subscribed(tranche: u32, who: u128, amount: i64) -> FundEvent {
    FundEvent::LpSubscribed {
        tranche,
        lp: lp(who),
        lp_name: format!("LP {who}"),
        lp_kind: LpKind::StateOwned,
        amount: yuan(amount),
    }
}

/// The manager instructs movement `id` of `amount` for `kind`, value date `on`.
pub fn instruct(id: u128, kind: MovementKind, amount: Money, on: &str) -> FundCommand {
    FundCommand::InstructMovement {
        movement_id: mv(id),
        kind,
        amount,
        value_date: d(on),
    }
}

/// The custodian confirms movement `id`, executed on `on`.
pub fn confirm(id: u128, on: &str) -> FundCommand {
    FundCommand::ConfirmMovement {
        movement_id: mv(id),
        executed_on: d(on),
    }
}

/// LP `who` pays `amount` of call `call`: instructed and confirmed as movement `id` on `on`.
pub fn lp_pays(id: u128, call: u128, who: u128, amount: Money, on: &str) -> [FundCommand; 2] {
    let kind = MovementKind::LpPayment {
        call_id: call_id(call),
        lp: lp(who),
    };
    [instruct(id, kind, amount, on), confirm(id, on)]
}

/// `history` followed by the events of each command in turn; panics on a refusal.
pub fn after(history: &[FundEvent], commands: &[FundCommand]) -> Vec<FundEvent> {
    let mut all = history.to_vec();
    for command in commands {
        let events = given::<Fund>(&all)
            .when(command)
            .unwrap_or_else(|e| panic!("{command:?} refused: {e}"));
        all.extend(events);
    }
    all
}

/// An angel fund established on `on` whose tranche 1 (the sum of `subscriptions`, yuan per
/// LP) is subscribed on that day and called in full (call 1, due the same day); each LP in
/// `paid` then pays that many yuan of it (movement `1000 + lp`, confirmed on `on`).
pub fn paid_in_fund(
    on: &str,
    subscriptions: &[(u128, i64)],
    paid: &[(u128, i64)],
) -> Vec<FundEvent> {
    let size: i64 = subscriptions.iter().map(|(_, s)| s).sum();
    let mut history = vec![established(FundKind::Angel, on), opened(1, size, on)];
    history.extend(subscriptions.iter().map(|(who, s)| subscribed(1, *who, *s)));
    let mut commands = vec![FundCommand::CallCapital {
        call_id: call_id(1),
        tranches: vec![1],
        amount: yuan(size),
        called_on: d(on),
        due_on: d(on),
    }];
    for (who, amount) in paid {
        commands.extend(lp_pays(1000 + who, 1, *who, yuan(*amount), on));
    }
    after(&history, &commands)
}

/// The refusal of a decision, with its code and rule; panics if it was accepted.
pub fn refusal(
    decision: Result<Vec<FundEvent>, super::FundError>,
) -> (super::FundError, &'static str, Option<&'static str>) {
    let err = decision.expect_err("the command should be refused");
    let (code, rule) = (err.code(), err.rule());
    (err, code, rule)
}

/// The scheduler records the phase changes due by `today`.
pub fn record(today: &str) -> FundCommand {
    FundCommand::RecordPhaseChanges { today: d(today) }
}

/// A partners' meeting resolution extending the term.
pub const RESOLUTION: &str = "合伙人大会决议〔2029〕1号";

/// Extend the term by `months`, resolved on `on`, with the government approval reference.
pub fn extend(months: u32, resolution: &str, on: &str, approval: Option<&str>) -> FundCommand {
    FundCommand::ExtendTerm {
        months,
        resolution_ref: resolution.to_owned(),
        resolved_on: d(on),
        government_approval_ref: approval.map(str::to_owned),
    }
}

/// Close the fund on `closed_on`, asked on `today`.
pub fn close(closed_on: &str, today: &str) -> FundCommand {
    FundCommand::CloseFund {
        closed_on: d(closed_on),
        today: d(today),
    }
}

/// Assess the fee of `year`, asked on `today`.
pub fn assess(year: i32, today: &str) -> FundCommand {
    FundCommand::AssessFee {
        year,
        today: d(today),
    }
}

/// Declare distribution `n` of `amount` on 2026-06-30.
pub fn declare(n: u128, amount: Money) -> FundCommand {
    FundCommand::DeclareDistribution {
        distribution_id: dist(n),
        amount,
        declared_on: d("2026-06-30"),
    }
}

/// Instruct movement `id` paying `amount` of LP `who`'s share of distribution `n`.
pub fn pay_out(id: u128, n: u128, who: u128, amount: Money) -> FundCommand {
    let kind = MovementKind::Distribution {
        distribution_id: dist(n),
        lp: lp(who),
    };
    instruct(id, kind, amount, "2026-07-01")
}

/// A fund whose tranche 2 (from 2022-01-01) is subscribed by LPs 10, 11, … for the given
/// amounts in fen; tranche 1 (1 yuan, LP 1) is never called.
pub fn tranche_two(subscriptions: &[i64]) -> Vec<FundEvent> {
    let size = Money::from_fen(subscriptions.iter().sum());
    let mut history = vec![
        established(FundKind::Angel, "2021-09-01"),
        opened(1, 1, "2021-09-01"),
        subscribed(1, 1, 1),
        FundEvent::TrancheOpened {
            number: 2,
            size,
            subscription_date: d("2022-01-01"),
        },
    ];
    history.extend(
        subscriptions
            .iter()
            .enumerate()
            .map(|(i, s)| FundEvent::LpSubscribed {
                tranche: 2,
                lp: lp(10 + i as u128),
                lp_name: format!("LP {i}"),
                lp_kind: LpKind::Other,
                amount: Money::from_fen(*s),
            }),
    );
    history
}

/// Call `n` of `fen` on tranche 2 of [`tranche_two`], on 2022-02-01, due 2022-03-01.
pub fn call_two(n: u128, fen: i128) -> FundCommand {
    FundCommand::CallCapital {
        call_id: call_id(n),
        tranches: vec![2],
        amount: Money::from_fen(i64::try_from(fen).unwrap()),
        called_on: d("2022-02-01"),
        due_on: d("2022-03-01"),
    }
}

/// `history` wound up for a closing on 2030-01-01: [`wound_up_by`] 2029, on 2030-01-01.
pub fn wound_up(history: &[FundEvent]) -> Vec<FundEvent> {
    wound_up_by(history, 2029, "2030-01-01")
}

/// `history` wound up on `on` for a closing: every fee year up to `last_year` assessed and
/// paid (movement `5000 + year`), then what cash is left declared as distribution 9 and paid
/// out to the LPs (movements `9000 + …`), all confirmed on `on`.
pub fn wound_up_by(history: &[FundEvent], last_year: i32, on: &str) -> Vec<FundEvent> {
    let mut all = history.to_vec();
    let first = given::<Fund>(&all)
        .state
        .terms
        .as_ref()
        .map(|t| chrono::Datelike::year(&t.establishment_date))
        .unwrap();
    for year in first..=last_year {
        all = after(&all, &[assess(year, on)]);
        let due = given::<Fund>(&all)
            .state
            .custody
            .fee_payments
            .get(&year)
            .copied();
        if let Some(due) = due.filter(|d| d.outstanding().is_positive()) {
            let id = 5000 + u128::try_from(year).unwrap();
            let fee = MovementKind::FeePayment { year };
            let pay = instruct(id, fee, due.outstanding(), on);
            all = after(&all, &[pay, confirm(id, on)]);
        }
    }
    let cash = given::<Fund>(&all).state.custody.cash;
    if !cash.is_positive() {
        return all;
    }
    all = after(&all, &[declare(9, cash)]);
    let shares: Vec<(LpId, Money)> = given::<Fund>(&all)
        .state
        .custody
        .distribution_payments
        .iter()
        .filter(|((n, _), due)| *n == dist(9) && due.allocated.is_positive())
        .map(|((_, lp), due)| (*lp, due.allocated))
        .collect();
    for (i, (who, amount)) in shares.into_iter().enumerate() {
        let id = 9000 + i as u128;
        let kind = MovementKind::Distribution {
            distribution_id: dist(9),
            lp: who,
        };
        let pay = instruct(id, kind, amount, on);
        all = after(&all, &[pay, confirm(id, on)]);
    }
    all
}
