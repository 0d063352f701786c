//! Calendar periods for templates ("the last 12 months", "valid for 1 year"), moved forwards
//! and backwards on the calendar: a month before 31 March is the last day of February.

use serde::{Deserialize, Serialize};
use time::{Duration, Month, OffsetDateTime};

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
            PeriodUnit::Month => add_months(at, amount),
            PeriodUnit::Year => add_months(at, amount.checked_mul(12)?),
        }
    }
}

/// Moves `at` by `months` calendar months, clamping the day to the target month's length.
fn add_months(at: OffsetDateTime, months: i64) -> Option<OffsetDateTime> {
    let index = i64::from(at.year()) * 12 + i64::from(u8::from(at.month())) - 1 + months;
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).ok()?).ok()?;
    let day = at.day().min(time::util::days_in_month(month, year));
    let date = time::Date::from_calendar_date(year, month, day).ok()?;
    Some(at.replace_date(date))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn months(value: u32) -> Period {
        Period {
            unit: PeriodUnit::Month,
            value,
        }
    }

    #[test]
    fn twelve_months_before_is_the_same_day_a_year_earlier() {
        let at = datetime!(2024-05-15 10:30:00 UTC);
        assert_eq!(
            months(12).before(at),
            Some(datetime!(2023-05-15 10:30:00 UTC))
        );
    }

    #[test]
    fn a_month_before_the_31st_of_march_is_the_end_of_february() {
        assert_eq!(
            months(1).before(datetime!(2024-03-31 00:00:00 UTC)),
            Some(datetime!(2024-02-29 00:00:00 UTC))
        );
        assert_eq!(
            months(1).before(datetime!(2023-03-31 00:00:00 UTC)),
            Some(datetime!(2023-02-28 00:00:00 UTC))
        );
    }

    #[test]
    fn months_cross_year_boundaries_both_ways() {
        assert_eq!(
            months(3).after(datetime!(2024-11-30 08:00:00 UTC)),
            Some(datetime!(2025-02-28 08:00:00 UTC))
        );
        assert_eq!(
            months(14).before(datetime!(2024-01-10 08:00:00 UTC)),
            Some(datetime!(2022-11-10 08:00:00 UTC))
        );
    }

    #[test]
    fn days_and_years_move_by_the_calendar() {
        let days = Period {
            unit: PeriodUnit::Day,
            value: 90,
        };
        assert_eq!(
            days.before(datetime!(2024-03-31 00:00:00 UTC)),
            Some(datetime!(2024-01-01 00:00:00 UTC))
        );
        let year = Period {
            unit: PeriodUnit::Year,
            value: 1,
        };
        assert_eq!(
            year.after(datetime!(2024-02-29 00:00:00 UTC)),
            Some(datetime!(2025-02-28 00:00:00 UTC))
        );
    }
}
