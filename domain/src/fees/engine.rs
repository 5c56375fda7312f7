//! The assessment itself: validation, the intervals between changes, their merging into
//! segments, and the exact rounding of each segment.

use super::{
    CostBasisChange, FeeAssessment, FeeComponent, FeeError, FeePolicy, FeeSegment, Phase,
    PhaseSpan, TrancheBase,
};
use crate::Money;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// Assesses the management fee for `period_from..=period_to` (both inclusive).
///
/// Inputs need not be sorted. Fails if the period or a phase span is inverted, phases overlap,
/// a base is negative, a tranche number or cost-basis date repeats, or the policy is invalid.
pub fn assess(
    policy: &FeePolicy,
    phases: &[PhaseSpan],
    tranches: &[TrancheBase],
    cost_basis: &[CostBasisChange],
    period_from: NaiveDate,
    period_to: NaiveDate,
) -> Result<FeeAssessment, FeeError> {
    check_policy(policy)?;
    if period_to < period_from {
        return Err(FeeError::InvertedPeriod {
            from: period_from,
            to: period_to,
        });
    }
    check_phases(phases)?;
    check_tranches(tranches)?;
    let cost_basis = sorted_cost_basis(cost_basis)?;

    // Every day on which a phase or a base may change starts a new interval; inside an
    // interval everything is constant, so its first day stands for all of it.
    let starts = interval_starts(phases, tranches, &cost_basis, period_from, period_to);
    let mut runs: Vec<FeeSegment> = Vec::new();
    let mut open: BTreeMap<FeeComponent, usize> = BTreeMap::new();
    for (i, &from) in starts.iter().enumerate() {
        let to = match starts.get(i + 1) {
            Some(next) => next
                .pred_opt()
                .expect("an interval start after the period start has a previous day"),
            None => period_to,
        };
        let Some(phase) = phases.iter().find(|s| s.covers(from)).map(|s| s.phase) else {
            continue;
        };
        for (component, base) in bases_on(phase, from, tranches, &cost_basis) {
            if !base.is_positive() || policy.rate.is_zero() {
                continue;
            }
            // Extend the component's last run if it ends the day before with the same phase
            // and base; otherwise start a new run.
            match open.get(&component).map(|&r| &mut runs[r]) {
                Some(run)
                    if run.to.succ_opt() == Some(from)
                        && (run.phase, run.base) == (phase, base) =>
                {
                    run.to = to;
                }
                _ => {
                    open.insert(component, runs.len());
                    runs.push(FeeSegment {
                        from,
                        to,
                        component,
                        phase,
                        base,
                        rate: policy.rate,
                        days: 0,
                        amount: Money::ZERO,
                    });
                }
            }
        }
    }

    let mut total = Decimal::ZERO;
    for run in &mut runs {
        run.days =
            u32::try_from((run.to - run.from).num_days() + 1).map_err(|_| FeeError::OutOfRange)?;
        run.amount = accrue(run.base, policy.rate, run.days, policy.day_count_basis)?;
        total = total
            .checked_add(run.amount.as_decimal())
            .ok_or(FeeError::OutOfRange)?;
    }
    runs.sort_by_key(|s| (s.from, s.component));
    Ok(FeeAssessment {
        period_from,
        period_to,
        segments: runs,
        total: Money::from_decimal(total).map_err(|_| FeeError::OutOfRange)?,
    })
}

fn check_policy(policy: &FeePolicy) -> Result<(), FeeError> {
    if policy.rate < Decimal::ZERO || policy.rate > Decimal::ONE {
        return Err(FeeError::InvalidRate { rate: policy.rate });
    }
    if policy.day_count_basis == 0 {
        return Err(FeeError::ZeroDayCountBasis);
    }
    Ok(())
}

fn check_phases(phases: &[PhaseSpan]) -> Result<(), FeeError> {
    let mut sorted: Vec<&PhaseSpan> = phases.iter().collect();
    sorted.sort_by_key(|s| s.from);
    for span in &sorted {
        if let Some(to) = span.to.filter(|&to| to < span.from) {
            return Err(FeeError::InvertedPhaseSpan {
                phase: span.phase,
                from: span.from,
                to,
            });
        }
    }
    for pair in sorted.windows(2) {
        if pair[0].covers(pair[1].from) {
            return Err(FeeError::OverlappingPhases {
                earlier: pair[0].phase,
                later: pair[1].phase,
                on: pair[1].from,
            });
        }
    }
    Ok(())
}

fn check_tranches(tranches: &[TrancheBase]) -> Result<(), FeeError> {
    let mut seen = BTreeSet::new();
    for t in tranches {
        if t.subscribed < Money::ZERO {
            return Err(FeeError::NegativeBase {
                component: FeeComponent::Tranche(t.tranche),
                from: t.from,
            });
        }
        if !seen.insert(t.tranche) {
            return Err(FeeError::DuplicateTranche { tranche: t.tranche });
        }
    }
    Ok(())
}

fn sorted_cost_basis(changes: &[CostBasisChange]) -> Result<Vec<CostBasisChange>, FeeError> {
    let mut sorted = changes.to_vec();
    sorted.sort_by_key(|c| c.on);
    for c in &sorted {
        if c.cost_not_exited < Money::ZERO {
            return Err(FeeError::NegativeBase {
                component: FeeComponent::CostNotExited,
                from: c.on,
            });
        }
    }
    if let Some(pair) = sorted.windows(2).find(|p| p[0].on == p[1].on) {
        return Err(FeeError::DuplicateCostBasisChange { on: pair[0].on });
    }
    Ok(sorted)
}

/// The first days of the intervals of the period within which nothing changes: the period
/// start and every day in the period on which a phase starts or a base starts or ends.
fn interval_starts(
    phases: &[PhaseSpan],
    tranches: &[TrancheBase],
    cost_basis: &[CostBasisChange],
    period_from: NaiveDate,
    period_to: NaiveDate,
) -> Vec<NaiveDate> {
    let changes = phases
        .iter()
        .flat_map(|s| [Some(s.from), s.to.and_then(|to| to.succ_opt())])
        .flatten()
        .chain(tranches.iter().map(|t| t.from))
        .chain(cost_basis.iter().map(|c| c.on))
        .filter(|&d| period_from < d && d <= period_to);
    let mut starts: BTreeSet<NaiveDate> = changes.collect();
    starts.insert(period_from);
    starts.into_iter().collect()
}

/// The fee bases in force on `day` in `phase`, by component (zero bases included).
fn bases_on(
    phase: Phase,
    day: NaiveDate,
    tranches: &[TrancheBase],
    cost_basis: &[CostBasisChange],
) -> Vec<(FeeComponent, Money)> {
    match phase {
        Phase::Investment => tranches
            .iter()
            .filter(|t| t.from <= day)
            .map(|t| (FeeComponent::Tranche(t.tranche), t.subscribed))
            .collect(),
        Phase::Exit => {
            let cost = cost_basis
                .iter()
                .rev()
                .find(|c| c.on <= day)
                .map_or(Money::ZERO, |c| c.cost_not_exited);
            vec![(FeeComponent::CostNotExited, cost)]
        }
        Phase::Extension | Phase::Liquidation | Phase::Closed => Vec::new(),
    }
}

/// `base × rate × days / basis`, rounded half-up to the fen, for a non-negative base and rate.
///
/// The fraction is rounded exactly in integers (fen × rate mantissa × days over
/// basis × 10^rate scale) rather than by a decimal division, whose quotient by 365 would be
/// cut at 28 digits before rounding.
fn accrue(base: Money, rate: Decimal, days: u32, basis: u32) -> Result<Money, FeeError> {
    let rate = rate.normalize();
    let numerator = base
        .fen()
        .checked_mul(rate.mantissa())
        .and_then(|n| n.checked_mul(i128::from(days)))
        .ok_or(FeeError::OutOfRange)?;
    let denominator = 10i128
        .checked_pow(rate.scale())
        .and_then(|p| p.checked_mul(i128::from(basis)))
        .ok_or(FeeError::OutOfRange)?;
    let (whole, rest) = (numerator / denominator, numerator % denominator);
    let fen = if rest >= denominator - rest {
        whole + 1
    } else {
        whole
    };
    let amount = Decimal::try_from_i128_with_scale(fen, 2).map_err(|_| FeeError::OutOfRange)?;
    Money::from_decimal(amount).map_err(|_| FeeError::OutOfRange)
}
