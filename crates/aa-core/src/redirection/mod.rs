//! Sahamati's AA redirection (web view) parameters, both directions: the FIU sends the customer's
//! browser to the AA's consent manager with `fi`, `reqdate` and `ecreq`; the AA sends it back to
//! the FIU's `redirect` URL with `fi`, `resdate` and `ecres`.
//!
//! - `reqdate`/`resdate`: `ddmmyyyyhh24misss` in UTC ([`format_date`]); the receiver refuses a
//!   date more than [`MAX_SKEW_SECONDS`] from its clock.
//! - `fi`: the sender's entity id XOR-ed byte by byte with the date's text, then base64
//!   ([`cipher::mask_id`]).
//! - `ecreq`/`ecres`: the form-encoded parameters ([`RedirectRequest`], [`RedirectResponse`]),
//!   AES-256-CBC with PKCS#7 padding and a zero IV under a key derived by PBKDF2-HMAC-SHA256
//!   (65,536 iterations) from the passphrase the AA shared with the FIU, salted with the date's
//!   text; base64url without padding ([`cipher::seal`]).
//!
//! Reading is liberal where senders differ (standard or URL-safe base64, padded or not; `srcref`
//! repeated or comma-separated) and strict on meaning (every required parameter present, the
//! date in its window, the FIU known, the decryption well padded).

pub mod cipher;
mod params;

pub use params::{RedirectRequest, RedirectResponse, ResponseCode};

use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// How far a `reqdate` or `resdate` may be from the receiver's clock (the guidelines: 180 s).
pub const MAX_SKEW_SECONDS: i64 = 180;

/// Why redirection parameters were refused. Messages name the parameter, never its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedirectError {
    #[error("the {0} parameter is missing")]
    Missing(&'static str),
    #[error("the {0} parameter is malformed")]
    Malformed(&'static str),
    #[error("the {0} date is more than 180 seconds from now")]
    Stale(&'static str),
    #[error("the {0} parameter does not decrypt with the shared secret")]
    Decryption(&'static str),
    #[error("the requester {0} is not known here")]
    UnknownRequester(String),
}

/// `at` as the guidelines write it, `ddmmyyyyhh24misss` in UTC: day, month, year, hour,
/// minute and the millisecond (`060420210510756` for 06-Apr-2021 10:40:00.756 IST, the
/// guidelines' example), 15 digits.
pub fn format_date(at: OffsetDateTime) -> String {
    let fmt = format_description!("[day][month][year][hour][minute][subsecond digits:3]");
    at.to_offset(UtcOffset::UTC)
        .format(&fmt)
        .unwrap_or_else(|_| "010119700000000".to_owned())
}

/// Parses a date in the guidelines' 15-digit form, or the 17-digit form with seconds
/// (`ddMMyyyyHHmmssSSS`) that some senders write; `what` names the parameter in the error.
pub fn parse_date(text: &str, what: &'static str) -> Result<OffsetDateTime, RedirectError> {
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RedirectError::Malformed(what));
    }
    let number = |range: std::ops::Range<usize>| text.get(range)?.parse::<u16>().ok();
    let (seconds, millis) = match text.len() {
        15 => (Some(0), number(12..15)),
        17 => (number(12..14), number(14..17)),
        _ => None.unzip(),
    };
    let at = (|| {
        let month = time::Month::try_from(u8::try_from(number(2..4)?).ok()?).ok()?;
        let date = time::Date::from_calendar_date(
            i32::from(number(4..8)?),
            month,
            u8::try_from(number(0..2)?).ok()?,
        )
        .ok()?;
        let time = time::Time::from_hms_milli(
            u8::try_from(number(8..10)?).ok()?,
            u8::try_from(number(10..12)?).ok()?,
            u8::try_from(seconds?).ok()?,
            millis?,
        )
        .ok()?;
        Some(PrimitiveDateTime::new(date, time).assume_utc())
    })();
    at.ok_or(RedirectError::Malformed(what))
}

/// Parses `text` and checks it is within [`MAX_SKEW_SECONDS`] of `now` (the 15-digit form has
/// no seconds, so its minute may have begun up to 59 s before the instant it was written).
pub fn check_date(
    text: &str,
    now: OffsetDateTime,
    what: &'static str,
) -> Result<OffsetDateTime, RedirectError> {
    let at = parse_date(text, what)?;
    let slack = if text.len() == 15 { 60 } else { 0 };
    let ahead = (at - now).whole_seconds();
    let behind = (now - at).whole_seconds();
    if ahead > MAX_SKEW_SECONDS || behind > MAX_SKEW_SECONDS + slack {
        return Err(RedirectError::Stale(what));
    }
    Ok(at)
}

#[cfg(test)]
mod tests;
