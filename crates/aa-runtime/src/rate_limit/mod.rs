//! Rate limits shared by replicas through the database: a fixed-window counter per key in the
//! runtime table `rate_limits` ([`MIGRATION`]), counted with one atomic upsert, so two replicas
//! on one database count into the same window.
//!
//! What is limited is the same in the AA and the FIP: OTP sends and OTP checks (the AA's login
//! attempts, the FIP's link verifications), each per customer and per client (the AA: the
//! caller's IP address; the FIP: the calling AA). Every hit counts, refused ones too, so a
//! client that keeps trying stays refused until the window ends. Over the limit is
//! [`Limited`], answered 429 with `Retry-After` (the seconds left in the window).

pub mod migration;
mod store;

use std::fmt;

use sea_orm::{DatabaseConnection, DbErr};
use serde::Deserialize;

use crate::clock::Clock;

pub use migration::MIGRATION;

/// `rate_limits`: one section, the same in every role that limits. 0 turns a limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct RateLimitSettings {
    /// Length of a counting window; every limit below is per window.
    pub window_seconds: u64,
    /// OTPs sent to one customer.
    pub otp_sends_per_customer: u32,
    /// OTPs asked for by one client (IP address at the AA, AA at the FIP).
    pub otp_sends_per_client: u32,
    /// OTPs checked for one customer (AA log-ins, FIP link verifications), right or wrong.
    pub otp_checks_per_customer: u32,
    /// OTPs checked from one client.
    pub otp_checks_per_client: u32,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            window_seconds: 900,
            otp_sends_per_customer: 5,
            otp_sends_per_client: 50,
            otp_checks_per_customer: 10,
            otp_checks_per_client: 100,
        }
    }
}

/// What is being limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// An OTP sent to a customer.
    OtpSend,
    /// An OTP checked (log-in, link verification).
    OtpCheck,
}

impl Action {
    fn name(self) -> &'static str {
        match self {
            Action::OtpSend => "otp_send",
            Action::OtpCheck => "otp_check",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Action::OtpSend => "OTP requests",
            Action::OtpCheck => "OTP attempts",
        }
    }
}

/// Over a limit: try again after `retry_after_seconds`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limited {
    pub action: Action,
    /// `customer` or `client`: which limit was reached.
    pub scope: &'static str,
    pub retry_after_seconds: u64,
}

impl fmt::Display for Limited {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "too many {} for this {}; try again in {} seconds",
            self.action.what(),
            self.scope,
            self.retry_after_seconds
        )
    }
}

/// Why a hit was not allowed.
#[derive(Debug, thiserror::Error)]
pub enum LimitError {
    #[error("{0}")]
    Limited(Limited),
    #[error("rate limits: {0}")]
    Store(#[from] DbErr),
}

/// The limiter of one service, on its database.
#[derive(Debug, Clone)]
pub struct Limiter {
    db: DatabaseConnection,
    settings: RateLimitSettings,
    clock: Clock,
}

impl Limiter {
    /// Windows are read on `clock` (tests set it).
    pub fn new(db: DatabaseConnection, settings: RateLimitSettings, clock: Clock) -> Self {
        Self {
            db,
            settings,
            clock,
        }
    }

    /// Counts one `action` for `customer` and for `client`; refused when either is over its
    /// limit in the current window. Both are counted even when the first is over, so a client
    /// cycling through customers is still counted as one client.
    pub async fn hit(
        &self,
        action: Action,
        customer: &str,
        client: &str,
    ) -> Result<(), LimitError> {
        let (per_customer, per_client) = match action {
            Action::OtpSend => (
                self.settings.otp_sends_per_customer,
                self.settings.otp_sends_per_client,
            ),
            Action::OtpCheck => (
                self.settings.otp_checks_per_customer,
                self.settings.otp_checks_per_client,
            ),
        };
        let by_customer = self
            .count(action, "customer", customer, per_customer)
            .await?;
        let by_client = self.count(action, "client", client, per_client).await?;
        match by_customer.or(by_client) {
            Some(limited) => Err(LimitError::Limited(limited)),
            None => Ok(()),
        }
    }

    /// Counts one hit of `action` by `who` in `scope`; `Some` when it is over `limit`.
    async fn count(
        &self,
        action: Action,
        scope: &'static str,
        who: &str,
        limit: u32,
    ) -> Result<Option<Limited>, DbErr> {
        if limit == 0 {
            return Ok(None);
        }
        let window = i64::try_from(self.settings.window_seconds.max(1)).unwrap_or(i64::MAX);
        let now = self.clock.now().unix_timestamp();
        let window_start = now - now.rem_euclid(window);
        let key = format!("{}:{scope}:{who}", action.name());
        let count = store::hit(&self.db, &key, window_start).await?;
        if count <= i64::from(limit) {
            return Ok(None);
        }
        let left = (window_start + window - now).max(1);
        Ok(Some(Limited {
            action,
            scope,
            retry_after_seconds: u64::try_from(left).unwrap_or(1),
        }))
    }
}

impl LimitError {
    /// The answer of a JSON API (the AA's customer API): 429 `too_many_requests` with
    /// `Retry-After`, or a 500 for a store failure. A refusal is logged at WARN.
    pub fn into_app_error(self) -> crate::http::AppError {
        match self {
            LimitError::Limited(limited) => {
                limited.log();
                crate::http::AppError::too_many_requests(
                    limited.to_string(),
                    limited.retry_after_seconds,
                )
            }
            LimitError::Store(error) => crate::http::AppError::internal(&error),
        }
    }

    /// The answer of a ReBIT endpoint (the FIP's linking): 429 with `Retry-After` and the
    /// spec's `ErrorResponse` body, `errorCode` `ServiceUnavailable` (the spec has no code for
    /// rate limiting; this is its "try again later").
    pub fn into_rebit_error(self) -> crate::http::RebitError {
        match self {
            LimitError::Limited(limited) => {
                limited.log();
                crate::http::RebitError::too_many_requests(
                    aa_core::rebit::ErrorCode::ServiceUnavailable,
                    limited.to_string(),
                    limited.retry_after_seconds,
                )
            }
            LimitError::Store(error) => crate::http::RebitError::internal(&error),
        }
    }
}

impl Limited {
    fn log(&self) {
        tracing::warn!(
            limit.action = self.action.name(),
            limit.scope = self.scope,
            retry_after_seconds = self.retry_after_seconds,
            "request refused: rate limited"
        );
    }
}
