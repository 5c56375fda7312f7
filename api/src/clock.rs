//! Today's date where the funds are: China Standard Time (UTC+8, no daylight saving), the
//! business date of the log. The fund rules count days in local dates (a fee period ends on
//! 31 December in China), so "today" for a command is the date in Beijing, not in UTC. The
//! API and the scheduler share one clock.

pub use workers::scheduler::{china_today, system_clock as system, Clock};
