//! The fund's phases (SPEC §1, Art. 5), derived from its terms: investment → exit →
//! extension(s) → liquidation → closed.
//!
//! The term is counted from the establishment date in calendar months: an investment period
//! of 36 months from 2021-09-01 covers 2021-09-01 ..= 2024-08-31 and the exit period starts
//! on 2024-09-01 (a month end is clamped: 2024-02-29 + 12 months is 2025-02-28). Extensions,
//! each approved by a partners' meeting, follow the exit period back to back; liquidation
//! follows the last of them and lasts until the fund is closed (a recorded fact, not a date
//! of the terms).

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// A phase of the fund's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Investment period (投资期): new investments and reinvestment allowed.
    Investment,
    /// Exit period (退出期).
    Exit,
    /// An extension (延长期) approved by the partners' meeting.
    Extension,
    /// Liquidation (清算期).
    Liquidation,
    /// Closed: liquidation completed.
    Closed,
}

impl Phase {
    /// The wire name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Phase::Investment => "investment",
            Phase::Exit => "exit",
            Phase::Extension => "extension",
            Phase::Liquidation => "liquidation",
            Phase::Closed => "closed",
        }
    }
}

/// One phase and its dates, both inclusive; `to` is `None` while open-ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseSpan {
    /// The phase.
    pub phase: Phase,
    /// First day.
    pub from: NaiveDate,
    /// Last day, if known.
    pub to: Option<NaiveDate>,
}

impl PhaseSpan {
    /// Whether `day` falls in this span.
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.from <= day && self.to.is_none_or(|to| day <= to)
    }
}

/// The dates that fix the phases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseTerms {
    /// Establishment date (成立日).
    pub establishment_date: NaiveDate,
    /// Length of the investment period in months (default 36).
    pub investment_months: u32,
    /// Length of the exit period in months (default 60).
    pub exit_months: u32,
    /// Lengths of the approved extensions, in months, in order.
    pub extension_months: Vec<u32>,
    /// The day the fund was closed, if it was.
    pub closed_on: Option<NaiveDate>,
}

/// Why the phase dates cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhaseError {
    /// A period of zero months, or dates beyond the calendar.
    #[error("the fund's periods must be at least one month and within the calendar")]
    InvalidPeriod,
    /// Closed before liquidation began.
    #[error("a fund can only be closed during its liquidation")]
    ClosedBeforeLiquidation,
}

impl crate::Rejection for PhaseError {
    fn code(&self) -> &'static str {
        match self {
            PhaseError::InvalidPeriod => "invalid_fund_period",
            PhaseError::ClosedBeforeLiquidation => "closed_before_liquidation",
        }
    }

    fn rule(&self) -> Option<&'static str> {
        Some("Art. 5")
    }
}

/// `date` plus `months`, within the calendar: dates are written ISO 8601 with four-digit
/// years, so a phase may not start after 9999-12-31.
fn add_months(date: NaiveDate, months: u32) -> Result<NaiveDate, PhaseError> {
    date.checked_add_months(Months::new(months))
        .filter(|d| d.year() <= 9999)
        .ok_or(PhaseError::InvalidPeriod)
}

fn day_before(date: NaiveDate) -> Result<NaiveDate, PhaseError> {
    date.pred_opt().ok_or(PhaseError::InvalidPeriod)
}

/// Every phase with its dates, in order. Period ends are counted in months from the
/// establishment date (not from the previous period's end, which a clamped month end would
/// shift).
pub fn schedule(terms: &PhaseTerms) -> Result<Vec<PhaseSpan>, PhaseError> {
    let periods = [
        (Phase::Investment, terms.investment_months),
        (Phase::Exit, terms.exit_months),
    ]
    .into_iter()
    .chain(
        terms
            .extension_months
            .iter()
            .map(|m| (Phase::Extension, *m)),
    );
    let mut spans = Vec::new();
    let mut from = terms.establishment_date;
    let mut months_so_far = 0u32;
    for (phase, months) in periods {
        if months == 0 {
            return Err(PhaseError::InvalidPeriod);
        }
        months_so_far = months_so_far
            .checked_add(months)
            .ok_or(PhaseError::InvalidPeriod)?;
        let end = add_months(terms.establishment_date, months_so_far)?;
        spans.push(PhaseSpan {
            phase,
            from,
            to: Some(day_before(end)?),
        });
        from = end;
    }
    match terms.closed_on {
        None => spans.push(PhaseSpan {
            phase: Phase::Liquidation,
            from,
            to: None,
        }),
        Some(closed) if closed > from => {
            spans.push(PhaseSpan {
                phase: Phase::Liquidation,
                from,
                to: Some(day_before(closed)?),
            });
            spans.push(PhaseSpan {
                phase: Phase::Closed,
                from: closed,
                to: None,
            });
        }
        Some(_) => return Err(PhaseError::ClosedBeforeLiquidation),
    }
    Ok(spans)
}

/// The phase on `date`; `None` before establishment.
pub fn phase_on(spans: &[PhaseSpan], date: NaiveDate) -> Option<Phase> {
    spans.iter().find(|s| s.covers(date)).map(|s| s.phase)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn terms(established: &str) -> PhaseTerms {
        PhaseTerms {
            establishment_date: d(established),
            investment_months: 36,
            exit_months: 60,
            extension_months: vec![],
            closed_on: None,
        }
    }

    #[test]
    fn a_default_term_is_three_years_of_investment_then_five_of_exit() {
        let spans = schedule(&terms("2021-09-01")).unwrap();
        assert_eq!(
            spans,
            vec![
                PhaseSpan {
                    phase: Phase::Investment,
                    from: d("2021-09-01"),
                    to: Some(d("2024-08-31"))
                },
                PhaseSpan {
                    phase: Phase::Exit,
                    from: d("2024-09-01"),
                    to: Some(d("2029-08-31"))
                },
                PhaseSpan {
                    phase: Phase::Liquidation,
                    from: d("2029-09-01"),
                    to: None
                },
            ]
        );
    }

    #[test]
    fn a_phase_changes_on_its_exact_date() {
        let spans = schedule(&terms("2021-09-01")).unwrap();
        assert_eq!(phase_on(&spans, d("2021-08-31")), None);
        assert_eq!(phase_on(&spans, d("2021-09-01")), Some(Phase::Investment));
        assert_eq!(phase_on(&spans, d("2024-08-31")), Some(Phase::Investment));
        assert_eq!(phase_on(&spans, d("2024-09-01")), Some(Phase::Exit));
        assert_eq!(phase_on(&spans, d("2029-08-31")), Some(Phase::Exit));
        assert_eq!(phase_on(&spans, d("2029-09-01")), Some(Phase::Liquidation));
        assert_eq!(phase_on(&spans, d("2099-01-01")), Some(Phase::Liquidation));
    }

    #[test]
    fn extensions_follow_the_exit_period_back_to_back_then_liquidation_until_closed() {
        let mut t = terms("2021-09-01");
        t.extension_months = vec![12, 6];
        t.closed_on = Some(d("2031-06-30"));
        let spans = schedule(&t).unwrap();
        let phases: Vec<(Phase, NaiveDate, Option<NaiveDate>)> =
            spans.iter().map(|s| (s.phase, s.from, s.to)).collect();
        assert_eq!(
            phases[2..],
            [
                (Phase::Extension, d("2029-09-01"), Some(d("2030-08-31"))),
                (Phase::Extension, d("2030-09-01"), Some(d("2031-02-28"))),
                (Phase::Liquidation, d("2031-03-01"), Some(d("2031-06-29"))),
                (Phase::Closed, d("2031-06-30"), None),
            ]
        );
    }

    #[test]
    fn periods_count_from_the_establishment_date_even_from_a_leap_day() {
        // 2020-02-29 + 36 months is clamped to 2023-02-28; + 96 months is 2028-02-29 (a leap
        // year again), not 2028-02-28 as chaining clamped ends would give.
        let spans = schedule(&terms("2020-02-29")).unwrap();
        assert_eq!(spans[0].to, Some(d("2023-02-27")));
        assert_eq!(spans[1].from, d("2023-02-28"));
        assert_eq!(spans[1].to, Some(d("2028-02-28")));
        assert_eq!(spans[2].from, d("2028-02-29"));
    }

    #[test]
    fn phases_end_within_four_digit_years() {
        let mut t = terms("2021-09-01");
        t.extension_months = vec![12 * 7970];
        assert_eq!(schedule(&t).unwrap()[2].to, Some(d("9999-08-31")));
        t.extension_months = vec![12 * 7971];
        assert_eq!(schedule(&t), Err(PhaseError::InvalidPeriod));
        t.extension_months = vec![];
        t.exit_months = u32::MAX / 2;
        assert_eq!(schedule(&t), Err(PhaseError::InvalidPeriod));
    }

    #[test]
    fn invalid_terms_are_refused() {
        let mut t = terms("2021-09-01");
        t.investment_months = 0;
        assert_eq!(schedule(&t), Err(PhaseError::InvalidPeriod));
        let mut t = terms("2021-09-01");
        t.closed_on = Some(d("2029-09-01"));
        assert_eq!(schedule(&t), Err(PhaseError::ClosedBeforeLiquidation));
        let mut t = terms("2021-09-01");
        t.closed_on = Some(d("2029-09-02"));
        assert_eq!(schedule(&t).unwrap().last().unwrap().phase, Phase::Closed);
    }
}
