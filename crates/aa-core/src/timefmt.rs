//! Timestamps as the ecosystem writes them: UTC, millisecond precision, `Z` suffix
//! (`2024-01-01T10:00:00.000Z`, Java's `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`). Parsing accepts any
//! RFC 3339 offset and precision, because counterparties send `+05:30` and microseconds.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

/// Formats an instant as `yyyy-MM-ddTHH:mm:ss.SSSZ` in UTC.
pub fn format_millis(at: OffsetDateTime) -> String {
    let fmt =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    at.to_offset(UtcOffset::UTC)
        .format(&fmt)
        .unwrap_or_else(|_| String::from("1970-01-01T00:00:00.000Z"))
}

/// The current instant, formatted with [`format_millis`].
pub fn now_millis() -> String {
    format_millis(OffsetDateTime::now_utc())
}

/// Parses an RFC 3339 timestamp (any offset, any fraction).
pub fn parse(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_millisecond_precision_in_utc() {
        let at = parse("2024-01-01T15:30:00.123456+05:30").unwrap();
        assert_eq!(format_millis(at), "2024-01-01T10:00:00.123Z");
    }

    #[test]
    fn rejects_what_is_not_rfc3339() {
        for text in ["", "2024-01-01", "2024-01-01T10:00:00", "yesterday"] {
            assert!(parse(text).is_none(), "{text}");
        }
    }
}
