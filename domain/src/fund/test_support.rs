//! Helpers shared by the fund aggregate's tests.

use crate::{LpId, Money};
use chrono::NaiveDate;
use uuid::Uuid;

/// A date from `YYYY-MM-DD`.
pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Whole yuan.
pub fn yuan(y: i64) -> Money {
    Money::from_yuan(y)
}

/// The LP numbered `n`.
pub fn lp(n: u128) -> LpId {
    LpId(Uuid::from_u128(n))
}
