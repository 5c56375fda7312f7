//! The demo's calendar, derived from today so that the demo loads the same story in any
//! year.
//!
//! The committee's votes are stamped with the real instant, so every resolution is decided
//! today, and a decision, the agreement, injections, post-investment reports and exits follow
//! it (a liability-exemption case checks that the resolution passed on or before the
//! decision, within the investment period). So the fund is established on 26 March two years
//! before this one: its 36-month investment period runs to 25 March of next year, today is
//! inside it whatever the day of this year, and its history (tranches, calls, payments, the
//! fees and the reports of the two years before this one) lies in the past.

use chrono::{Datelike, Days, NaiveDate};

/// A day of the fund's history: the `month` and `day` of its `year`-th calendar year (0 is
/// the year of its establishment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    /// Calendar years after the establishment's.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month.
    pub day: u32,
}

/// Shorthand for a [`Day`].
pub const fn day(year: i32, month: u32, day: u32) -> Day {
    Day { year, month, day }
}

/// The demo's dates, as of `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeline {
    /// Today (China Standard Time).
    pub today: NaiveDate,
    /// The fund's establishment date (and its first tranche's subscription date).
    pub established: NaiveDate,
}

/// A report period: `h1`, `h2` or `annual`, and its year.
pub type Period = (&'static str, i32);

impl Timeline {
    /// The calendar as of `today`.
    pub fn new(today: NaiveDate) -> Timeline {
        let established = NaiveDate::from_ymd_opt(today.year() - 2, 3, 26).unwrap_or(today);
        Timeline { today, established }
    }

    /// The date of `d`, never after today (a payment due early in January of this year is
    /// dated today when the demo loads on 1 January).
    pub fn on(&self, d: Day) -> NaiveDate {
        let year = self.established.year() + d.year;
        NaiveDate::from_ymd_opt(year, d.month, d.day)
            .unwrap_or(self.today)
            .min(self.today)
    }

    /// `n` days before today.
    pub fn ago(&self, n: u64) -> NaiveDate {
        self.today
            .checked_sub_days(Days::new(n))
            .unwrap_or(self.today)
    }

    /// The fee years that have ended: from the establishment's to last year.
    pub fn fee_years(&self) -> std::ops::Range<i32> {
        self.established.year()..self.today.year()
    }

    /// Every report period that has ended since the establishment, oldest first: each
    /// year's first half, second half and annual report, and this year's first half once it
    /// has ended.
    pub fn ended_periods(&self) -> Vec<Period> {
        let mut periods = Vec::new();
        for year in self.fee_years() {
            periods.extend([("h1", year), ("h2", year), ("annual", year)]);
        }
        let this_year = self.today.year();
        let june_30 = NaiveDate::from_ymd_opt(this_year, 6, 30).unwrap_or(self.today);
        if self.today > june_30 {
            periods.push(("h1", this_year));
        }
        periods
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn the_fund_is_in_its_investment_period_on_any_day_of_the_year() {
        for today in ["2026-01-01", "2026-11-22", "2026-12-31", "2028-02-29"] {
            let t = Timeline::new(d(today));
            // 36 months from 26 March two years back end on 25 March next year.
            let end = NaiveDate::from_ymd_opt(t.established.year() + 3, 3, 25);
            assert!(end.is_some_and(|end| t.today <= end), "{today}");
            assert_eq!(t.fee_years().count(), 2, "{today}");
        }
    }

    #[test]
    fn days_are_in_the_past_and_periods_have_ended() {
        let t = Timeline::new(d("2026-01-05"));
        assert_eq!(t.established, d("2024-03-26"));
        assert_eq!(t.on(day(1, 4, 30)), d("2025-04-30"));
        assert_eq!(t.on(day(2, 1, 20)), d("2026-01-05"));
        assert_eq!(t.ended_periods().len(), 6);
        let t = Timeline::new(d("2026-11-22"));
        assert_eq!(t.ended_periods().last(), Some(&("h1", 2026)));
        assert_eq!(t.ago(22), d("2026-10-31"));
    }
}
