//! The `f64` estimate of the sign of a present value that lets [`super::xirr`] skip the
//! decimal evaluation when the answer is beyond doubt (see the module documentation there).
//!
//! The estimate sums `aᵢ · exp(−(dᵢ − d_ref) · ln(1 + r) / 365)` in `f64`, with the same
//! reference day as the decimal evaluation, so every factor is at most 1 and every term at
//! most `|aᵢ|`. Its error is far below `Σ|aᵢ| · 10⁻¹¹`: each term carries a relative error
//! of about `|exponent| · 2⁻⁵²` (at most about 300 · 2⁻⁵² ≈ 7 · 10⁻¹⁴ for a 30-year span at
//! −99.99 %), the rate's conversion to `f64` about `t / (1 + r) · 2⁻⁵³` (below 10⁻¹⁰ only in
//! that same corner), and the sum of n terms `n · 2⁻⁵³ · Σ|aᵢ|`. An estimate is trusted only
//! when its magnitude exceeds [`MARGIN`] `· Σ|aᵢ|`, so its sign is the exact present value's
//! sign, and the decimal evaluation (accurate to about 10⁻²⁸ relative) gives the same one.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// The share of the flows' total magnitude an estimate must exceed to be trusted.
const MARGIN: f64 = 1e-8;

/// The flows in `f64`, and the magnitude an estimate must exceed.
pub(super) struct SignFilter {
    flows: Vec<(f64, f64)>,
    last_day: f64,
    threshold: f64,
}

impl SignFilter {
    /// The filter of `(day, amount)` flows, or `None` when their total magnitude does not fit
    /// a Decimal (then every sign is left to the decimal evaluation, with its overflow
    /// errors) or is not a finite `f64`.
    pub(super) fn new(dated: &[(i64, Decimal)], last_day: i64) -> Option<SignFilter> {
        let total = dated
            .iter()
            .try_fold(Decimal::ZERO, |sum, (_, a)| sum.checked_add(a.abs()))?;
        let threshold = total.to_f64()? * MARGIN;
        let flows = dated
            .iter()
            .map(|(day, a)| Some((*day as f64, a.to_f64()?)))
            .collect::<Option<Vec<_>>>()?;
        threshold.is_finite().then_some(SignFilter {
            flows,
            last_day: last_day as f64,
            threshold,
        })
    }

    /// The sign of the present value at `rate` when the estimate is beyond doubt.
    pub(super) fn sign(&self, rate: Decimal) -> Option<Ordering> {
        // 1 + r exactly in decimal, then to f64: relative error 2⁻⁵³ even near r = −0.9999.
        let log = (Decimal::ONE + rate).to_f64()?.ln();
        let reference = if log < 0.0 { self.last_day } else { 0.0 };
        let value: f64 = self
            .flows
            .iter()
            .map(|(day, amount)| amount * (-(day - reference) * log / 365.0).exp())
            .sum();
        if !value.is_finite() || value.abs() <= self.threshold {
            return None;
        }
        Some(if value > 0.0 {
            Ordering::Greater
        } else {
            Ordering::Less
        })
    }
}
