//! Tests of [`super::pro_rata`] and [`super::pro_rata_with_carry`]: examples, and property
//! tests of one allocation and of successive capital calls on the uncalled amounts.

use super::*;
use proptest::prelude::*;

fn yuan(v: &[i64]) -> Vec<Money> {
    v.iter().map(|y| Money::from_yuan(*y)).collect()
}

fn fen(v: &[i64]) -> Vec<Money> {
    v.iter().map(|f| Money::from_fen(*f)).collect()
}

fn carry(v: &[(i128, i128)]) -> Vec<Carry> {
    v.iter()
        .map(|(n, d)| Carry::ratio(*n, *d).unwrap())
        .collect()
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
    let behind = carry(&[(5, 3), (-1, 2), (7, 1), (9, 1)]);
    assert_eq!(
        pro_rata_with_carry(total, &uncalled, &behind).unwrap(),
        uncalled
    );
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
    assert_eq!(
        pro_rata_with_carry(Money::from_fen(1), &fen(&[1, 1]), &[Carry::ZERO]),
        Err(AllocationError::CarryMismatch)
    );
}

#[test]
fn the_left_over_fen_go_to_the_parts_furthest_behind() {
    let total = Money::from_fen(1);
    // 1 fen over three equal weights: a third of a fen each. Without a carry the first gets
    // it; the second, half a fen behind, gets it with its carry.
    let weights = fen(&[1, 1, 1]);
    assert_eq!(pro_rata(total, &weights).unwrap(), fen(&[1, 0, 0]));
    let behind = carry(&[(0, 1), (1, 2), (0, 1)]);
    assert_eq!(
        pro_rata_with_carry(total, &weights, &behind).unwrap(),
        fen(&[0, 1, 0])
    );
    // A part ahead (negative carry) gives way to the others.
    let ahead = carry(&[(-1, 10), (0, 1), (0, 1)]);
    assert_eq!(
        pro_rata_with_carry(total, &weights, &ahead).unwrap(),
        fen(&[0, 1, 0])
    );
}

#[test]
fn a_whole_share_never_gets_a_left_over_fen_however_far_behind() {
    // 2 fen over 2 : 1 : 1 → exact 1, ½, ½: the first share is whole, the fen left over goes
    // to a half, even though the first part is ten fen behind.
    let behind = carry(&[(10, 1), (0, 1), (0, 1)]);
    let parts = pro_rata_with_carry(Money::from_fen(2), &fen(&[2, 1, 1]), &behind).unwrap();
    assert_eq!(parts, fen(&[1, 1, 0]));
}

#[test]
fn equal_keys_are_compared_exactly_and_go_to_the_earlier_part() {
    // 1 fen over 2 : 3 : 1 → remainders ⅓, ½, ⅙. With a carry of ⅙ the first key is
    // ⅙ + ⅓ = ½, exactly the second's: a tie, to the earlier part.
    let weights = fen(&[2, 3, 1]);
    let total = Money::from_fen(1);
    assert_eq!(pro_rata(total, &weights).unwrap(), fen(&[0, 1, 0]));
    let tie = carry(&[(1, 6), (0, 1), (0, 1)]);
    assert_eq!(
        pro_rata_with_carry(total, &weights, &tie).unwrap(),
        fen(&[1, 0, 0])
    );
    // The same carry written 2/12: the same fraction.
    assert_eq!(Carry::ratio(2, 12), Carry::ratio(-1, -6));
    // One part in 10^30 less and the second wins.
    let less = Carry::ratio(10i128.pow(30) / 6 * 6 - 6, 6 * 10i128.pow(30)).unwrap();
    let parts = pro_rata_with_carry(total, &weights, &[less, Carry::ZERO, Carry::ZERO]);
    assert_eq!(parts.unwrap(), fen(&[0, 1, 0]));
}

#[test]
fn keys_beyond_i128_are_ranked_as_decimals() {
    // A carry of about 0.1 fen over a denominator near 10^38: the key's fraction overflows
    // i128 and is ranked as a 28-digit decimal, still ahead of the other half.
    let big = Carry::ratio(10i128.pow(37), 10i128.pow(38) + 1).unwrap();
    let weights = fen(&[1, 1]);
    let parts = pro_rata_with_carry(Money::from_fen(1), &weights, &[Carry::ZERO, big]).unwrap();
    assert_eq!(parts, fen(&[0, 1]));
    let parts = pro_rata_with_carry(Money::from_fen(1), &weights, &[big, Carry::ZERO]).unwrap();
    assert_eq!(parts, fen(&[1, 0]));
    assert_eq!(
        Carry::from_decimal(Decimal::new(-25, 2)),
        Carry::ratio(-1, 4).unwrap()
    );
    assert_eq!(Carry::ratio(1, 0), None);
}

/// `|part − total × w ÷ W| < 1 fen`, exactly in integers.
fn within_a_fen(part: i128, total: i128, weight: i128, weights: i128) -> bool {
    (part * weights - total * weight).abs() < weights
}

/// The carry of a capital call (as in `fund::capital::behind_after`): how far a
/// subscription `s`, called `c` so far, is behind its exact share of the `called` total of
/// `subscribed`, times the fraction `(uncalled − amount) ÷ uncalled` the call leaves.
fn behind_after(s: i128, c: i128, subscribed: i128, called: i128, amount: i128) -> Carry {
    let uncalled = subscribed - called;
    let deficit = s * called - c * subscribed;
    Carry::ratio(deficit * (uncalled - amount), subscribed * uncalled).unwrap()
}

/// Successive calls on one tranche, each allocated with carry on the uncalled amounts;
/// returns the largest `|c_i × S − C × s_i|` after any call (S times the drift in fen).
fn successive_calls(subscriptions: &[i64], calls: &[i128]) -> Result<i128, TestCaseError> {
    let subscribed: i128 = subscriptions.iter().map(|s| i128::from(*s)).sum();
    let mut called = vec![0i128; subscriptions.len()];
    let mut worst = 0;
    for amount in calls {
        let total: i128 = called.iter().sum();
        let weights: Vec<Money> = (0..called.len())
            .map(|i| Money::from_fen(subscriptions[i] - i64::try_from(called[i]).unwrap()))
            .collect();
        let carry: Vec<Carry> = (0..called.len())
            .map(|i| {
                behind_after(
                    subscriptions[i].into(),
                    called[i],
                    subscribed,
                    total,
                    *amount,
                )
            })
            .collect();
        let money = Money::from_fen(i64::try_from(*amount).unwrap());
        let parts = pro_rata_with_carry(money, &weights, &carry).unwrap();
        let uncalled = subscribed - total;
        prop_assert_eq!(parts.iter().map(Money::fen).sum::<i128>(), *amount);
        for ((part, weight), c) in parts.iter().zip(&weights).zip(called.iter_mut()) {
            // The call itself: within a fen of the exact share, never beyond the rest.
            prop_assert!(within_a_fen(part.fen(), *amount, weight.fen(), uncalled));
            prop_assert!(part <= weight);
            *c += part.fen();
        }
        let total = total + amount;
        for (c, s) in called.iter().zip(subscriptions) {
            worst = worst.max((c * subscribed - total * i128::from(*s)).abs());
        }
    }
    Ok(worst)
}

#[test]
fn the_smallest_drift_of_a_full_fen() {
    // Subscriptions of 1, 1, 1, 1, 4 and 4 fen (the smallest total, 12 fen, on which the
    // rule leaves an LP a full fen from its share; found by exhaustive search). A call of
    // 8 fen: exact shares ⅔ and 2⅔, four fen left over, tied, to the first four LPs. Then a
    // call of 1 fen on the last two (½ each, both exactly one fen behind once booked): the
    // first gets it, and the last has paid 2 fen of an exact 9 × 4 ÷ 12 = 3.
    let worst = successive_calls(&[1, 1, 1, 1, 4, 4], &[8, 1]).unwrap();
    assert_eq!(worst, 12);
}

#[test]
fn the_largest_drift_found() {
    // An adversarial search over small subscriptions and call sequences found no drift
    // above this one: after the 45th call the sixth LP (55 of 281 fen) has been called 32
    // fen of an exact 9350/281 = 33.27, 358/281 = 1.274 fen behind.
    let subscriptions = [50, 55, 50, 6, 55, 55, 1, 6, 1, 1, 1];
    let calls = [
        33, 4, 1, 5, 5, 2, 2, 11, 1, 3, 7, 9, 3, 3, 2, 3, 5, 3, 4, 2, 1, 1, 3, 1, 8, 3, 5, 4, 3, 2,
        1, 5, 4, 3, 1, 2, 2, 4, 1, 1, 3, 1, 1, 1, 1, 4, 1, 5, 1, 5, 2, 3,
    ];
    assert_eq!(successive_calls(&subscriptions, &calls).unwrap(), 358);
}

proptest! {
    #[test]
    fn parts_sum_exactly_and_stay_within_a_fen_of_the_exact_share(
        total in 0i64..1_000_000_000_000,
        lps in proptest::collection::vec((0i64..10_000_000_000_000, -300i128..300), 1..12),
    ) {
        let weights: Vec<Money> = lps.iter().map(|l| Money::from_fen(l.0)).collect();
        prop_assume!(weights.iter().any(Money::is_positive));
        let behind: Vec<Carry> = lps.iter().map(|l| Carry::ratio(l.1, 97).unwrap()).collect();
        let w_sum: i128 = weights.iter().map(Money::fen).sum();
        let with_carry = pro_rata_with_carry(Money::from_fen(total), &weights, &behind).unwrap();
        for parts in [pro_rata(Money::from_fen(total), &weights).unwrap(), with_carry] {
            prop_assert_eq!(parts.len(), weights.len());
            prop_assert_eq!(parts.iter().map(Money::fen).sum::<i128>(), i128::from(total));
            for (part, weight) in parts.iter().zip(&weights) {
                let exact = i128::from(total) * weight.fen();
                prop_assert!(within_a_fen(part.fen(), total.into(), weight.fen(), w_sum));
                // A whole share is given exactly.
                if exact % w_sum == 0 {
                    prop_assert_eq!(part.fen(), exact / w_sum);
                }
            }
        }
    }

    #[test]
    fn fractions_compare_as_their_cross_products(
        a in -1_000_000_000i128..1_000_000_000, b in 1i128..1_000_000_000,
        c in -1_000_000_000i128..1_000_000_000, d in 1i128..1_000_000_000,
    ) {
        prop_assert_eq!(cmp_fractions(a, b, c, d), (a * d).cmp(&(c * b)));
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

    /// Successive calls with carry, each a share of what is left, on random subscriptions of
    /// one tranche: every call is within a fen of each exact share, and after every call
    /// each LP's called amount stays within 2 fen of its exact share of everything called,
    /// `|c_i − C × s_i ÷ S| < 2` (a bound tested, not proved; the largest drift found is
    /// 1.27 fen, and a full fen is reached, see `the_smallest_drift_of_a_full_fen`). The last
    /// call takes everything left: each LP has then paid exactly its subscription.
    #[test]
    fn paid_in_ratios_stay_within_two_fen_over_successive_calls(
        subscriptions in proptest::collection::vec(1i64..2_000_000_000, 2..10),
        small in proptest::collection::vec(1i64..50, 2..10),
        tiny in any::<bool>(),
        calls in proptest::collection::vec((0u32..3, 1i128..1000), 1..40),
    ) {
        // Small subscriptions make every fen count; large ones are realistic.
        let subscriptions = if tiny { small } else { subscriptions };
        let subscribed: i128 = subscriptions.iter().map(|s| i128::from(*s)).sum();
        let mut amounts = Vec::new();
        let mut rest = subscribed;
        for (kind, x) in calls {
            // A few fen, or a share (per mille or per million) of what is left.
            let amount = match kind {
                0 => x % 7 + 1,
                1 => rest * x / 1000,
                _ => rest * x / 1_000_000,
            }
            .clamp(1, rest.max(1));
            if rest == 0 {
                break;
            }
            amounts.push(amount);
            rest -= amount;
        }
        if rest > 0 {
            amounts.push(rest);
        }
        let worst = successive_calls(&subscriptions, &amounts)?;
        prop_assert!(worst < 2 * subscribed, "drift {worst}/{subscribed} fen");
    }
}
