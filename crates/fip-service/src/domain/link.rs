//! The link request's state machine. A request starts `PENDING` with a hashed OTP, an expiry
//! and a try budget; the right token before expiry makes it `LINKED`; the last wrong token
//! makes it `LOCKED`. A try is spent before the token is compared (see
//! `persistence::links::spend_try`), so concurrent guesses cannot exceed the budget.
//!
//! Codes: a wrong or locked token is 400 `InvalidLinkToken`, an expired one 401
//! `LinkTokenExpired` (`BadRequestLinkToken` and `UnauthorizedLinkToken` in the FIP spec).

use std::fmt;
use std::str::FromStr;

use aa_core::rebit::ErrorCode;
use aa_core::validate::Invalid;

/// Where a link request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRequestStatus {
    Pending,
    Linked,
    Locked,
}

impl LinkRequestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Linked => "LINKED",
            Self::Locked => "LOCKED",
        }
    }
}

impl fmt::Display for LinkRequestStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LinkRequestStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "PENDING" => Ok(Self::Pending),
            "LINKED" => Ok(Self::Linked),
            "LOCKED" => Ok(Self::Locked),
            other => Err(format!("unknown link request status {other:?}")),
        }
    }
}

/// A link request as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRequest {
    pub ref_number: String,
    pub aa_id: String,
    pub customer_address: String,
    pub customer_id: String,
    pub otp_hash: String,
    pub expires_at_ms: i64,
    pub attempts: u32,
    pub status: LinkRequestStatus,
    /// Confirmed by the customer with the bank itself (`AuthenticatorType` `DIRECT`), not
    /// with a token through the AA.
    pub direct: bool,
}

/// An account link (`linkRefNumber`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountLink {
    pub link_ref_number: String,
    pub acc_ref_number: String,
    pub account_id: String,
    pub aa_id: String,
    pub customer_address: String,
    pub linked: bool,
}

/// The answer to any token on a locked request.
pub fn locked() -> Invalid {
    Invalid::new(
        ErrorCode::InvalidLinkToken,
        "too many wrong tokens: this link request is locked; start linking again",
    )
}

impl LinkRequest {
    /// May a token still be tried on this pending request at `now_ms`?
    pub fn check_open(&self, now_ms: i64, max_attempts: u32) -> Result<(), Invalid> {
        match self.status {
            LinkRequestStatus::Locked => Err(locked()),
            LinkRequestStatus::Linked => Ok(()),
            LinkRequestStatus::Pending if now_ms >= self.expires_at_ms => Err(Invalid::new(
                ErrorCode::LinkTokenExpired,
                "the token has expired; start linking again",
            )),
            LinkRequestStatus::Pending if self.attempts >= max_attempts => Err(locked()),
            LinkRequestStatus::Pending => Ok(()),
        }
    }
}

/// The answer to a wrong token, given the tries spent so far (this one included).
pub fn wrong_token(attempts: u32, max_attempts: u32) -> Invalid {
    let left = max_attempts.saturating_sub(attempts);
    if left == 0 {
        Invalid::new(
            ErrorCode::InvalidLinkToken,
            "wrong token: this link request is now locked; start linking again",
        )
    } else {
        Invalid::new(
            ErrorCode::InvalidLinkToken,
            format!(
                "wrong token: {left} {} left",
                if left == 1 { "try" } else { "tries" }
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(status: LinkRequestStatus, attempts: u32) -> LinkRequest {
        LinkRequest {
            ref_number: "r".into(),
            aa_id: "AA-1".into(),
            customer_address: "c@AA-1".into(),
            customer_id: "x".into(),
            otp_hash: "h".into(),
            expires_at_ms: 1_000,
            attempts,
            status,
            direct: false,
        }
    }

    #[test]
    fn an_expired_request_is_link_token_expired_and_a_locked_one_invalid_link_token() {
        let err = request(LinkRequestStatus::Pending, 0)
            .check_open(1_000, 3)
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::LinkTokenExpired);
        assert!(request(LinkRequestStatus::Pending, 0)
            .check_open(999, 3)
            .is_ok());
        let err = request(LinkRequestStatus::Locked, 3)
            .check_open(0, 3)
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidLinkToken);
        let err = request(LinkRequestStatus::Pending, 3)
            .check_open(0, 3)
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidLinkToken);
    }

    #[test]
    fn wrong_tokens_count_down_then_lock() {
        assert_eq!(wrong_token(1, 3).message, "wrong token: 2 tries left");
        assert_eq!(wrong_token(2, 3).message, "wrong token: 1 try left");
        assert!(wrong_token(3, 3).message.contains("now locked"));
    }

    #[test]
    fn statuses_round_trip() {
        for s in [
            LinkRequestStatus::Pending,
            LinkRequestStatus::Linked,
            LinkRequestStatus::Locked,
        ] {
            assert_eq!(s.as_str().parse::<LinkRequestStatus>().unwrap(), s);
        }
    }
}
