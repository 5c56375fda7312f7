//! Management fees (管理费, Art. 7): daily accrual on the base in force each day, assessed per
//! fee period with a breakdown by segment.
//!
//! - **Investment period** (投资期): the policy rate (default 1% a year) of each tranche's
//!   subscribed size (各期认缴规模), each tranche from its own subscription date.
//! - **Exit period** (退出期): the policy rate of the total cost of investments not yet exited
//!   (未退出项目总投资成本), as it stands each day.
//! - **Extension and liquidation** (延长期、清算期): no fee.
//!
//! A fee day `D` accrues `base(D) × rate / 365` (actual/365 fixed: a leap year has 366 fee
//! days, each still a 365th of the annual rate). [`assess`] groups the days of a period into
//! [`FeeSegment`]s, the maximal runs over which phase, component and base stay the same, and
//! rounds each segment once, half-up to the fen; the total is the sum of the rounded
//! segments. It is a pure function of its inputs, so assessing a period twice yields the same
//! assessment.
//!
//! All date ranges are inclusive of both ends: `from..=to` holds `(to - from) + 1` days.
//!
//! # Layout
//! - this file: the inputs, the assessment, [`FeeError`], and the calendar-year fee periods;
//! - `engine`: [`assess`] itself;
//! - `tests` (worked examples and boundaries), `rejection_tests` (invalid inputs, fee
//!   periods) and `oracle_tests` (property test against a day-by-day oracle).

use crate::{Money, Rejection};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

mod engine;
#[cfg(test)]
mod oracle_tests;
#[cfg(test)]
mod rejection_tests;
#[cfg(test)]
mod tests;

pub use engine::assess;

/// The management-fee policy parameters of a fund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeePolicy {
    /// Annual rate on the base, between 0 and 1 (default `0.01`, 1% a year).
    pub rate: Decimal,
    /// Denominator of the day count (default 365, actual/365 fixed): one day accrues
    /// `rate / day_count_basis` of the base, whatever the length of the year.
    pub day_count_basis: u32,
}

impl FeePolicy {
    /// The default annual rate of Art. 7: 1%.
    pub const DEFAULT_RATE: Decimal = Decimal::from_parts(1, 0, 0, false, 2);
    /// The default day-count basis: 365 (actual/365 fixed).
    pub const DEFAULT_DAY_COUNT_BASIS: u32 = 365;
}

impl Default for FeePolicy {
    fn default() -> Self {
        FeePolicy {
            rate: Self::DEFAULT_RATE,
            day_count_basis: Self::DEFAULT_DAY_COUNT_BASIS,
        }
    }
}

/// The fund's phases decide which base, if any, accrues a fee on a day: investment →
/// the tranches' subscribed sizes; exit → the cost of investments not yet exited; extension,
/// liquidation and closed → nothing. Days covered by no span (before establishment) accrue
/// nothing either.
pub use crate::fund::phases::{Phase, PhaseSpan};

/// A tranche's subscribed size (认缴规模), a fee base in the investment period from its
/// subscription date onward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrancheBase {
    /// The tranche number, 1-based; each number appears once.
    pub tranche: u32,
    /// Subscribed size of the tranche (认缴规模).
    pub subscribed: Money,
    /// Subscription date: the first fee day of the tranche.
    pub from: NaiveDate,
}

/// The total cost of investments not yet exited (未退出项目总投资成本), the fee base in the exit
/// period. It is in force from `on` (inclusive) until the next change; before the first change
/// it is zero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostBasisChange {
    /// First day the new total is in force; at most one change per day.
    pub on: NaiveDate,
    /// The total cost not yet exited from that day.
    pub cost_not_exited: Money,
}

/// What a fee segment is charged on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeComponent {
    /// The subscribed size of the tranche with this number (investment period).
    Tranche(u32),
    /// The cost of investments not yet exited (exit period).
    CostNotExited,
}

/// A run of consecutive fee days on one component with the same phase and base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeSegment {
    /// First day, inclusive.
    pub from: NaiveDate,
    /// Last day, inclusive.
    pub to: NaiveDate,
    /// What the fee is charged on.
    pub component: FeeComponent,
    /// The phase the days are in.
    pub phase: Phase,
    /// The base in force on every day of the segment.
    pub base: Money,
    /// The annual rate applied.
    pub rate: Decimal,
    /// Number of days, `(to - from) + 1`.
    pub days: u32,
    /// `base × rate × days / day_count_basis`, rounded half-up to the fen.
    pub amount: Money,
}

/// The management fee for one fee period, with its breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeAssessment {
    /// First day of the period, inclusive.
    pub period_from: NaiveDate,
    /// Last day of the period, inclusive.
    pub period_to: NaiveDate,
    /// The segments, ordered by first day, then component (tranches by number, then the
    /// cost not exited). Days without a fee have no segment.
    pub segments: Vec<FeeSegment>,
    /// The fee for the period: the sum of the segment amounts.
    pub total: Money,
}

/// Why a fee assessment cannot be made from its inputs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeeError {
    /// The period ends before it starts.
    #[error("the fee period ends on {to}, before it starts on {from}")]
    InvertedPeriod {
        /// First day given.
        from: NaiveDate,
        /// Last day given.
        to: NaiveDate,
    },
    /// A phase span ends before it starts.
    #[error("the {phase:?} phase ends on {to}, before it starts on {from}")]
    InvertedPhaseSpan {
        /// The phase.
        phase: Phase,
        /// First day given.
        from: NaiveDate,
        /// Last day given.
        to: NaiveDate,
    },
    /// Two phase spans share a day.
    #[error("the {earlier:?} and {later:?} phases overlap on {on}")]
    OverlappingPhases {
        /// The phase starting first.
        earlier: Phase,
        /// The phase starting on or after it, before it ends.
        later: Phase,
        /// The first day in both.
        on: NaiveDate,
    },
    /// A tranche size or cost basis is negative.
    #[error("negative fee base for {component:?} from {from}")]
    NegativeBase {
        /// The base's component.
        component: FeeComponent,
        /// The date the base is in force from.
        from: NaiveDate,
    },
    /// The same tranche number is given twice.
    #[error("tranche {tranche} is given more than once")]
    DuplicateTranche {
        /// The tranche number.
        tranche: u32,
    },
    /// Two cost-basis changes on the same day.
    #[error("more than one cost-basis change on {on}")]
    DuplicateCostBasisChange {
        /// The day.
        on: NaiveDate,
    },
    /// The annual rate is below 0 or above 1.
    #[error("the management fee rate must be between 0 and 1, not {rate}")]
    InvalidRate {
        /// The rate given.
        rate: Decimal,
    },
    /// The day-count basis is zero.
    #[error("the day-count basis must be greater than zero")]
    ZeroDayCountBasis,
    /// A fee is beyond the largest amount the system accepts.
    #[error("the fee is beyond the largest amount the system accepts")]
    OutOfRange,
}

impl Rejection for FeeError {
    fn code(&self) -> &'static str {
        match self {
            FeeError::InvertedPeriod { .. } => "fee_period_inverted",
            FeeError::InvertedPhaseSpan { .. } => "phase_span_inverted",
            FeeError::OverlappingPhases { .. } => "phases_overlap",
            FeeError::NegativeBase { .. } => "negative_fee_base",
            FeeError::DuplicateTranche { .. } => "duplicate_tranche",
            FeeError::DuplicateCostBasisChange { .. } => "duplicate_cost_basis_change",
            FeeError::InvalidRate { .. } => "invalid_fee_rate",
            FeeError::ZeroDayCountBasis => "invalid_day_count_basis",
            FeeError::OutOfRange => "fee_out_of_range",
        }
    }

    fn rule(&self) -> Option<&'static str> {
        match self {
            FeeError::NegativeBase { .. }
            | FeeError::InvalidRate { .. }
            | FeeError::ZeroDayCountBasis => Some("Art. 7"),
            FeeError::OverlappingPhases { .. } => Some("Art. 5"),
            _ => None,
        }
    }
}

/// The first and last day of a calendar year, the default fee period; `None` for a year
/// outside the dates the system can represent.
pub fn calendar_year(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(year, 1, 1)?,
        NaiveDate::from_ymd_opt(year, 12, 31)?,
    ))
}

/// Splits `from..=to` into calendar-year fee periods, the first and last possibly partial.
/// Empty when `to` is before `from`.
pub fn fee_periods(from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let mut periods = Vec::new();
    let mut start = from;
    while start <= to {
        let end = calendar_year(start.year()).map_or(to, |(_, last)| last.min(to));
        periods.push((start, end));
        match end.succ_opt() {
            Some(next) if end < to => start = next,
            _ => break,
        }
    }
    periods
}
