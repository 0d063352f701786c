//! Calendar helpers for the generated history: month arithmetic that clamps to the month's
//! last day, quarter ends, and bank-local (IST) times. Dates are written `YYYY-MM-DD`.

use time::macros::{format_description, offset};
use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// India Standard Time, the bank's clock.
pub const IST: UtcOffset = offset!(+05:30);

/// `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<Date> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]")).ok()
}

/// `YYYY-MM-DD`.
pub fn format_date(date: Date) -> String {
    date.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

/// Day `day` of the given month, clamped to the month's length (day 31 of February is its
/// last day).
pub fn day_of_month(year: i32, month: Month, day: u8) -> Date {
    let last = month.length(year);
    let day = day.clamp(1, last);
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MIN)
}

/// `date` moved by `months` calendar months, the day clamped to the target month's length.
pub fn add_months(date: Date, months: i32) -> Date {
    aa_core::calendar::add_months(date, i64::from(months)).unwrap_or(Date::MIN)
}

/// The last day of `date`'s month.
pub fn month_end(date: Date) -> Date {
    day_of_month(date.year(), date.month(), 31)
}

/// True on 31 March, 30 June, 30 September and 31 December, when banks post interest.
pub fn is_quarter_end(date: Date) -> bool {
    matches!(
        date.month(),
        Month::March | Month::June | Month::September | Month::December
    ) && date == month_end(date)
}

/// The instant `hour:minute:second` IST on `date`.
pub fn at_ist(date: Date, hour: u8, minute: u8, second: u8) -> OffsetDateTime {
    let time =
        Time::from_hms(hour.min(23), minute.min(59), second.min(59)).unwrap_or(Time::MIDNIGHT);
    PrimitiveDateTime::new(date, time).assume_offset(IST)
}

/// Today's date in IST.
pub fn today_ist() -> Date {
    OffsetDateTime::now_utc().to_offset(IST).date()
}

/// Every date from `from` to `to`, both included.
pub fn days(from: Date, to: Date) -> impl Iterator<Item = Date> {
    let count = (to - from).whole_days().max(-1) + 1;
    (0..count).map(move |i| from + Duration::days(i))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn quarter_ends_are_the_last_days_of_march_june_september_december() {
        assert!(is_quarter_end(date!(2024 - 03 - 31)));
        assert!(is_quarter_end(date!(2024 - 06 - 30)));
        assert!(!is_quarter_end(date!(2024 - 06 - 29)));
        assert!(!is_quarter_end(date!(2024 - 07 - 31)));
    }

    #[test]
    fn dates_round_trip_as_text_and_ranges_include_both_ends() {
        let d = parse_date("2024-02-29").unwrap();
        assert_eq!(format_date(d), "2024-02-29");
        assert!(parse_date("2024-02-30").is_none());
        assert_eq!(
            days(date!(2024 - 01 - 30), date!(2024 - 02 - 02)).count(),
            4
        );
        assert_eq!(
            days(date!(2024 - 01 - 30), date!(2024 - 01 - 29)).count(),
            0
        );
        assert_eq!(at_ist(d, 9, 30, 0).offset(), IST);
    }
}
