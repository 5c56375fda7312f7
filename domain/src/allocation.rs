//! Exact pro-rata allocation to the fen (SPEC §0, §2): the parts always sum exactly to the
//! whole, by the largest-remainder method.
//!
//! Each part first gets the exact share `total × weight ÷ Σweights` rounded down to the fen;
//! the fen left over (fewer than the number of parts) go one each to the parts with the
//! largest remainders, ties to the earlier part, so the result is deterministic. Every part
//! then differs from its exact share by less than one fen.
//!
//! For a capital call, weigh each LP by its *uncalled* subscription in the called tranches:
//! while every LP has been called the same ratio this is the same as weighing by
//! subscriptions, it never allocates an LP more than its uncalled amount (a part is at most
//! its exact share rounded up, and the exact share of a call not above the total uncalled is
//! at most the weight), and a call of everything uncalled allocates each LP exactly its rest.

use crate::Money;

/// Why an allocation is impossible.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllocationError {
    /// The total or a weight is negative.
    #[error("amounts to allocate and weights must not be negative")]
    Negative,
    /// A positive total and no positive weight to spread it over.
    #[error("nothing to allocate over: every weight is zero")]
    NoWeight,
}

impl crate::Rejection for AllocationError {
    fn code(&self) -> &'static str {
        match self {
            AllocationError::Negative => "negative_allocation",
            AllocationError::NoWeight => "nothing_to_allocate_over",
        }
    }
}

/// Splits `total` in proportion to `weights`, to the fen, the parts summing exactly to
/// `total` (see the module documentation). A zero total gives zero parts.
pub fn pro_rata(total: Money, weights: &[Money]) -> Result<Vec<Money>, AllocationError> {
    let total = total.fen();
    let weights: Vec<i128> = weights.iter().map(Money::fen).collect();
    if total < 0 || weights.iter().any(|w| *w < 0) {
        return Err(AllocationError::Negative);
    }
    let sum: i128 = weights.iter().sum();
    if total == 0 {
        return Ok(vec![Money::ZERO; weights.len()]);
    }
    if sum == 0 {
        return Err(AllocationError::NoWeight);
    }
    // Amounts are below 10^14 fen: total × weight stays far inside i128.
    let mut parts: Vec<i128> = weights.iter().map(|w| total * w / sum).collect();
    let mut left = total - parts.iter().sum::<i128>();
    let mut by_remainder: Vec<(i128, usize)> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| (total * w % sum, i))
        .collect();
    // Largest remainder first; ties to the earlier part.
    by_remainder.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in by_remainder {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    Ok(parts.into_iter().map(fen_to_money).collect())
}

fn fen_to_money(fen: i128) -> Money {
    // Parts never exceed the total, which came from a Money: the conversion cannot fail.
    Money::from_fen(i64::try_from(fen).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    fn yuan(v: &[i64]) -> Vec<Money> {
        v.iter().map(|y| Money::from_yuan(*y)).collect()
    }

    fn fen(v: &[i64]) -> Vec<Money> {
        v.iter().map(|f| Money::from_fen(*f)).collect()
    }

    #[test]
    fn a_call_on_subscriptions_of_the_first_tranche() {
        // Given LPs subscribing 30M, 15M and 5M of a 50M tranche,
        // when 10M is called, then each pays 20%.
        let parts = pro_rata(
            Money::from_yuan(10_000_000),
            &yuan(&[30_000_000, 15_000_000, 5_000_000]),
        )
        .unwrap();
        assert_eq!(parts, yuan(&[6_000_000, 3_000_000, 1_000_000]));
    }

    #[test]
    fn the_left_over_fen_go_to_the_largest_remainders() {
        // 100 fen over three equal weights: 33.33… each; one fen left, to the first.
        assert_eq!(
            pro_rata(Money::from_fen(100), &fen(&[1, 1, 1])).unwrap(),
            fen(&[34, 33, 33])
        );
        // Weights 1:2 on 1 fen → exact 0.33 and 0.67: the larger remainder wins.
        assert_eq!(
            pro_rata(Money::from_fen(1), &fen(&[1, 2])).unwrap(),
            fen(&[0, 1])
        );
        // 2 fen over 3 equal weights: the first two.
        assert_eq!(
            pro_rata(Money::from_fen(2), &fen(&[5, 5, 5])).unwrap(),
            fen(&[1, 1, 0])
        );
    }

    #[test]
    fn calling_everything_uncalled_gives_each_exactly_its_rest() {
        let uncalled = fen(&[333_333, 1, 666_667, 0]);
        let total = Money::from_fen(1_000_001);
        assert_eq!(pro_rata(total, &uncalled).unwrap(), uncalled);
    }

    #[test]
    fn zero_total_zero_weights_and_negatives() {
        assert_eq!(pro_rata(Money::ZERO, &fen(&[0, 0])).unwrap(), fen(&[0, 0]));
        assert_eq!(pro_rata(Money::ZERO, &[]).unwrap(), Vec::<Money>::new());
        assert_eq!(
            pro_rata(Money::from_fen(1), &fen(&[0, 0])),
            Err(AllocationError::NoWeight)
        );
        assert_eq!(
            pro_rata(Money::from_fen(1), &[]),
            Err(AllocationError::NoWeight)
        );
        assert_eq!(
            pro_rata(Money::from_fen(-1), &fen(&[1])),
            Err(AllocationError::Negative)
        );
        assert_eq!(
            pro_rata(Money::from_fen(1), &fen(&[1, -1])),
            Err(AllocationError::Negative)
        );
    }

    proptest! {
        #[test]
        fn parts_sum_exactly_and_stay_within_a_fen_of_the_exact_share(
            total in 0i64..1_000_000_000_000,
            weights in proptest::collection::vec(0i64..10_000_000_000_000, 1..12),
        ) {
            prop_assume!(weights.iter().any(|w| *w > 0));
            let weights = fen(&weights);
            let parts = pro_rata(Money::from_fen(total), &weights).unwrap();
            prop_assert_eq!(parts.len(), weights.len());
            let sum: i128 = parts.iter().map(Money::fen).sum();
            prop_assert_eq!(sum, i128::from(total));
            let w_sum: i128 = weights.iter().map(Money::fen).sum();
            for (part, weight) in parts.iter().zip(&weights) {
                // |part − total × w / W| < 1 fen, compared exactly in integers.
                let diff = (part.fen() * w_sum - i128::from(total) * weight.fen()).abs();
                prop_assert!(diff < w_sum, "part {} weight {}", part, weight);
                prop_assert!(part.as_decimal() >= Decimal::ZERO);
            }
        }

        #[test]
        fn a_call_never_exceeds_what_is_uncalled(
            uncalled in proptest::collection::vec(0i64..5_000_000_000, 1..10),
            share in 0u32..=1000,
        ) {
            let remaining: i64 = uncalled.iter().sum();
            prop_assume!(remaining > 0);
            let call = i64::try_from(i128::from(remaining) * i128::from(share) / 1000).unwrap();
            let weights = fen(&uncalled);
            let parts = pro_rata(Money::from_fen(call), &weights).unwrap();
            for (part, rest) in parts.iter().zip(&weights) {
                prop_assert!(part <= rest);
            }
            if share == 1000 {
                prop_assert_eq!(parts, weights);
            }
        }

        #[test]
        fn equal_ratios_stay_equal_after_calls_paid_in_full(
            subscriptions in proptest::collection::vec(1i64..2_000_000_000, 2..8),
            calls in proptest::collection::vec(1u32..400, 1..6),
        ) {
            // Successive calls, each a share of what is left, allocated on the uncalled
            // amounts: the LPs' paid-in ratios stay equal, to the fen.
            let subs = fen(&subscriptions);
            let total: i128 = subs.iter().map(Money::fen).sum();
            let mut called = vec![0i128; subs.len()];
            for per_mille in calls {
                let uncalled: Vec<Money> = subs
                    .iter()
                    .zip(&called)
                    .map(|(s, c)| Money::from_fen(i64::try_from(s.fen() - c).unwrap()))
                    .collect();
                let rest: i128 = uncalled.iter().map(Money::fen).sum();
                let call = rest * i128::from(per_mille) / 1000;
                let parts = pro_rata(Money::from_fen(i64::try_from(call).unwrap()), &uncalled).unwrap();
                for (c, p) in called.iter_mut().zip(&parts) {
                    *c += p.fen();
                }
                let called_total: i128 = called.iter().sum();
                for (c, s) in called.iter().zip(&subs) {
                    // Each LP's called amount stays within two fen of its exact share of
                    // everything called so far, C × s / S: |c × S − C × s| < 2 S. (An
                    // observed bound: each call's rounding error shrinks by the share called
                    // and one new error, below a fen, is added.)
                    let diff = (c * total - called_total * s.fen()).abs();
                    prop_assert!(diff < 2 * total, "called {} of {}", c, s);
                }
            }
            // The last call takes everything left: every LP has then paid in exactly its
            // subscription, a paid-in ratio of exactly 100% for all.
            let uncalled: Vec<Money> = subs
                .iter()
                .zip(&called)
                .map(|(s, c)| Money::from_fen(i64::try_from(s.fen() - c).unwrap()))
                .collect();
            let rest: i128 = uncalled.iter().map(Money::fen).sum();
            if rest > 0 {
                let parts = pro_rata(Money::from_fen(i64::try_from(rest).unwrap()), &uncalled).unwrap();
                for ((c, p), s) in called.iter_mut().zip(&parts).zip(&subs) {
                    *c += p.fen();
                    prop_assert_eq!(*c, s.fen());
                }
            }
        }
    }
}
