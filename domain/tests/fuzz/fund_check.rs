//! The fund's invariants, checked after every step of [`super::fund`]: on the events a
//! command recorded (against the state it was decided on) and on the whole state (against
//! the log).
//!
//! - capital: tranches numbered in order, their sizes within the fund's, subscriptions within
//!   each tranche, each subscription called at most in full, tranche 1 called all at once;
//!   each call's allocations sum exactly to it, each within a fen of its exact pro-rata share
//!   of what was left to call; per LP paid ≤ called ≤ subscribed;
//! - custody: the cash equals the confirmed inflows less the confirmed outflows and is never
//!   negative, nor is the cash not yet committed; every due has paid ≤ instructed ≤ allocated,
//!   each equal to its movements; a movement is instructed and confirmed at most once;
//! - investments: paid ≤ instructed ≤ required, cost released ≤ paid, each equal to the
//!   movements and exits; the cost basis is ordered by day, one change per day, never
//!   negative, and each total equals the injections confirmed by that day less the exits by
//!   that day; a concession's kept proceeds are the exit's;
//! - distributions sum exactly to the amount, each LP within a fen of its share of paid-in;
//! - fees: each year assessed once, the due equal to the assessment, the segments summing to
//!   the total, and only after the period's last day that bears a fee;
//! - lifecycle: the schedule stays computable and contains every recorded phase change;
//!   extensions back to back, with a government approval for a guidance fund; closing only
//!   with no cash, nothing pending and no fee unpaid, and after it only the scheduler's events.

use super::fund_books;
use domain::fund::custody::MovementKind;
use domain::fund::phases::{Phase, PhaseSpan};
use domain::fund::{investments, lifecycle, Fund, FundCommand, FundEvent};
use domain::{LpId, Money};
use std::collections::{BTreeMap, BTreeSet};

/// Checks the step from `before` to `after` by `command`, which recorded `new`; `log` is
/// every event so far.
pub fn step(
    before: &Fund,
    after: &Fund,
    command: &FundCommand,
    new: &[FundEvent],
    log: &[FundEvent],
) {
    for event in new {
        event_rules(before, command, event);
    }
    if before.lifecycle.closed_on.is_some() {
        assert!(
            new.iter().all(|e| matches!(
                e,
                FundEvent::PhaseChanged { .. } | FundEvent::FeeAssessed { .. }
            )),
            "a closed fund recorded {new:?}"
        );
    }
    state(after, log);
}

/// `Σ` of amounts.
pub fn sum<'a>(amounts: impl IntoIterator<Item = &'a Money>) -> Money {
    amounts.into_iter().copied().sum()
}

/// Whether `part` is within a fen of `amount × weight ÷ total` (all in fen): the largest
/// remainder rounds each exact share down or up.
fn within_a_fen(part: Money, amount: Money, weight: Money, total: i128) -> bool {
    (part.fen() * total - amount.fen() * weight.fen()).abs() < total
}

fn event_rules(before: &Fund, command: &FundCommand, event: &FundEvent) {
    match event {
        FundEvent::CapitalCalled {
            tranches,
            amount,
            allocations,
            ..
        } => {
            let mut open = Vec::new();
            for number in tranches {
                let t = before
                    .tranches
                    .iter()
                    .find(|t| t.number == *number)
                    .expect("called tranche exists");
                if *number == 1 {
                    assert!(
                        *amount == t.size && t.subscribed() == t.size,
                        "tranche 1 not called at once"
                    );
                }
                for (lp, s) in &t.subscriptions {
                    let weight = s.subscribed - s.called;
                    if weight.is_positive() {
                        open.push((*number, *lp, weight));
                    }
                }
            }
            let total: i128 = open.iter().map(|o| o.2.fen()).sum();
            assert_eq!(
                sum(allocations.iter().map(|a| &a.amount)),
                *amount,
                "allocations do not sum to the call"
            );
            let keys: BTreeSet<(u32, LpId)> =
                allocations.iter().map(|a| (a.tranche, a.lp)).collect();
            assert_eq!(
                keys.len(),
                allocations.len(),
                "a subscription allocated twice in one call"
            );
            for a in allocations {
                assert!(a.amount.is_positive(), "a zero allocation");
                assert!(
                    open.iter().any(|o| (o.0, o.1) == (a.tranche, a.lp)),
                    "allocated to nothing uncalled"
                );
            }
            for (number, lp, weight) in open {
                let part = sum(allocations
                    .iter()
                    .filter(|a| (a.tranche, a.lp) == (number, lp))
                    .map(|a| &a.amount));
                assert!(part <= weight, "called beyond the subscription");
                assert!(
                    within_a_fen(part, *amount, weight, total),
                    "{part} is not within a fen of its share of {amount}"
                );
            }
        }
        FundEvent::DistributionDeclared {
            amount,
            allocations,
            ..
        } => {
            let weights: Vec<(LpId, Money)> = before
                .lps
                .keys()
                .map(|lp| (*lp, before.custody.paid_in(*lp)))
                .filter(|(_, paid)| paid.is_positive())
                .collect();
            let total: i128 = weights.iter().map(|w| w.1.fen()).sum();
            assert_eq!(
                sum(allocations.iter().map(|a| &a.amount)),
                *amount,
                "shares do not sum to the distribution"
            );
            assert!(
                *amount <= before.custody.available(),
                "distributed more than the cash available"
            );
            for a in allocations {
                assert!(a.amount.is_positive());
                assert_eq!(
                    Some(a.paid_in),
                    weights.iter().find(|w| w.0 == a.lp).map(|w| w.1),
                    "wrong paid-in weight"
                );
            }
            for (lp, weight) in weights {
                let part = sum(allocations.iter().filter(|a| a.lp == lp).map(|a| &a.amount));
                assert!(
                    within_a_fen(part, *amount, weight, total),
                    "{part} is not within a fen of its share of {amount}"
                );
            }
        }
        FundEvent::MovementInstructed { kind, amount, .. } => {
            assert!(amount.is_positive());
            let committed_before = matches!(kind, MovementKind::Distribution { .. });
            if !kind.is_inflow() && !committed_before {
                assert!(
                    *amount <= before.custody.available(),
                    "paid out more than the cash available"
                );
            }
            if let Some(due) = before.custody.due(kind) {
                assert!(*amount <= due.room(), "instructed beyond the due");
            }
        }
        FundEvent::ExitRecorded {
            project_id,
            proceeds,
            cost_released,
            realised,
            on,
            ..
        } => {
            assert!(*proceeds >= Money::ZERO && cost_released.is_positive());
            assert!(
                *cost_released <= investments::cost_not_exited_on(before, *project_id, *on),
                "exit beyond the cost"
            );
            assert_eq!(*realised, *proceeds - *cost_released);
        }
        FundEvent::FeeAssessed { year, assessment } => {
            assert!(
                !before.fees.contains_key(year),
                "fee year {year} assessed twice"
            );
            if let FundCommand::AssessFee { today, .. } = command {
                // Before the period ended only when no day left in it can bear a fee.
                assert!(
                    assessment.period_from <= *today,
                    "assessed before the period"
                );
                let fee_free = |s: &PhaseSpan| !matches!(s.phase, Phase::Investment | Phase::Exit);
                let rest_free = lifecycle::schedule(before)
                    .expect("a schedule")
                    .iter()
                    .all(|s| {
                        fee_free(s)
                            || s.to.is_some_and(|to| to < *today)
                            || s.from > assessment.period_to
                    });
                assert!(
                    assessment.period_to < *today || rest_free,
                    "assessed before the period's last day that bears a fee"
                );
                assert!(
                    assessment.segments.iter().all(|s| s.to < *today),
                    "a segment not yet over"
                );
            }
            assert!(assessment.total >= Money::ZERO);
            assert_eq!(
                sum(assessment.segments.iter().map(|s| &s.amount)),
                assessment.total
            );
        }
        FundEvent::PhaseChanged { on, .. } => {
            if let FundCommand::RecordPhaseChanges { today } = command {
                assert!(on <= today, "a phase change recorded before its day");
            }
        }
        FundEvent::FundClosed { .. } => {
            assert_eq!(before.custody.cash, Money::ZERO, "closed with cash");
            assert_eq!(
                before.custody.pending().count(),
                0,
                "closed with movements pending"
            );
            let unpaid: Money = before
                .custody
                .fee_payments
                .values()
                .map(|d| d.outstanding())
                .sum();
            assert_eq!(unpaid, Money::ZERO, "closed with fees unpaid");
        }
        _ => {}
    }
}

fn state(fund: &Fund, log: &[FundEvent]) {
    let Some(terms) = &fund.terms else {
        assert_eq!(*fund, Fund::default());
        return;
    };
    // Capital.
    assert!(
        sum(fund.tranches.iter().map(|t| &t.size)) <= terms.total_size,
        "tranches beyond the fund's size"
    );
    let mut called: BTreeMap<(u32, LpId), Money> = BTreeMap::new();
    let mut call_dues: BTreeMap<_, Money> = BTreeMap::new();
    let mut calls = BTreeSet::new();
    for event in log {
        if let FundEvent::CapitalCalled {
            call_id,
            allocations,
            ..
        } = event
        {
            assert!(calls.insert(*call_id), "call recorded twice");
            for a in allocations {
                let c = called.entry((a.tranche, a.lp)).or_default();
                *c = *c + a.amount;
                let d = call_dues.entry((*call_id, a.lp)).or_default();
                *d = *d + a.amount;
            }
        }
    }
    assert_eq!(fund.calls, calls);
    for (i, t) in fund.tranches.iter().enumerate() {
        assert_eq!(t.number as usize, i + 1, "tranches out of sequence");
        assert!(
            t.size.is_positive() && t.subscribed() <= t.size,
            "tranche {} over-subscribed",
            t.number
        );
        assert!(t.subscription_date >= terms.establishment_date);
        if t.number == 1 {
            assert!(
                t.called() == Money::ZERO || t.called() == t.size,
                "tranche 1 partly called"
            );
        }
        for (lp, s) in &t.subscriptions {
            assert!(fund.lps.contains_key(lp));
            assert!(
                s.subscribed.is_positive() && s.called >= Money::ZERO && s.called <= s.subscribed
            );
            assert_eq!(
                s.called,
                called.remove(&(t.number, *lp)).unwrap_or_default()
            );
        }
    }
    assert!(called.is_empty(), "called from no subscription: {called:?}");
    for (lp, identity) in &fund.lps {
        let subscribed = sum(fund
            .tranches
            .iter()
            .filter_map(|t| t.subscriptions.get(lp))
            .map(|s| &s.subscribed));
        let called = sum(fund
            .tranches
            .iter()
            .filter_map(|t| t.subscriptions.get(lp))
            .map(|s| &s.called));
        let paid = fund.custody.paid_in(*lp);
        assert!(
            Money::ZERO <= paid && paid <= called && called <= subscribed,
            "LP paid {paid}, called {called}, subscribed {subscribed}"
        );
        assert!(
            !fund.lp_funds.contains_key(lp)
                || identity.kind == domain::fund::capital::LpKind::GuidanceFund
        );
    }
    assert!(fund.lp_funds.keys().all(|lp| fund.lps.contains_key(lp)));
    fund_books::custody(fund, log, &call_dues);
    fund_books::investment(fund);
    fund_books::fees_and_distributions(fund, log);
    fund_books::life(fund, terms.kind);
}
