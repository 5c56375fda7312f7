//! Property test: random phases, tranches, cost-basis changes and periods against a
//! day-by-day oracle that sums `base(D) × rate` exactly.

use super::tests::d;
use super::*;
use proptest::prelude::*;
use std::collections::BTreeMap;

const ORIGIN_YEAR: i32 = 2020;
const SPAN_DAYS: u64 = 5 * 366;

fn day(offset: u64) -> NaiveDate {
    d(ORIGIN_YEAR, 1, 1) + chrono::Days::new(offset)
}

#[derive(Debug, Clone)]
struct Inputs {
    policy: FeePolicy,
    phases: Vec<PhaseSpan>,
    tranches: Vec<TrancheBase>,
    costs: Vec<CostBasisChange>,
    period: (NaiveDate, NaiveDate),
}

fn arb_phase() -> impl Strategy<Value = Phase> {
    prop_oneof![
        3 => Just(Phase::Investment),
        3 => Just(Phase::Exit),
        1 => Just(Phase::Extension),
        1 => Just(Phase::Liquidation),
    ]
}

fn arb_inputs() -> impl Strategy<Value = Inputs> {
    let phases = (
        prop::collection::vec((arb_phase(), 0u64..120, 1u64..700), 0..5),
        any::<bool>(),
    )
        .prop_map(|(specs, last_open)| {
            let mut cursor = 0;
            let mut spans: Vec<PhaseSpan> = specs
                .into_iter()
                .map(|(phase, gap, len)| {
                    let from = cursor + gap;
                    cursor = from + len;
                    PhaseSpan {
                        phase,
                        from: day(from),
                        to: Some(day(from + len - 1)),
                    }
                })
                .collect();
            if let Some(last) = spans.last_mut().filter(|_| last_open) {
                last.to = None;
            }
            spans
        });
    let tranches =
        prop::collection::vec((0i64..10_000_000_000, 0..SPAN_DAYS), 0..4).prop_map(|specs| {
            let n = specs.len();
            specs
                .into_iter()
                .enumerate()
                .map(|(i, (fen, offset))| TrancheBase {
                    tranche: u32::try_from(n - i).unwrap(),
                    subscribed: Money::from_fen(fen),
                    from: day(offset),
                })
                .collect::<Vec<_>>()
        });
    let costs =
        prop::collection::btree_map(0..SPAN_DAYS, 0i64..10_000_000_000, 0..6).prop_map(|changes| {
            let mut v: Vec<_> = changes
                .into_iter()
                .map(|(offset, fen)| CostBasisChange {
                    on: day(offset),
                    cost_not_exited: Money::from_fen(fen),
                })
                .collect();
            v.reverse();
            v
        });
    let policy = (0i64..=100, 2u32..=6).prop_map(|(mantissa, scale)| FeePolicy {
        rate: Decimal::new(mantissa, scale),
        day_count_basis: 365,
    });
    let period = (0..SPAN_DAYS, 0..SPAN_DAYS).prop_map(|(a, b)| (day(a.min(b)), day(a.max(b))));
    (policy, phases, tranches, costs, period).prop_map(
        |(policy, phases, tranches, costs, period)| Inputs {
            policy,
            phases,
            tranches,
            costs,
            period,
        },
    )
}

/// Per component, the exact sum over the period's days of `base(D) × rate` (the fee times 365).
fn oracle(i: &Inputs) -> BTreeMap<FeeComponent, Decimal> {
    let mut sums = BTreeMap::new();
    let (mut today, last) = i.period;
    while today <= last {
        let phase = i.phases.iter().find(|s| s.covers(today)).map(|s| s.phase);
        let mut add = |component, base: Money| {
            let daily = base.as_decimal() * i.policy.rate;
            if !daily.is_zero() {
                *sums.entry(component).or_insert(Decimal::ZERO) += daily;
            }
        };
        match phase {
            Some(Phase::Investment) => {
                for t in i.tranches.iter().filter(|t| t.from <= today) {
                    add(FeeComponent::Tranche(t.tranche), t.subscribed);
                }
            }
            Some(Phase::Exit) => {
                let in_force = i
                    .costs
                    .iter()
                    .filter(|c| c.on <= today)
                    .max_by_key(|c| c.on);
                add(
                    FeeComponent::CostNotExited,
                    in_force.map_or(Money::ZERO, |c| c.cost_not_exited),
                );
            }
            _ => {}
        }
        today = today.succ_opt().unwrap();
    }
    sums
}

proptest! {
    #[test]
    fn assessment_matches_a_day_by_day_oracle(i in arb_inputs()) {
        let (from, to) = i.period;
        let a = assess(&i.policy, &i.phases, &i.tranches, &i.costs, from, to).unwrap();
        let basis = Decimal::from(i.policy.day_count_basis);

        let sum: Decimal = a.segments.iter().map(|s| s.amount.as_decimal()).sum();
        prop_assert_eq!(a.total.as_decimal(), sum);

        let mut exact_sums: BTreeMap<FeeComponent, Decimal> = BTreeMap::new();
        for s in &a.segments {
            prop_assert!(from <= s.from && s.from <= s.to && s.to <= to);
            prop_assert_eq!(i64::from(s.days), (s.to - s.from).num_days() + 1);
            prop_assert!(s.base.is_positive());
            prop_assert_eq!(s.rate, i.policy.rate);
            // |amount − exact| ≤ half a fen, and an exact half fen rounds up (all times basis).
            let exact_x_basis = s.base.as_decimal() * s.rate * Decimal::from(s.days);
            let error = s.amount.as_decimal() * basis - exact_x_basis;
            let half_fen = Decimal::new(5, 3) * basis;
            prop_assert!(error.abs() <= half_fen && error != -half_fen, "{:?}", s);
            *exact_sums.entry(s.component).or_insert(Decimal::ZERO) += exact_x_basis;
        }
        prop_assert_eq!(exact_sums, oracle(&i));

        // Segments are ordered, and maximal: a component's next segment is after a gap or
        // differs in phase or base.
        let keys: Vec<_> = a.segments.iter().map(|s| (s.from, s.component)).collect();
        prop_assert!(keys.windows(2).all(|w| w[0] < w[1]));
        let mut by_component: BTreeMap<FeeComponent, Vec<&FeeSegment>> = BTreeMap::new();
        for s in &a.segments {
            by_component.entry(s.component).or_default().push(s);
        }
        for segments in by_component.values() {
            for w in segments.windows(2) {
                prop_assert!(w[0].to < w[1].from);
                let touching = w[0].to.succ_opt() == Some(w[1].from);
                prop_assert!(!touching || (w[0].phase, w[0].base) != (w[1].phase, w[1].base));
            }
        }

        // Deterministic and independent of input order.
        let mut reversed = i.clone();
        reversed.phases.reverse();
        reversed.tranches.reverse();
        reversed.costs.reverse();
        let again = assess(&i.policy, &reversed.phases, &reversed.tranches, &reversed.costs, from, to);
        prop_assert_eq!(again.unwrap(), a);
    }
}
