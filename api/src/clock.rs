//! Today's date where the funds are: China Standard Time (UTC+8, no daylight saving). The
//! fund rules count days in local dates (a fee period ends on 31 December in China), so
//! "today" for a command is the date in Beijing, not in UTC.

use chrono::{NaiveDate, TimeDelta, Utc};
use std::sync::Arc;

/// A source of today's date; tests pin it.
pub type Clock = Arc<dyn Fn() -> NaiveDate + Send + Sync>;

/// Today in China Standard Time.
pub fn china_today() -> NaiveDate {
    (Utc::now() + TimeDelta::hours(8)).date_naive()
}

/// The system clock in China Standard Time.
pub fn system() -> Clock {
    Arc::new(china_today)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn china_is_a_day_ahead_of_utc_late_in_the_utc_evening() {
        let today = china_today();
        let utc = Utc::now().date_naive();
        assert!(today == utc || today == utc.succ_opt().unwrap());
    }
}
