//! Calendar-month arithmetic, the one rule every role uses (consent frequency windows, template
//! periods, the simulated bank's statement dates): moving by months keeps the day of the month,
//! clamped to the target month's length (a month before 31 March is the last day of February).

use time::{Date, Month, OffsetDateTime};

/// `date` moved by `months` calendar months (negative: back), the day clamped to the target
/// month's length; None outside the calendar `time` can represent.
pub fn add_months(date: Date, months: i64) -> Option<Date> {
    let index = i64::from(date.year()) * 12 + i64::from(u8::from(date.month())) - 1 + months;
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).ok()?).ok()?;
    Date::from_calendar_date(year, month, date.day().min(month.length(year))).ok()
}

/// The instant `at` moved by `months` calendar months, its time of day kept.
pub fn add_months_at(at: OffsetDateTime, months: i64) -> Option<OffsetDateTime> {
    add_months(at.date(), months).map(|date| at.replace_date(date))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn months_keep_the_day_clamped_to_the_month_across_years() {
        let cases = [
            (date!(2024 - 01 - 31), 1, date!(2024 - 02 - 29)),
            (date!(2023 - 01 - 31), 1, date!(2023 - 02 - 28)),
            (date!(2024 - 03 - 31), -1, date!(2024 - 02 - 29)),
            (date!(2024 - 03 - 15), -3, date!(2023 - 12 - 15)),
            (date!(2024 - 11 - 30), 14, date!(2026 - 01 - 30)),
            (date!(2024 - 02 - 29), -12, date!(2023 - 02 - 28)),
        ];
        for (from, months, to) in cases {
            assert_eq!(add_months(from, months), Some(to), "{from} + {months}");
        }
        assert_eq!(add_months(Date::MAX, 1), None);
    }
}
