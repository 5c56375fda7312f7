//! The management report (SPEC §8, Art. 15(8), Art. 19), as of a period end: the fund
//! sections folded from the fund's stream ([`fund_report`]) and the whole report with the
//! sections read off the fund's other streams ([`report()`]).
//!
//! [`fund_report`] is a pure fold: it keeps the events of a fund that are effective on or
//! before the period end ([`effective_events`]), replays them on a fresh [`Fund`] with
//! [`Aggregate::evolve`], and reads the sections off the state ([`FundSections`]). Nothing
//! depends on the clock, on hash-map order or on floating point: every collection in the
//! output is ordered (by id, year or number), amounts are [`crate::Money`] strings and ratios
//! [`rust_decimal::Decimal`] strings with a fixed number of places, so the same events give the same
//! document byte for byte ([`canonical_bytes`]). The caller (store, API) hashes those bytes.
//!
//! # Which events count (the cut)
//! An event counts when its [`DomainEvent::effective_date`] is on or before the period end,
//! wherever it stands in the list: an event recorded late but effective inside the period
//! (a backdated confirmation) changes the report — that is an amendment — and an event
//! effective after the period end never does. The events that count are replayed in the
//! order they are given (recorded order).
//!
//! Events without an effective date belong to a dated neighbour recorded with them:
//! - [`FundEvent::InjectionMatched`] and [`FundEvent::ConcessionApplied`] are recorded just
//!   before the event of the same decision (the injection's `MovementInstructed`, the
//!   `ExitRecorded`) and take the date of the **next** dated event in the list;
//! - every other undated event ([`FundEvent::LpSubscribed`], [`FundEvent::LpLinked`]) takes
//!   the date of the **previous** dated event in the list (a subscription follows the
//!   opening of its tranche).
//!
//! An undated event with no such neighbour counts.
//!
//! The other streams (committee, projects, resolutions, exemption cases) are cut by the same
//! rule, stream by stream ([`effective_in_stream`]); their events all carry dates but the
//! committee's `ObserverAppointed`, which takes the date of the previous dated event of its
//! stream, like an `LpSubscribed`.
//!
//! # Layout
//! - this file: [`Period`], [`ReportError`], the cut and [`fund_report`];
//! - [`sections`]: the fund sections; `read.rs`: how each is read off the state;
//! - [`full`]: [`ReportInputs`], [`Report`] and [`report()`]; `streams.rs`: the cut of the other
//!   streams;
//! - [`portfolio`], [`pipeline`], [`governance`] (resolutions and exemption cases),
//!   [`compliance`]: the sections read off the other streams.

pub mod compliance;
#[cfg(test)]
mod compliance_tests;
pub mod diff;
pub mod filing;
#[cfg(test)]
mod filing_tests;
#[cfg(test)]
mod fixture;
#[cfg(test)]
mod fixture_builder;
#[cfg(test)]
mod fixture_governance_tests;
#[cfg(test)]
mod fixture_history;
#[cfg(test)]
mod fixture_late;
#[cfg(test)]
mod fixture_sections_tests;
#[cfg(test)]
mod fixture_tests;
pub mod full;
#[cfg(test)]
mod full_tests;
pub mod governance;
#[cfg(test)]
mod governance_tests;
pub mod pipeline;
pub mod portfolio;
mod read;
pub mod sections;
mod streams;
#[cfg(test)]
mod tests;

pub use compliance::{
    CheckRecord, Compliance, ComplianceLine, DecisionStatus, RecordedCheck, ReinvestmentLine,
};
pub use full::{report, report_bytes, Report, ReportInputs, REPORT_FORMAT};
pub use governance::{DeterminationStatus, ExemptionLine, ResolutionLine};
pub use pipeline::{PipelineStats, StageCount};
pub use portfolio::{LatestReport, PortfolioLine, ProjectStatus, Target};
pub use streams::effective_in_stream;

pub use sections::{
    Basics, CallLine, Cash, DistributionLine, ExitLine, FeeYear, Fees, FundSections,
    InvestmentLine, Investments, LpLine, LpTotals, Performance, TrancheLine,
};

use crate::fund::{Fund, FundEvent};
use crate::performance::PerformanceError;
use crate::{Aggregate, DomainEvent};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Which report of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    /// First half-year (1 January – 30 June), semiannual report.
    H1,
    /// Second half-year (1 July – 31 December), semiannual report.
    H2,
    /// The calendar year, annual report.
    Annual,
}

impl PeriodKind {
    /// Its name in stream ids, the API and the read model: `h1`, `h2`, `annual`.
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::H1 => "h1",
            PeriodKind::H2 => "h2",
            PeriodKind::Annual => "annual",
        }
    }

    /// The kind named `name` (see [`PeriodKind::as_str`]).
    pub fn parse(name: &str) -> Option<PeriodKind> {
        [PeriodKind::H1, PeriodKind::H2, PeriodKind::Annual]
            .into_iter()
            .find(|k| k.as_str() == name)
    }
}

/// A reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Period {
    /// Half-year or year.
    pub kind: PeriodKind,
    /// The calendar year.
    pub year: i32,
}

impl Period {
    /// First day of the period.
    pub fn start(&self) -> Result<NaiveDate, ReportError> {
        match self.kind {
            PeriodKind::H1 | PeriodKind::Annual => self.date(self.year, 1, 1),
            PeriodKind::H2 => self.date(self.year, 7, 1),
        }
    }

    /// Last day of the period: the as-of date of the report.
    pub fn end(&self) -> Result<NaiveDate, ReportError> {
        match self.kind {
            PeriodKind::H1 => self.date(self.year, 6, 30),
            PeriodKind::H2 | PeriodKind::Annual => self.date(self.year, 12, 31),
        }
    }

    /// The day the report is due (SPEC §8): H1 by 30 July, H2 by 30 January of the next
    /// year, the annual report by 30 April of the next year.
    pub fn due(&self) -> Result<NaiveDate, ReportError> {
        let next = self
            .year
            .checked_add(1)
            .ok_or(ReportError::InvalidPeriod { year: self.year })?;
        match self.kind {
            PeriodKind::H1 => self.date(self.year, 7, 30),
            PeriodKind::H2 => self.date(next, 1, 30),
            PeriodKind::Annual => self.date(next, 4, 30),
        }
    }

    fn date(&self, year: i32, month: u32, day: u32) -> Result<NaiveDate, ReportError> {
        NaiveDate::from_ymd_opt(year, month, day)
            .ok_or(ReportError::InvalidPeriod { year: self.year })
    }
}

/// Why the fund sections cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// The year is outside the calendar.
    #[error("no reporting period in year {year}")]
    InvalidPeriod {
        /// The year asked.
        year: i32,
    },
    /// The fund was not established by the period end.
    #[error("the fund was not established by {as_of}")]
    NotEstablished {
        /// The period end.
        as_of: NaiveDate,
    },
    /// The phase dates cannot be computed from the terms.
    #[error("phase schedule: {0}")]
    Phase(String),
    /// An IRR cannot be computed.
    #[error("performance: {0}")]
    Performance(#[from] PerformanceError),
}

impl crate::Rejection for ReportError {
    fn code(&self) -> &'static str {
        match self {
            ReportError::InvalidPeriod { .. } => "invalid_report_period",
            ReportError::NotEstablished { .. } => "fund_not_established",
            ReportError::Phase(_) => "invalid_fund_period",
            ReportError::Performance(e) => e.code(),
        }
    }
}

/// The events that count as of `as_of`, in their given order (see the
/// [module documentation](self) for undated events).
pub fn effective_events(events: &[FundEvent], as_of: NaiveDate) -> Vec<&FundEvent> {
    let mut previous: Option<NaiveDate> = None;
    let mut dates: Vec<Option<NaiveDate>> = Vec::with_capacity(events.len());
    for event in events {
        let date = event.effective_date();
        if date.is_some() {
            previous = date;
        }
        dates.push(date.or(if attaches_to_next(event) {
            None
        } else {
            previous
        }));
    }
    // Undated events that belong to the next dated event take its date.
    let mut next: Option<NaiveDate> = None;
    for (event, date) in events.iter().zip(dates.iter_mut()).rev() {
        match event.effective_date() {
            Some(d) => next = Some(d),
            None if attaches_to_next(event) => *date = next,
            None => {}
        }
    }
    events
        .iter()
        .zip(dates)
        .filter(|(_, date)| date.is_none_or(|d| d <= as_of))
        .map(|(event, _)| event)
        .collect()
}

/// Undated events recorded just before the dated event of the same decision.
fn attaches_to_next(event: &FundEvent) -> bool {
    matches!(
        event,
        FundEvent::InjectionMatched { .. } | FundEvent::ConcessionApplied { .. }
    )
}

/// The fund sections of the report for `period`, from the events effective by its end.
pub fn fund_report(events: &[FundEvent], period: &Period) -> Result<FundSections, ReportError> {
    let as_of = period.end()?;
    let included = effective_events(events, as_of);
    let mut fund = Fund::default();
    for event in &included {
        fund.evolve(event);
    }
    read::read(&fund, &included, *period, as_of)
}

/// The document's canonical bytes: its compact JSON, whose field and element order is fixed
/// by the types, so equal sections give equal bytes.
pub fn canonical_bytes(sections: &FundSections) -> Vec<u8> {
    // Serializing these types cannot fail: every map key is a string or a number.
    serde_json::to_vec(sections).unwrap_or_default()
}
