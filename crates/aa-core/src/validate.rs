//! Syntax checks shared by every ReBIT endpoint: UUID identifiers, timestamps within the
//! allowed skew, supported versions, and "an empty string is a missing field".

use time::{Duration, OffsetDateTime};

use crate::rebit::error::ErrorCode;
use crate::timefmt;

/// How far a request `timestamp` may be from the receiver's clock.
pub const MAX_CLOCK_SKEW: Duration = Duration::minutes(15);

/// A validation failure: the spec's error code and a message safe to send.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Invalid {
    pub code: ErrorCode,
    pub message: String,
}

impl Invalid {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    fn request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidRequest, message)
    }
}

/// The API versions this implementation speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ApiVersion {
    V1_1_2,
    V1_1_3,
    V2_0_0,
    /// The SahamatiNet Router's 2.1.0: the 2.0.0 bodies (the router files' own examples say
    /// `ver` 2.0.0), the `x-request-meta` header naming the recipient ([`crate::request_meta`]),
    /// and two more FI types (`LIFE_INSURANCE`, `GENERAL_INSURANCE`).
    V2_1_0,
}

impl ApiVersion {
    pub const ALL: [ApiVersion; 4] = [Self::V1_1_2, Self::V1_1_3, Self::V2_0_0, Self::V2_1_0];

    /// Negotiates the version a request names; anything unknown is `NoSuchVersion`.
    pub fn parse(ver: &str) -> Result<Self, Invalid> {
        match ver {
            "1.1.2" => Ok(Self::V1_1_2),
            "1.1.3" => Ok(Self::V1_1_3),
            "2.0.0" => Ok(Self::V2_0_0),
            "2.1.0" => Ok(Self::V2_1_0),
            "" => Err(Invalid::request("ver is missing")),
            other => Err(Invalid::new(
                ErrorCode::NoSuchVersion,
                format!("version {other:?} is not supported; use 2.1.0, 2.0.0, 1.1.3 or 1.1.2"),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::V1_1_2 => "1.1.2",
            Self::V1_1_3 => "1.1.3",
            Self::V2_0_0 => "2.0.0",
            Self::V2_1_0 => "2.1.0",
        }
    }

    /// True for the 1.1.x line, which keeps its own spellings on output.
    pub fn is_legacy(self) -> bool {
        matches!(self, Self::V1_1_2 | Self::V1_1_3)
    }
}

/// A required string field: absent or empty is `InvalidRequest` naming the field.
pub fn required<'a>(field: &str, value: Option<&'a str>) -> Result<&'a str, Invalid> {
    match value.map(str::trim) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(Invalid::request(format!("{field} is missing"))),
    }
}

/// True for a UUID in the canonical form of RFC 4122 section 3: 36 characters, hexadecimal
/// digits grouped 8-4-4-4-12 by hyphens. The RFC writes hex digits in lower case and reads them
/// in either, so both cases pass; the simple (no hyphens), braced and URN forms do not.
pub fn is_canonical_uuid(text: &str) -> bool {
    text.len() == 36
        && text.bytes().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// A required UUID identifier (`txnid`, consent handle, consent id, session id), in its
/// canonical hyphenated form only ([`is_canonical_uuid`]).
pub fn uuid(field: &str, value: Option<&str>) -> Result<uuid::Uuid, Invalid> {
    required(field, value)?;
    let text = value.unwrap_or_default();
    let refused = || Invalid::request(format!("{field} must be a UUID"));
    if !is_canonical_uuid(text) {
        return Err(refused());
    }
    uuid::Uuid::try_parse(text).map_err(|_| refused())
}

/// A required RFC 3339 timestamp within [`MAX_CLOCK_SKEW`] of `now`.
pub fn timestamp_near(
    field: &str,
    value: Option<&str>,
    now: OffsetDateTime,
) -> Result<OffsetDateTime, Invalid> {
    let text = required(field, value)?;
    let at = timefmt::parse(text)
        .ok_or_else(|| Invalid::request(format!("{field} must be an RFC 3339 date-time")))?;
    if (at - now).abs() > MAX_CLOCK_SKEW {
        return Err(Invalid::request(format!(
            "{field} is more than 15 minutes from the server's clock"
        )));
    }
    Ok(at)
}

/// A required RFC 3339 timestamp, with no bound on distance from now (date ranges, expiries).
pub fn timestamp(field: &str, value: Option<&str>) -> Result<OffsetDateTime, Invalid> {
    let text = required(field, value)?;
    timefmt::parse(text)
        .ok_or_else(|| Invalid::request(format!("{field} must be an RFC 3339 date-time")))
}

/// The envelope every ReBIT request carries: `ver`, `timestamp`, `txnid`.
pub fn envelope(
    ver: Option<&str>,
    timestamp: Option<&str>,
    txnid: Option<&str>,
    now: OffsetDateTime,
) -> Result<ApiVersion, Invalid> {
    let version = ApiVersion::parse(required("ver", ver)?)?;
    timestamp_near("timestamp", timestamp, now)?;
    uuid("txnid", txnid)?;
    Ok(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> OffsetDateTime {
        timefmt::parse("2024-01-01T10:00:00.000Z").unwrap()
    }

    #[test]
    fn known_versions_negotiate_and_others_are_no_such_version() {
        assert_eq!(ApiVersion::parse("2.0.0").unwrap(), ApiVersion::V2_0_0);
        assert_eq!(ApiVersion::parse("2.1.0").unwrap(), ApiVersion::V2_1_0);
        assert!(!ApiVersion::V2_1_0.is_legacy());
        assert_eq!(ApiVersion::parse("1.1.3").unwrap(), ApiVersion::V1_1_3);
        assert_eq!(ApiVersion::parse("1.1.2").unwrap(), ApiVersion::V1_1_2);
        for ver in ["3.0.0", "2.0", "2.1", "1.1.1", "2.0.0 "] {
            assert_eq!(
                ApiVersion::parse(ver).unwrap_err().code,
                ErrorCode::NoSuchVersion
            );
        }
    }

    #[test]
    fn an_empty_string_counts_as_missing() {
        let err = required("consentId", Some("  ")).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidRequest);
        assert_eq!(err.message, "consentId is missing");
        assert!(required("consentId", None).is_err());
    }

    #[test]
    fn identifiers_must_be_uuids() {
        assert!(uuid("txnid", Some("0b811819-9044-4856-b0ee-8c88035f8858")).is_ok());
        let err = uuid("txnid", Some("not-a-uuid")).unwrap_err();
        assert_eq!(err.message, "txnid must be a UUID");
    }

    #[test]
    fn only_canonical_hyphenated_uuids_are_identifiers() {
        assert!(uuid("txnid", Some("0B811819-9044-4856-B0EE-8C88035F8858")).is_ok());
        for text in [
            "0b81181990444856b0ee8c88035f8858",
            "{0b811819-9044-4856-b0ee-8c88035f8858}",
            "urn:uuid:0b811819-9044-4856-b0ee-8c88035f8858",
            " 0b811819-9044-4856-b0ee-8c88035f8858",
            "0b811819-9044-4856-b0ee-8c88035f885g",
            "0b8118190-044-4856-b0ee-8c88035f8858",
        ] {
            let err = uuid("consentId", Some(text)).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidRequest, "{text}");
            assert!(!is_canonical_uuid(text), "{text}");
        }
    }

    #[test]
    fn timestamps_beyond_fifteen_minutes_are_refused() {
        assert!(timestamp_near("timestamp", Some("2024-01-01T10:14:59.000Z"), now()).is_ok());
        assert!(timestamp_near("timestamp", Some("2024-01-01T09:45:01.000Z"), now()).is_ok());
        assert!(timestamp_near("timestamp", Some("2024-01-01T10:15:01.000Z"), now()).is_err());
        assert!(timestamp_near("timestamp", Some("2024-01-01T15:46:00+05:30"), now()).is_err());
        assert!(timestamp_near("timestamp", Some("2024-01-01T15:44:00+05:30"), now()).is_ok());
        assert!(timestamp_near("timestamp", Some("10:00"), now()).is_err());
    }

    #[test]
    fn envelope_checks_in_order_version_timestamp_txnid() {
        let err = envelope(Some("9.9.9"), Some("bad"), Some("bad"), now()).unwrap_err();
        assert_eq!(err.code, ErrorCode::NoSuchVersion);
        let err = envelope(Some("2.0.0"), Some("bad"), Some("bad"), now()).unwrap_err();
        assert!(err.message.starts_with("timestamp"));
        let ok = envelope(
            Some("2.0.0"),
            Some("2024-01-01T10:00:00.000Z"),
            Some("0b811819-9044-4856-b0ee-8c88035f8858"),
            now(),
        );
        assert_eq!(ok.unwrap(), ApiVersion::V2_0_0);
    }
}
