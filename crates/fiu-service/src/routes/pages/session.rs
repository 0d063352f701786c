//! The dashboard's log-in session: a cookie the FIU can check on any replica without a table.
//! Its value is `<expiry in ms>.<tag>`, the tag a salted HMAC-SHA256 keyed by the app API token
//! over that expiry (`aa_core::otp::hash`, the one keyed digest of the protocol crate, hex
//! here so the value needs no quoting). A changed or expired cookie, or one made under another
//! token, is no session: rotating `app_api.token` ends every session. Logging out removes the
//! cookie from the browser; a copy taken before stays valid until it expires (at most
//! [`LIFETIME_SECONDS`]).

use aa_core::otp;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use time::OffsetDateTime;

/// The session cookie's name.
pub const COOKIE: &str = "fiu_dash_session";
/// How long a log-in lasts.
pub const LIFETIME_SECONDS: i64 = 8 * 3600;

fn message(expiry_ms: i64) -> String {
    format!("fiu-dashboard-session {expiry_ms}")
}

/// A fresh session cookie value, lasting [`LIFETIME_SECONDS`] from `now`; `None` when the
/// system's randomness fails.
pub fn new(token: &str, now: OffsetDateTime) -> Option<String> {
    let expiry = aa_runtime::clock::millis(now + time::Duration::seconds(LIFETIME_SECONDS));
    let stored = otp::hash(token.as_bytes(), &message(expiry)).ok()?;
    let bytes = STANDARD.decode(stored).ok()?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Some(format!("{expiry}.{hex}"))
}

/// Whether `value` is a session made under the current app token that has not expired.
pub fn is_live(token: &str, value: &str, now: OffsetDateTime) -> bool {
    if token.is_empty() {
        return false;
    }
    let Some((expiry, hex)) = value.split_once('.') else {
        return false;
    };
    let Ok(expiry_ms) = expiry.parse::<i64>() else {
        return false;
    };
    if expiry_ms <= aa_runtime::clock::millis(now) || hex.len() != 96 {
        return false;
    }
    let Some(bytes) = from_hex(hex) else {
        return false;
    };
    otp::verify(
        token.as_bytes(),
        &STANDARD.encode(bytes),
        &message(expiry_ms),
    )
}

fn from_hex(hex: &str) -> Option<Vec<u8>> {
    (0..hex.len())
        .step_by(2)
        .map(|i| {
            hex.get(i..i + 2)
                .and_then(|p| u8::from_str_radix(p, 16).ok())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_lives_until_its_expiry_under_its_own_token_only() {
        let now = OffsetDateTime::now_utc();
        let value = new("token-a", now).unwrap();
        assert!(is_live("token-a", &value, now));
        assert!(!is_live("token-b", &value, now), "another token");
        assert!(!is_live("", &value, now), "no token");
        let later = now + time::Duration::seconds(LIFETIME_SECONDS + 1);
        assert!(!is_live("token-a", &value, later), "expired");
        assert_ne!(value, new("token-a", now).unwrap(), "salted");
    }

    #[test]
    fn a_changed_cookie_is_no_session() {
        let now = OffsetDateTime::now_utc();
        let value = new("token-a", now).unwrap();
        let (expiry, tag) = value.split_once('.').unwrap();
        let longer = format!("{}.{tag}", expiry.parse::<i64>().unwrap() + 1);
        assert!(!is_live("token-a", &longer, now));
        let flipped = if tag.starts_with('0') { "1" } else { "0" };
        let forged = format!("{expiry}.{flipped}{}", &tag[1..]);
        assert!(!is_live("token-a", &forged, now));
        for junk in ["", ".", "x.y", "1.zz", &format!("{expiry}.")] {
            assert!(!is_live("token-a", junk, now), "{junk:?}");
        }
    }
}
