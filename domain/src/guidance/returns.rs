//! The arithmetic of a guidance fund's returns: the profit concession (让利) on an exit
//! distribution from a sub-fund, the fund-level loss tolerance (容错率, SPEC §9), and local
//! reinvestment (返投) against its target (SPEC §10).

use super::{half_up, ConcessionPolicy};
use crate::Money;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// The profit concession on one exit distribution from a sub-fund, with its figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Concession {
    /// What the guidance fund's share of the distribution would be without a concession.
    pub proceeds: Money,
    /// The cost of the guidance fund's interest that the distribution returns.
    pub cost: Money,
    /// The excess return: `max(proceeds − cost, 0)`.
    pub excess: Money,
    /// The share conceded, as applied (`0..=1`).
    pub share: Decimal,
    /// The cap, if any (a negative cap counts as zero).
    pub cap: Option<Money>,
    /// `excess × share`, rounded half up to the fen, before the cap.
    pub uncapped: Money,
    /// What is conceded to the other investors: `uncapped`, at most the cap.
    pub conceded: Money,
    /// What the guidance fund keeps: `proceeds − conceded`.
    pub kept: Money,
}

/// The concession `policy` grants on `proceeds` returning `cost`: only an excess return is
/// conceded, never principal (a loss concedes nothing). The share is clamped to `0..=1`
/// (policies are validated to it).
pub fn concede(policy: &ConcessionPolicy, proceeds: Money, cost: Money) -> Concession {
    let excess = (proceeds - cost).max(Money::ZERO);
    let share = policy.share.clamp(Decimal::ZERO, Decimal::ONE);
    let cap = policy.cap.map(|c| c.max(Money::ZERO));
    let uncapped = half_up(excess.as_decimal() * share);
    let conceded = cap.map_or(uncapped, |c| uncapped.min(c));
    Concession {
        proceeds,
        cost,
        excess,
        share,
        cap,
        uncapped,
        conceded,
        kept: proceeds - conceded,
    }
}

/// Where the fund stands against its loss tolerance (容错率, SPEC §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LossTolerance {
    /// The realised losses (negative figures count as zero).
    pub realised_losses: Money,
    /// The fund's paid-in capital.
    pub paid_in: Money,
    /// `realised_losses ÷ paid_in`, rounded half up to 6 decimals (shown with all 6); `None` without paid-in.
    pub ratio: Option<Decimal>,
    /// The policy's threshold.
    pub threshold: Decimal,
    /// The largest loss within the threshold: `threshold × paid_in` rounded down to the fen.
    pub limit: Money,
    /// Whether the losses are within the threshold, inclusive (`losses ≤ threshold ×
    /// paid_in`, compared exactly, not on the rounded ratio). Without paid-in, whether there
    /// is no loss.
    pub within: bool,
}

/// The loss-tolerance ratio of `realised_losses` to `paid_in` against `threshold`.
pub fn loss_tolerance(realised_losses: Money, paid_in: Money, threshold: Decimal) -> LossTolerance {
    let losses = realised_losses.max(Money::ZERO);
    let ratio = paid_in.is_positive().then(|| {
        let exact = losses.as_decimal().checked_div(paid_in.as_decimal());
        let mut r = exact
            .unwrap_or(Decimal::MAX)
            .round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero);
        r.rescale(6);
        r
    });
    let exact_limit = threshold
        .checked_mul(paid_in.max(Money::ZERO).as_decimal())
        .unwrap_or(Decimal::MAX);
    let limit = super::booked(exact_limit, RoundingStrategy::ToNegativeInfinity);
    LossTolerance {
        realised_losses: losses,
        paid_in,
        ratio,
        threshold,
        limit,
        within: losses <= limit,
    }
}

/// The realised losses of a fund: the sum of the losses of the projects whose realised result
/// (proceeds less cost released over their exits, e.g.
/// [`crate::fund::investments::Investment::realised`]) is negative. A gain on one project does
/// not offset a loss on another: the tolerance is about the losses made.
pub fn realised_losses(results: impl IntoIterator<Item = Money>) -> Money {
    results
        .into_iter()
        .filter(|r| *r < Money::ZERO)
        .map(|r| Money::ZERO - r)
        .sum()
}

/// A sub-fund's local reinvestment (返投) against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reinvestment {
    /// The guidance fund's commitment.
    pub commitment: Money,
    /// The policy's multiple.
    pub multiple: Decimal,
    /// The target: `commitment × multiple`, rounded half up to the fen.
    pub target: Money,
    /// The sub-fund's investments in local companies so far.
    pub local: Money,
    /// What is still missing: `max(target − local, 0)`.
    pub shortfall: Money,
    /// Whether the sub-fund is behind its target (`local < target`).
    pub behind: bool,
}

/// `local` investments of a sub-fund against `multiple` × `commitment`.
pub fn reinvestment(local: Money, commitment: Money, multiple: Decimal) -> Reinvestment {
    let product = commitment
        .as_decimal()
        .checked_mul(multiple)
        .unwrap_or(Decimal::MAX);
    let target = half_up(product);
    Reinvestment {
        commitment,
        multiple,
        target,
        local,
        shortfall: (target - local).max(Money::ZERO),
        behind: local < target,
    }
}
