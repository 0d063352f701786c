//! Calendar periods for templates ("the last 12 months", "valid for 1 year"), moved forwards
//! and backwards on the calendar: a month before 31 March is the last day of February.

use aa_core::calendar::add_months_at;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

/// The unit of a [`Period`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum PeriodUnit {
    Day,
    Month,
    Year,
}

/// A number of days, months or years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub unit: PeriodUnit,
    pub value: u32,
}

impl Period {
    /// The instant this period before `at` (None when it falls outside the calendar).
    pub fn before(&self, at: OffsetDateTime) -> Option<OffsetDateTime> {
        self.shift(at, -i64::from(self.value))
    }

    /// The instant this period after `at`.
    pub fn after(&self, at: OffsetDateTime) -> Option<OffsetDateTime> {
        self.shift(at, i64::from(self.value))
    }

    fn shift(&self, at: OffsetDateTime, amount: i64) -> Option<OffsetDateTime> {
        match self.unit {
            PeriodUnit::Day => at.checked_add(Duration::days(amount)),
            PeriodUnit::Month => add_months_at(at, amount),
            PeriodUnit::Year => add_months_at(at, amount.checked_mul(12)?),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn period(unit: PeriodUnit, value: u32) -> Period {
        Period { unit, value }
    }

    /// Each case: the period, whether it goes forwards, from, to.
    #[test]
    fn periods_move_by_the_calendar_clamping_the_day_to_the_month() {
        use PeriodUnit::{Day, Month, Year};
        let cases = [
            // Twelve months before is the same day a year earlier.
            (
                period(Month, 12),
                false,
                datetime!(2024-05-15 10:30:00 UTC),
                datetime!(2023-05-15 10:30:00 UTC),
            ),
            // A month before the 31st of March is the end of February, leap year or not.
            (
                period(Month, 1),
                false,
                datetime!(2024-03-31 00:00:00 UTC),
                datetime!(2024-02-29 00:00:00 UTC),
            ),
            (
                period(Month, 1),
                false,
                datetime!(2023-03-31 00:00:00 UTC),
                datetime!(2023-02-28 00:00:00 UTC),
            ),
            // Months cross year boundaries both ways.
            (
                period(Month, 3),
                true,
                datetime!(2024-11-30 08:00:00 UTC),
                datetime!(2025-02-28 08:00:00 UTC),
            ),
            (
                period(Month, 14),
                false,
                datetime!(2024-01-10 08:00:00 UTC),
                datetime!(2022-11-10 08:00:00 UTC),
            ),
            (
                period(Day, 90),
                false,
                datetime!(2024-03-31 00:00:00 UTC),
                datetime!(2024-01-01 00:00:00 UTC),
            ),
            (
                period(Year, 1),
                true,
                datetime!(2024-02-29 00:00:00 UTC),
                datetime!(2025-02-28 00:00:00 UTC),
            ),
        ];
        for (period, forwards, from, to) in cases {
            let moved = if forwards {
                period.after(from)
            } else {
                period.before(from)
            };
            assert_eq!(moved, Some(to), "{period:?} from {from}");
        }
    }
}
