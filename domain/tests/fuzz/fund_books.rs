//! The fund's books, checked after every step by [`super::fund_check`]: custody (cash,
//! dues and movements), investments and the cost basis, fees and distributions, and the
//! lifecycle. The invariants are listed in `fund_check`'s documentation.

use super::fund_check::sum;
use domain::fund::custody::{Due, MovementKind};
use domain::fund::{lifecycle, Fund, FundEvent, FundKind};
use domain::{CallId, LpId, Money};
use std::collections::{BTreeMap, BTreeSet};

/// Custody: cash, dues and movements.
pub fn custody(fund: &Fund, log: &[FundEvent], call_dues: &BTreeMap<(CallId, LpId), Money>) {
    let c = &fund.custody;
    let mut cash = Money::ZERO;
    for m in c.movements.values() {
        if m.confirmed_on.is_some() {
            cash = if m.kind.is_inflow() {
                cash + m.amount
            } else {
                cash - m.amount
            };
        }
        let has_due = c.due(&m.kind).is_some() || matches!(m.kind, MovementKind::Injection { .. });
        assert!(
            has_due && m.amount.is_positive(),
            "a movement paying nothing: {m:?}"
        );
    }
    assert_eq!(c.cash, cash, "cash is not confirmed inflows less outflows");
    assert!(c.cash >= Money::ZERO, "negative cash {}", c.cash);
    assert!(
        c.available() >= Money::ZERO,
        "more committed than the cash: {}",
        c.available()
    );
    let check = |kind: MovementKind, due: &Due| {
        let of_kind = c.movements.values().filter(|m| m.kind == kind);
        let instructed = sum(of_kind.clone().map(|m| &m.amount));
        let paid = sum(of_kind
            .filter(|m| m.confirmed_on.is_some())
            .map(|m| &m.amount));
        assert_eq!((due.instructed, due.paid), (instructed, paid), "{kind:?}");
        assert!(
            Money::ZERO <= due.paid
                && due.paid <= due.instructed
                && due.instructed <= due.allocated,
            "{kind:?}: {due:?}"
        );
    };
    for ((call_id, lp), due) in &c.call_payments {
        assert_eq!(Some(&due.allocated), call_dues.get(&(*call_id, *lp)));
        check(
            MovementKind::LpPayment {
                call_id: *call_id,
                lp: *lp,
            },
            due,
        );
    }
    assert_eq!(c.call_payments.len(), call_dues.len());
    for (year, due) in &c.fee_payments {
        check(MovementKind::FeePayment { year: *year }, due);
    }
    for ((distribution_id, lp), due) in &c.distribution_payments {
        check(
            MovementKind::Distribution {
                distribution_id: *distribution_id,
                lp: *lp,
            },
            due,
        );
    }
    for (exit_id, due) in &c.exit_proceeds {
        assert_eq!(
            Some(due.allocated),
            fund.exits.get(exit_id).map(|e| e.proceeds)
        );
        check(MovementKind::ExitProceeds { exit_id: *exit_id }, due);
    }
    let positive = fund
        .exits
        .values()
        .filter(|e| e.proceeds.is_positive())
        .count();
    assert_eq!(c.exit_proceeds.len(), positive);
    let mut instructed = BTreeSet::new();
    let mut confirmed = BTreeSet::new();
    for event in log {
        match event {
            FundEvent::MovementInstructed { movement_id, .. } => {
                assert!(instructed.insert(*movement_id))
            }
            FundEvent::MovementConfirmed { movement_id, .. } => {
                assert!(confirmed.insert(*movement_id))
            }
            _ => {}
        }
    }
}

/// Investments, exits and the cost basis.
pub fn investment(fund: &Fund) {
    let injections = |project, by: Option<chrono::NaiveDate>| {
        let kind = MovementKind::Injection {
            project_id: project,
        };
        let confirmed = fund
            .custody
            .movements
            .values()
            .filter(move |m| m.kind == kind && m.confirmed_on.is_some());
        sum(confirmed
            .filter(move |m| by.is_none_or(|by| m.confirmed_on.is_some_and(|d| d <= by)))
            .map(|m| &m.amount))
    };
    for (project, i) in &fund.investments {
        let kind = MovementKind::Injection {
            project_id: *project,
        };
        let instructed = sum(fund
            .custody
            .movements
            .values()
            .filter(|m| m.kind == kind)
            .map(|m| &m.amount));
        assert_eq!(
            (i.instructed, i.paid),
            (instructed, injections(*project, None))
        );
        assert!(
            i.paid <= i.instructed && i.instructed <= i.required_cumulative,
            "{project:?}: {i:?}"
        );
        let exits = fund.exits.values().filter(|e| e.project_id == *project);
        assert_eq!(
            i.cost_released,
            sum(exits.clone().map(|e| &e.cost_released))
        );
        assert_eq!(i.proceeds, sum(exits.map(|e| &e.proceeds)));
        assert!(
            i.cost_not_exited() >= Money::ZERO,
            "{project:?}: released more than paid"
        );
        for change in &fund.cost_basis {
            let released = sum(fund
                .exits
                .values()
                .filter(|e| e.project_id == *project && e.on <= change.on)
                .map(|e| &e.cost_released));
            assert!(
                released <= injections(*project, Some(change.on)),
                "{project:?} released beyond its cost by {}",
                change.on
            );
        }
    }
    assert!(fund
        .exits
        .values()
        .all(|e| fund.investments.contains_key(&e.project_id)));
    let days: BTreeSet<_> = fund
        .custody
        .movements
        .values()
        .filter(|m| matches!(m.kind, MovementKind::Injection { .. }))
        .filter_map(|m| m.confirmed_on)
        .chain(fund.exits.values().map(|e| e.on))
        .collect();
    assert_eq!(
        fund.cost_basis
            .iter()
            .map(|c| c.on)
            .collect::<BTreeSet<_>>(),
        days
    );
    assert!(
        fund.cost_basis.windows(2).all(|w| w[0].on < w[1].on),
        "cost basis out of order"
    );
    for change in &fund.cost_basis {
        let paid = sum(fund
            .investments
            .keys()
            .map(|p| injections(*p, Some(change.on)))
            .collect::<Vec<_>>()
            .iter());
        let released = sum(fund
            .exits
            .values()
            .filter(|e| e.on <= change.on)
            .map(|e| &e.cost_released));
        assert_eq!(
            change.cost_not_exited,
            paid - released,
            "cost basis on {}",
            change.on
        );
        assert!(
            change.cost_not_exited >= Money::ZERO,
            "negative cost basis on {}",
            change.on
        );
    }
    let not_exited = sum(fund
        .investments
        .values()
        .map(|i| i.cost_not_exited())
        .collect::<Vec<_>>()
        .iter());
    assert_eq!(
        fund.cost_basis
            .last()
            .map_or(Money::ZERO, |c| c.cost_not_exited),
        not_exited
    );
}

/// Fee assessments, distributions and concessions.
pub fn fees_and_distributions(fund: &Fund, log: &[FundEvent]) {
    assert_eq!(
        fund.fees.keys().collect::<Vec<_>>(),
        fund.custody.fee_payments.keys().collect::<Vec<_>>()
    );
    for (year, record) in &fund.fees {
        assert_eq!(
            fund.custody.fee_payments[year].allocated,
            record.assessment.total
        );
    }
    let mut declared = BTreeSet::new();
    let mut shares: BTreeMap<_, Money> = BTreeMap::new();
    for (i, event) in log.iter().enumerate() {
        match event {
            FundEvent::DistributionDeclared {
                distribution_id,
                allocations,
                ..
            } => {
                assert!(
                    declared.insert(*distribution_id),
                    "distribution declared twice"
                );
                for a in allocations {
                    assert!(
                        shares.insert((*distribution_id, a.lp), a.amount).is_none(),
                        "an LP twice in one distribution"
                    );
                }
            }
            FundEvent::ConcessionApplied {
                exit_id,
                concession,
            } => {
                let next = log.get(i + 1);
                let kept = match next {
                    Some(FundEvent::ExitRecorded {
                        exit_id: e,
                        proceeds,
                        ..
                    }) if e == exit_id => *proceeds,
                    _ => panic!("a concession not followed by its exit: {next:?}"),
                };
                assert_eq!(kept, concession.kept);
                assert!(
                    concession.conceded.is_positive() && concession.conceded <= concession.excess
                );
            }
            _ => {}
        }
    }
    assert_eq!(fund.distributions, declared);
    let allocated: BTreeMap<_, Money> = fund
        .custody
        .distribution_payments
        .iter()
        .map(|(k, d)| (*k, d.allocated))
        .collect();
    assert_eq!(allocated, shares);
}

/// The phases, extensions and closing.
pub fn life(fund: &Fund, kind: FundKind) {
    let spans = lifecycle::schedule(fund).expect("the phase dates stay computable");
    for (phase, on) in &fund.lifecycle.recorded {
        assert!(
            spans.iter().any(|s| s.phase == *phase && s.from == *on),
            "recorded {phase:?} on {on} is not in the schedule"
        );
    }
    let unique: BTreeSet<_> = fund.lifecycle.recorded.iter().collect();
    assert_eq!(
        unique.len(),
        fund.lifecycle.recorded.len(),
        "a phase change recorded twice"
    );
    for (i, e) in fund.lifecycle.extensions.iter().enumerate() {
        assert!(e.months > 0 && e.from <= e.to);
        assert!(kind == FundKind::Angel || e.government_approval_ref.is_some());
        if let Some(previous) = i.checked_sub(1).map(|p| &fund.lifecycle.extensions[p]) {
            assert_eq!(
                previous.to.succ_opt(),
                Some(e.from),
                "extensions not back to back"
            );
        }
    }
    if fund.lifecycle.closed_on.is_some() {
        assert_eq!(fund.custody.cash, Money::ZERO);
        assert_eq!(fund.custody.pending().count(), 0);
    }
}
