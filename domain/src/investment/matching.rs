//! Paid-in matching (Art. 11, SPEC §2): "天使基金采取分期注资方式,按项目公司实缴资本占注册资本的
//! 比例,与项目公司其他股东同步到位" — the fund pays its commitment in stages, in step with the
//! other shareholders, according to the company's paid-in capital ÷ registered capital.
//!
//! When the company reports paid-in capital `P` of registered capital `R`, the fund must have
//! paid `required = commitment × P ÷ R` in total, and `due = max(required − already_paid, 0)`
//! is what it pays now; [`check_injection`] refuses more than that. A guidance fund's
//! commitment to a sub-fund follows the same rule with the sub-fund's called (paid-in) capital
//! and its size.
//!
//! # Rounding
//! Everything is computed in integer fen (`i128`), never in floating point. `required` is
//! rounded **half up** to the fen: `⌊(2·c·P + R) ÷ (2·R)⌋` with `c`, `P`, `R` in fen, i.e. the
//! exact quotient plus half a fen, rounded down (all terms are non-negative, so half up and
//! half away from zero agree). It is then capped at the commitment, which only matters as a
//! guard: `P ≤ R` already keeps it there.
//!
//! It is the *cumulative* amount that is rounded, never the increment, so the rounding does
//! not accumulate: `required` never decreases as `P` grows (rounding preserves order), the
//! dues paid over any non-decreasing sequence of reports add up to the `required` of the last
//! one, and at `P = R` that is the commitment to the fen. Example: 3,333,333.33 committed on
//! a registered capital of 10,000,000.00 — at 30% the exact 999,999.999 gives 1,000,000.00
//! due, at 60% 1,999,999.998 gives 2,000,000.00 cumulative and 1,000,000.00 due, at 100%
//! 1,333,333.33 is due: 3,333,333.33 in all.
//!
//! If the reported paid-in falls (a capital reduction) the fund is ahead: nothing is due, and
//! nothing is refunded here.

use crate::{Money, Rejection};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// What the fund must have paid of its commitment, and what is due now, with the figures used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    /// The fund's commitment to the company.
    pub commitment: Money,
    /// The company's registered capital (注册资本).
    pub registered_capital: Money,
    /// The company's paid-in capital as reported (实缴资本).
    pub company_paid_in: Money,
    /// What the fund must have paid in total: `commitment × paid_in ÷ registered`, rounded
    /// half up to the fen, at most the commitment.
    pub required_cumulative: Money,
    /// What the fund has paid so far.
    pub already_paid: Money,
    /// What the fund pays now: `max(required_cumulative − already_paid, 0)`.
    pub due: Money,
}

/// Why the amount due cannot be computed, or an injection is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MatchingError {
    /// The commitment is zero or negative.
    #[error("the commitment must be greater than zero")]
    NonPositiveCommitment,
    /// The registered capital is zero or negative.
    #[error("the registered capital must be greater than zero")]
    NonPositiveRegisteredCapital,
    /// The paid-in capital is negative or above the registered capital.
    #[error("the paid-in capital {paid_in} must be between zero and the registered capital {registered_capital}")]
    PaidInOutOfRange {
        /// The paid-in capital reported.
        paid_in: Money,
        /// The registered capital.
        registered_capital: Money,
    },
    /// What the fund has paid is negative or above its commitment.
    #[error("the amount already paid, {already_paid}, must be between zero and the commitment {commitment}")]
    AlreadyPaidOutOfRange {
        /// The amount already paid.
        already_paid: Money,
        /// The commitment.
        commitment: Money,
    },
    /// An amount beyond what the system accepts ([`crate::money::MAX_YUAN`]).
    #[error("an amount is out of range")]
    AmountOutOfRange,
    /// An injection of zero or a negative amount.
    #[error("the injection must be greater than zero")]
    NonPositiveInjection,
    /// An injection beyond what is due.
    #[error("the injection exceeds what is due under the paid-in ratio; {room} is due")]
    Overpayment {
        /// What may still be injected.
        room: Money,
    },
}

impl Rejection for MatchingError {
    fn code(&self) -> &'static str {
        match self {
            MatchingError::NonPositiveCommitment => "non_positive_commitment",
            MatchingError::NonPositiveRegisteredCapital => "non_positive_registered_capital",
            MatchingError::PaidInOutOfRange { .. } => "paid_in_out_of_range",
            MatchingError::AlreadyPaidOutOfRange { .. } => "already_paid_out_of_range",
            MatchingError::AmountOutOfRange => "amount_out_of_range",
            MatchingError::NonPositiveInjection => "non_positive_amount",
            MatchingError::Overpayment { .. } => "overpayment",
        }
    }

    fn rule(&self) -> Option<&'static str> {
        match self {
            MatchingError::Overpayment { .. } => Some("Art. 11"),
            _ => None,
        }
    }
}

/// What the fund must have paid of `commitment` once the company has `company_paid_in` of
/// `registered_capital` paid in, and what is due now given `already_paid` (see the module
/// documentation for the rounding).
pub fn due(
    commitment: Money,
    registered_capital: Money,
    company_paid_in: Money,
    already_paid: Money,
) -> Result<Due, MatchingError> {
    if !commitment.is_positive() {
        return Err(MatchingError::NonPositiveCommitment);
    }
    if !registered_capital.is_positive() {
        return Err(MatchingError::NonPositiveRegisteredCapital);
    }
    if company_paid_in < Money::ZERO || company_paid_in > registered_capital {
        return Err(MatchingError::PaidInOutOfRange {
            paid_in: company_paid_in,
            registered_capital,
        });
    }
    if already_paid < Money::ZERO || already_paid > commitment {
        return Err(MatchingError::AlreadyPaidOutOfRange {
            already_paid,
            commitment,
        });
    }
    let (c, p, r) = (
        commitment.fen(),
        company_paid_in.fen(),
        registered_capital.fen(),
    );
    let required = required_fen(c, p, r).ok_or(MatchingError::AmountOutOfRange)?;
    let now = (required - already_paid.fen()).max(0);
    Ok(Due {
        commitment,
        registered_capital,
        company_paid_in,
        required_cumulative: money(required)?,
        already_paid,
        due: money(now)?,
    })
}

/// Refuses an injection of more than `due.due` (or of nothing).
pub fn check_injection(due: &Due, amount: Money) -> Result<(), MatchingError> {
    if !amount.is_positive() {
        return Err(MatchingError::NonPositiveInjection);
    }
    if amount > due.due {
        return Err(MatchingError::Overpayment { room: due.due });
    }
    Ok(())
}

/// `c × p ÷ r` rounded half up, at most `c`, for `c > 0`, `0 ≤ p ≤ r`, `r > 0` (all in fen);
/// `None` on overflow, which amounts within [`crate::money::MAX_YUAN`] never reach.
fn required_fen(c: i128, p: i128, r: i128) -> Option<i128> {
    let twice = c.checked_mul(p)?.checked_mul(2)?;
    let twice_r = r.checked_mul(2)?;
    let rounded = twice.checked_add(r)? / twice_r;
    Some(rounded.min(c))
}

fn money(fen: i128) -> Result<Money, MatchingError> {
    let d =
        Decimal::try_from_i128_with_scale(fen, 2).map_err(|_| MatchingError::AmountOutOfRange)?;
    Money::from_decimal(d).map_err(|_| MatchingError::AmountOutOfRange)
}
