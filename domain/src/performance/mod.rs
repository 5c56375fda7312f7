//! Fund performance figures of the management reports (SPEC §8): NAV, IRR (gross and net),
//! TVPI, DPI, RVPI and per-investment MOIC, computed without floating point so that a report
//! recomputed from the same events is byte for byte the same on every platform.
//!
//! # IRR: [`xirr`]
//! The annual rate `r` solving `Σ aᵢ / (1 + r)^((dᵢ − d₀)/365) = 0` (actual/365, `d₀` the
//! earliest date). `(1 + r)^(−t)` is `exp(−t · ln(1 + r))` with `ln` and `exp` evaluated on
//! [`Decimal`] by series with a fixed number of terms (see `decimal_math`). The rate is found
//! by bisection on `[−0.9999, 10]` (−99.99 % to +1,000 % a year) on the sign of the present
//! value, until the bracket is at most 10⁻¹⁰ wide (at most [`MAX_BISECTIONS`] halvings, about
//! 37 are needed), and its midpoint is rounded half away from zero to 6 decimal places
//! (`0.123457` = 12.3457 %). To keep every term within Decimal's range the present value is
//! taken at the latest date instead of the earliest when `r < 0`: that multiplies it by a
//! positive factor and leaves its sign, and so the root, unchanged.
//!
//! No flows, flows of one sign only, or all flows on one day: there is no rate (`None`).
//! Several roots (flows changing sign more than once): bisection returns one of them, always
//! the same one. The present value of the same sign at both ends of the bracket: the rate is
//! outside it or there is an even number of roots in it ([`PerformanceError::RateOutOfRange`]).
//!
//! Speed without floating point in the result: the sign of the present value at the ends of
//! the bracket and at each midpoint is first estimated in `f64` (`sign_filter`). Only when
//! that estimate is beyond doubt — its magnitude above 10⁻⁸ of the flows' total magnitude,
//! hundreds of times the `f64` error bound — is it used; otherwise the decimal present value
//! decides. So every halving goes the way the decimal evaluation would send it, the bracket
//! and the rate are the decimal bisection's to the digit on every platform, and only the few
//! halvings near the root pay for decimal `ln`/`exp`.
//!
//! # Gross and net
//! - Gross IRR ([`gross_irr`]): the fund's flows with its investments — injections paid out,
//!   proceeds received, and the holdings' NAV received on the as-of date.
//! - Net IRR ([`net_irr`]): the LPs' flows with the fund — capital paid in, distributions
//!   received, and the fund's NAV received on the as-of date.
//!
//! # Multiples: [`multiples`], [`moic`]
//! TVPI = (distributed + NAV) / paid-in, DPI = distributed / paid-in, RVPI = NAV / paid-in, and
//! per investment MOIC = (proceeds + remaining value) / cost, each rounded half away from zero
//! to 4 decimal places; none when the denominator is zero.
//!
//! # NAV: [`nav`]
//! Each holding at its recorded valuation, or at the cost not yet exited when there is none,
//! plus the cash.

mod decimal_math;
mod sign_filter;

#[cfg(test)]
mod tests;

use crate::Money;
use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use std::cmp::Ordering;

/// Decimal places of an IRR (`0.123457`).
pub const RATE_DECIMALS: u32 = 6;

/// Decimal places of a multiple (`1.2346`).
pub const MULTIPLE_DECIMALS: u32 = 4;

/// The most halvings of the bracket [`xirr`] performs (the tolerance is reached after 37).
pub const MAX_BISECTIONS: u32 = 64;

/// One dated cash flow of an IRR: negative when paid out by the investor, positive when
/// received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CashFlow {
    /// The value date.
    pub on: NaiveDate,
    /// The amount, signed.
    pub amount: Money,
}

/// One investment held at the as-of date, for [`nav`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holding {
    /// What was paid for the part not yet exited.
    pub cost_not_exited: Money,
    /// The latest recorded valuation, if any.
    pub valuation: Option<Money>,
}

/// TVPI, DPI and RVPI, each `None` when nothing was paid in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Multiples {
    /// Total value to paid-in: (distributed + NAV) / paid-in.
    pub tvpi: Option<Decimal>,
    /// Distributed to paid-in.
    pub dpi: Option<Decimal>,
    /// Residual value (NAV) to paid-in.
    pub rvpi: Option<Decimal>,
}

/// Why a performance figure cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PerformanceError {
    /// The flows change sign but the rate is not within −99.99 % ..= +1,000 % a year (or an
    /// even number of rates are).
    #[error("the IRR is not between -99.99% and +1000% a year")]
    RateOutOfRange,
    /// The amounts are too large to discount within Decimal's range.
    #[error("the cash flows are too large to compute an IRR")]
    Overflow,
    /// A flow given as a magnitude (paid in, distributed, NAV, ...) is negative.
    #[error("amount must not be negative: {0}")]
    NegativeAmount(Money),
    /// A flow is dated after the as-of date of the IRR.
    #[error("cash flow on {0} is after the as-of date")]
    AfterAsOf(NaiveDate),
}

impl crate::Rejection for PerformanceError {
    fn code(&self) -> &'static str {
        match self {
            PerformanceError::RateOutOfRange => "irr_out_of_range",
            PerformanceError::Overflow => "irr_overflow",
            PerformanceError::NegativeAmount(_) => "negative_amount",
            PerformanceError::AfterAsOf(_) => "flow_after_as_of",
        }
    }
}

/// The annual internal rate of return of `flows` (actual/365), rounded half away from zero to
/// [`RATE_DECIMALS`] places; see the [module documentation](self) for the method.
pub fn xirr(flows: &[CashFlow]) -> Result<Option<Decimal>, PerformanceError> {
    Ok(solve(flows, true)?.map(|rate| rounded(rate, RATE_DECIMALS)))
}

/// The unrounded rate of [`xirr`], with the `f64` sign filter (`filter`) or with every sign
/// decided in decimal (the two agree to the digit: a test holds them to it).
fn solve(flows: &[CashFlow], filter: bool) -> Result<Option<Decimal>, PerformanceError> {
    let has_out = flows.iter().any(|f| f.amount.as_decimal() < Decimal::ZERO);
    let has_in = flows.iter().any(|f| f.amount.is_positive());
    let (Some(first), Some(last)) = (
        flows.iter().map(|f| f.on).min(),
        flows.iter().map(|f| f.on).max(),
    ) else {
        return Ok(None);
    };
    if !has_out || !has_in || first == last {
        return Ok(None);
    }
    let dated: Vec<(i64, Decimal)> = flows
        .iter()
        .map(|f| ((f.on - first).num_days(), f.amount.as_decimal()))
        .collect();
    let last_day = (last - first).num_days();

    let mut lo = Decimal::new(-9999, 4);
    let mut hi = Decimal::TEN;
    let estimate = if filter {
        sign_filter::SignFilter::new(&dated, last_day)
    } else {
        None
    };
    // The sign at `rate`: the estimate's when beyond doubt, the decimal evaluation's otherwise.
    let sign = |rate: Decimal| match estimate.as_ref().and_then(|f| f.sign(rate)) {
        Some(sign) => Ok(sign),
        None => present_value_sign(&dated, last_day, rate),
    };
    let lo_sign = sign(lo)?;
    let hi_sign = sign(hi)?;
    if lo_sign == Ordering::Equal {
        return Ok(Some(lo));
    }
    if hi_sign == Ordering::Equal {
        return Ok(Some(hi));
    }
    if lo_sign == hi_sign {
        return Err(PerformanceError::RateOutOfRange);
    }
    let tolerance = Decimal::new(1, 10);
    for _ in 0..MAX_BISECTIONS {
        if hi - lo <= tolerance {
            break;
        }
        let mid = (lo + hi) / Decimal::TWO;
        match sign(mid)? {
            Ordering::Equal => return Ok(Some(mid)),
            sign if sign == lo_sign => lo = mid,
            _ => hi = mid,
        }
    }
    Ok(Some((lo + hi) / Decimal::TWO))
}

/// The sign of the present value of `(day, amount)` flows at `rate`, taken at day 0 when
/// `rate ≥ 0` and at `last_day` when `rate < 0`, so that every discount factor is at most 1.
fn present_value_sign(
    dated: &[(i64, Decimal)],
    last_day: i64,
    rate: Decimal,
) -> Result<Ordering, PerformanceError> {
    let log = decimal_math::ln(Decimal::ONE + rate).ok_or(PerformanceError::Overflow)?;
    let reference = if log < Decimal::ZERO { last_day } else { 0 };
    let year = Decimal::from(365);
    let mut sum = Decimal::ZERO;
    for (day, amount) in dated {
        // (1 + r)^-(t - t_ref) with t in years: exponent ≤ 0 by the choice of reference.
        let exponent = -(Decimal::from(day - reference) * log) / year;
        let factor = decimal_math::exp(exponent).ok_or(PerformanceError::Overflow)?;
        sum = amount
            .checked_mul(factor)
            .and_then(|term| sum.checked_add(term))
            .ok_or(PerformanceError::Overflow)?;
    }
    Ok(sum.cmp(&Decimal::ZERO))
}

/// The gross IRR: `injections` into the investments (paid out) and `proceeds` from them
/// (received), given as non-negative amounts, plus the holdings' NAV received on `as_of`.
pub fn gross_irr(
    injections: &[CashFlow],
    proceeds: &[CashFlow],
    holdings_nav: Money,
    as_of: NaiveDate,
) -> Result<Option<Decimal>, PerformanceError> {
    xirr(&signed_flows(injections, proceeds, holdings_nav, as_of)?)
}

/// The net IRR: the LPs' `paid_in` capital (paid out) and the `distributions` to them
/// (received), given as non-negative amounts, plus the fund's NAV received on `as_of`.
pub fn net_irr(
    paid_in: &[CashFlow],
    distributions: &[CashFlow],
    fund_nav: Money,
    as_of: NaiveDate,
) -> Result<Option<Decimal>, PerformanceError> {
    xirr(&signed_flows(paid_in, distributions, fund_nav, as_of)?)
}

/// The flows of an IRR as of `as_of`: `paid_out` negated, `received` as they are, and the
/// terminal `value` received on `as_of` (left out when zero). Every amount must be
/// non-negative and no flow may be after `as_of`.
pub fn signed_flows(
    paid_out: &[CashFlow],
    received: &[CashFlow],
    value: Money,
    as_of: NaiveDate,
) -> Result<Vec<CashFlow>, PerformanceError> {
    let terminal = CashFlow {
        on: as_of,
        amount: value,
    };
    let mut flows = Vec::with_capacity(paid_out.len() + received.len() + 1);
    for (flow, paid) in paid_out
        .iter()
        .map(|f| (f, true))
        .chain(received.iter().map(|f| (f, false)))
        .chain(std::iter::once((&terminal, false)))
    {
        if flow.amount.as_decimal() < Decimal::ZERO {
            return Err(PerformanceError::NegativeAmount(flow.amount));
        }
        if flow.on > as_of {
            return Err(PerformanceError::AfterAsOf(flow.on));
        }
        if flow.amount.is_positive() {
            let amount = if paid {
                Money::ZERO - flow.amount
            } else {
                flow.amount
            };
            flows.push(CashFlow {
                on: flow.on,
                amount,
            });
        }
    }
    Ok(flows)
}

/// TVPI, DPI and RVPI of a fund that has `paid_in` capital, `distributed` to its LPs and is
/// worth `nav`.
pub fn multiples(paid_in: Money, distributed: Money, nav: Money) -> Multiples {
    Multiples {
        tvpi: ratio(distributed + nav, paid_in),
        dpi: ratio(distributed, paid_in),
        rvpi: ratio(nav, paid_in),
    }
}

/// The multiple on invested capital of one investment: (`realised_value` + `remaining_value`)
/// / `invested`, `None` when nothing was invested.
pub fn moic(invested: Money, realised_value: Money, remaining_value: Money) -> Option<Decimal> {
    ratio(realised_value + remaining_value, invested)
}

/// The net asset value: each holding at its valuation, or at cost when it has none, plus
/// `cash`.
pub fn nav(holdings: &[Holding], cash: Money) -> Money {
    holdings
        .iter()
        .map(|h| h.valuation.unwrap_or(h.cost_not_exited))
        .sum::<Money>()
        + cash
}

/// `numerator / denominator` to [`MULTIPLE_DECIMALS`] places, `None` when dividing by zero.
fn ratio(numerator: Money, denominator: Money) -> Option<Decimal> {
    numerator
        .as_decimal()
        .checked_div(denominator.as_decimal())
        .map(|q| rounded(q, MULTIPLE_DECIMALS))
}

/// `value` rounded half away from zero to `places`, always printed with exactly `places`
/// decimals (`0.100000`, not `0.1`), so reports print the same digits.
fn rounded(value: Decimal, places: u32) -> Decimal {
    let mut r = value.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(places);
    r
}
