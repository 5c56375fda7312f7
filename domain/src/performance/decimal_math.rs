//! `ln` and `exp` on [`Decimal`], with a fixed number of terms and exact decimal arithmetic,
//! so that they give the same digits on every platform (no floating point).
//!
//! - `ln(x)`: `x = m · 2^k` with `m ∈ [0.75, 1.5]`, then
//!   `ln m = 2·atanh(s) = 2·(s + s³/3 + s⁵/5 + …)` with `s = (m − 1)/(m + 1)`, `|s| ≤ 0.2`;
//!   [`SERIES_TERMS`] terms leave a truncation error below `0.2^61 ≈ 10^-42`.
//! - `exp(y)`: `y = k·ln 2 + r` with `|r| ≤ ln 2 / 2`, then the Taylor series of `e^r`
//!   ([`SERIES_TERMS`] terms: error below `0.35^31 / 31! ≈ 10^-48`) times `2^k`.
//!
//! What is left is Decimal's own rounding at 28 decimal places (about 28 significant digits
//! for values near one), far below the 10⁻¹⁰ the rates are solved to.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// Terms of each series (fixed, so the work and the digits never depend on the platform).
const SERIES_TERMS: u32 = 30;

/// ln 2 to 28 decimal places.
const LN_2: Decimal = Decimal::from_parts(0xAA7A_65BF, 0x81F5_2F01, 0x1665_943F, false, 28);

/// Below this, `e^y` is under Decimal's smallest positive value (10⁻²⁸) and is taken as 0.
const EXP_UNDERFLOW: i64 = -66;

/// Above this, `e^y` exceeds Decimal's range (about 7.9 × 10²⁸).
const EXP_OVERFLOW: i64 = 66;

/// The natural logarithm of `x`, or `None` unless `x > 0`.
pub(crate) fn ln(x: Decimal) -> Option<Decimal> {
    if x <= Decimal::ZERO {
        return None;
    }
    let two = Decimal::TWO;
    let upper = Decimal::new(15, 1);
    let lower = Decimal::new(75, 2);
    let mut m = x;
    let mut k: i64 = 0;
    // Decimal spans 10^-28 ..= 7.9 × 10^28, less than 2^-94 ..= 2^96: 200 steps always suffice.
    for _ in 0..200 {
        if m > upper {
            m = m.checked_div(two)?;
            k += 1;
        } else if m < lower {
            m = m.checked_mul(two)?;
            k -= 1;
        } else {
            break;
        }
    }
    let s = (m - Decimal::ONE).checked_div(m + Decimal::ONE)?;
    let s2 = s * s;
    let mut power = s;
    let mut sum = s;
    for n in 1..=SERIES_TERMS {
        power *= s2;
        sum += power / Decimal::from(2 * n + 1);
    }
    (two * sum).checked_add(LN_2.checked_mul(Decimal::from(k))?)
}

/// `e^y`, `0` when it is below 10⁻²⁸, `None` when it is beyond Decimal's range.
pub(crate) fn exp(y: Decimal) -> Option<Decimal> {
    if y < Decimal::from(EXP_UNDERFLOW) {
        return Some(Decimal::ZERO);
    }
    if y > Decimal::from(EXP_OVERFLOW) {
        return None;
    }
    let k = (y / LN_2).round();
    let r = y - k * LN_2;
    let mut term = Decimal::ONE;
    let mut sum = Decimal::ONE;
    for n in 1..=SERIES_TERMS {
        term = term * r / Decimal::from(n);
        sum += term;
    }
    // |k| ≤ 96 here, and 2^96 is just above Decimal's range: build 2^|k| by halves if needed.
    let k = k.to_i64()?;
    let mut result = sum;
    let two = Decimal::TWO;
    for _ in 0..k.unsigned_abs() {
        result = if k > 0 {
            result.checked_mul(two)?
        } else {
            result.checked_div(two)?
        };
    }
    Some(result)
}
