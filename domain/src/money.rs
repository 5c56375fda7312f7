//! Exact CNY amounts (人民币), kept to the fen (0.01).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The largest amount the system accepts: one trillion yuan (10^12), far beyond any fund.
pub const MAX_YUAN: i64 = 1_000_000_000_000;

/// An exact amount of CNY with exactly two decimal places. Serialized as a decimal string,
/// e.g. `"1000000.00"`. Construct with [`Money::parse`] or [`Money::from_yuan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(Decimal);

/// Zero yuan, written `0.00` like every other amount.
impl Default for Money {
    fn default() -> Self {
        Money::ZERO
    }
}

/// Why a string is not an amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Not a decimal number.
    #[error("not a decimal amount: {0:?}")]
    NotANumber(String),
    /// Not written as amounts are ([`Money::parse_exact`]).
    #[error("expected an amount such as \"1000000.00\" (at most two decimals), got {0:?}")]
    Malformed(String),
    /// More than two decimal places (below the fen).
    #[error("more than two decimal places: {0}")]
    TooPrecise(String),
    /// Outside ±10^12 yuan.
    #[error("amount out of range: {0}")]
    OutOfRange(String),
}

impl Money {
    /// Zero yuan.
    pub const ZERO: Money = Money(Decimal::from_parts(0, 0, 0, false, 2));

    /// Parses a decimal string with at most two decimal places, within ±10^12 yuan.
    pub fn parse(s: &str) -> Result<Self, MoneyError> {
        let d = Decimal::from_str(s.trim()).map_err(|_| MoneyError::NotANumber(s.to_owned()))?;
        Self::from_decimal(d)
    }

    /// Parses an amount as it is written on the wire and in the log: an optional `-`, 1 to
    /// 13 digits, then optionally `.` and one or two digits; no spaces, `+`, exponent or third
    /// decimal (not even a zero); within ±10^12 yuan. This is what deserializing reads.
    pub fn parse_exact(s: &str) -> Result<Self, MoneyError> {
        let digits = s.strip_prefix('-').unwrap_or(s);
        let (int, frac) = match digits.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (digits, None),
        };
        let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        let shaped = (1..=13).contains(&int.len())
            && all_digits(int)
            && frac.is_none_or(|f| (1..=2).contains(&f.len()) && all_digits(f));
        if !shaped {
            return Err(MoneyError::Malformed(s.to_owned()));
        }
        Money::parse(s)
    }

    /// Accepts a decimal with at most two significant decimal places, within ±10^12 yuan.
    pub fn from_decimal(d: Decimal) -> Result<Self, MoneyError> {
        let normalized = d.normalize();
        if normalized.scale() > 2 {
            return Err(MoneyError::TooPrecise(d.to_string()));
        }
        if d.abs() > Decimal::from(MAX_YUAN) {
            return Err(MoneyError::OutOfRange(d.to_string()));
        }
        let mut v = normalized;
        v.rescale(2);
        Ok(Money(v))
    }

    /// A whole number of yuan.
    pub fn from_yuan(yuan: i64) -> Self {
        let mut d = Decimal::from(yuan);
        d.rescale(2);
        Money(d)
    }

    /// An amount in fen (1/100 yuan).
    pub fn from_fen(fen: i64) -> Self {
        Money(Decimal::new(fen, 2))
    }

    /// The amount as a decimal with scale 2.
    pub fn as_decimal(&self) -> Decimal {
        self.0
    }

    /// The amount in fen.
    pub fn fen(&self) -> i128 {
        self.0.mantissa()
    }

    /// Whether the amount is strictly positive.
    pub fn is_positive(&self) -> bool {
        self.0 > Decimal::ZERO
    }
}

/// Sums and differences stay exact with two decimals (amounts here are far below Decimal's
/// range, so they cannot overflow).
impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, other: Money) -> Money {
        Money(self.0 + other.0)
    }
}

impl std::ops::Sub for Money {
    type Output = Money;
    fn sub(self, other: Money) -> Money {
        Money(self.0 - other.0)
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + b)
    }
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for Money {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse(s)
    }
}

impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Money::parse_exact(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_and_prints_two_decimals() {
        assert_eq!(Money::parse("1000000").unwrap().to_string(), "1000000.00");
        assert_eq!(Money::parse("0.1").unwrap().to_string(), "0.10");
        assert_eq!(Money::parse("12.340").unwrap().to_string(), "12.34");
    }

    #[test]
    fn refuses_below_the_fen() {
        assert!(matches!(
            Money::parse("0.001"),
            Err(MoneyError::TooPrecise(_))
        ));
    }

    #[test]
    fn refuses_garbage_and_out_of_range() {
        assert!(matches!(
            Money::parse("ten"),
            Err(MoneyError::NotANumber(_))
        ));
        assert!(matches!(
            Money::parse("1000000000000.01"),
            Err(MoneyError::OutOfRange(_))
        ));
        assert!(Money::parse("1000000000000.00").is_ok());
    }

    #[test]
    fn sums_and_differences_keep_two_decimals() {
        let a = Money::parse("10.5").unwrap();
        let b = Money::parse("0.25").unwrap();
        assert_eq!((a + b).to_string(), "10.75");
        assert_eq!((b - a).to_string(), "-10.25");
        assert_eq!([a, b, b].into_iter().sum::<Money>().to_string(), "11.00");
    }

    #[test]
    fn zero_is_written_with_its_two_decimals() {
        assert_eq!(serde_json::to_string(&Money::ZERO).unwrap(), "\"0.00\"");
        assert_eq!(Money::ZERO.to_string(), "0.00");
        assert_eq!(Money::ZERO, Money::from_fen(0));
        assert_eq!(Money::default().to_string(), "0.00");
    }

    #[test]
    fn serializes_as_string() {
        let m = Money::from_fen(12345);
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"123.45\"");
        let back: Money = serde_json::from_str("\"123.45\"").unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn deserializes_only_the_exact_format() {
        for ok in ["0", "-12.34", "1.5", "1000000000000.00", "-1000000000000"] {
            let json = format!("\"{ok}\"");
            assert!(serde_json::from_str::<Money>(&json).is_ok(), "{ok}");
        }
        for bad in [
            "",
            " 100",
            "100 ",
            "+1",
            "1e5",
            "1E5",
            "12.340",
            "1.",
            ".5",
            "1,000",
            "--1",
            "NaN",
            "inf",
            "0x10",
            "10000000000000",
            "1000000000000.01",
            "１００",
        ] {
            let json = format!("\"{bad}\"");
            assert!(serde_json::from_str::<Money>(&json).is_err(), "{bad:?}");
        }
        assert!(serde_json::from_str::<Money>("100").is_err());
    }

    proptest! {
        #[test]
        fn fen_round_trip(fen in -100_000_000_000_000i64..100_000_000_000_000i64) {
            let m = Money::from_fen(fen);
            prop_assert_eq!(m.fen(), i128::from(fen));
            prop_assert_eq!(Money::parse(&m.to_string()).unwrap(), m);
            // What is serialized is read back, as the log needs.
            let json = serde_json::to_string(&m).unwrap();
            prop_assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
        }
    }
}
