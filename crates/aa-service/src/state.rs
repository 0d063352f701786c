//! What every handler shares, built once at start-up.

use std::time::Duration;

use aa_runtime::clock::Clock;
use aa_runtime::http::ops::Readiness;
use aa_runtime::http::{Caller, RebitError};
use aa_runtime::idempotency::{Claim, Endpoint, Idempotency, Incoming, NextAction};
use aa_runtime::identity::Identity;
use aa_runtime::otp_delivery::OtpDelivery;
use aa_runtime::queue::Waker;
use aa_runtime::rate_limit::Limiter;
use aa_runtime::settings::Secret;
use actix_web::HttpResponse;

use crate::clients::fip::FipClient;
use crate::persistence::{Store, StoreError};
use aa_runtime::redirection::Passphrases;

/// Customer-authentication policy.
#[derive(Debug, Clone)]
pub struct AuthPolicy {
    pub pepper: Secret,
    pub session_ttl: Duration,
    pub otp_ttl: Duration,
    pub otp_max_attempts: u32,
    pub otp_sandbox: bool,
    /// How login OTPs reach the customer (`otp.delivery`).
    pub otp_delivery: OtpDelivery,
    /// OTP sends and log-in attempts per customer and per client address (`rate_limits`).
    pub limiter: Limiter,
    /// The consent manager's cookies are `Secure` (`auth.secure_cookies`).
    pub secure_cookies: bool,
}

/// A claimed request: work to do, or the answer given before.
pub enum Claimed<'a> {
    Fresh(Claim<'a>),
    Answered(HttpResponse),
}

/// Registered as `web::Data<AppState>`.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    pub identity: Identity,
    pub auth: AuthPolicy,
    /// Wakes the queue's worker after a commit that queued notifications.
    pub waker: Waker,
    /// How long an FI session lives (`fi.session_lifetime_minutes`).
    pub fi_session_lifetime: Duration,
    /// The time, for the code that decides what has expired.
    pub clock: Clock,
    /// The passphrase shared with each FIU for redirection (`redirection`).
    pub passphrases: Passphrases,
}

impl Readiness for AppState {
    async fn ping(&self) -> Result<(), StoreError> {
        self.store.ping().await
    }
}

impl AppState {
    /// The idempotency keys of the notifications the AA receives. The AA has no server secret
    /// to key digests with; bodies are still kept only as salted digests.
    pub fn idempotency(&self) -> Idempotency<'_> {
        self.store.idempotency(&[])
    }

    /// The client of the FIPs' ReBIT API, signing as this AA.
    pub fn fip(&self) -> FipClient<'_> {
        FipClient::new(&self.identity.client, &self.clock)
    }

    /// Now, by the state's clock (tests set it).
    pub fn now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }

    /// Now, by the state's clock, in epoch milliseconds.
    pub fn now_millis(&self) -> i64 {
        self.clock.now_millis()
    }

    /// Now, by the state's clock, as a ReBIT timestamp.
    pub fn timestamp(&self) -> String {
        aa_core::timefmt::format_millis(self.clock.now())
    }

    /// Claims the idempotency key of `caller`'s request to `endpoint` under `txnid` (`raw`: the
    /// bytes received), for an endpoint whose answers are stored: a fresh claim to work under,
    /// or the answer given before.
    pub async fn claim(
        &self,
        caller: &Caller,
        endpoint: Endpoint,
        txnid: &str,
        raw: &[u8],
    ) -> Result<Claimed<'_>, RebitError> {
        let incoming = Incoming::new(caller, endpoint, txnid, raw);
        match self.idempotency().try_processing(&incoming).await? {
            NextAction::StartProcessing(claim) => Ok(Claimed::Fresh(claim)),
            NextAction::ReturnSavedResponse(answer) => Ok(Claimed::Answered(answer)),
            NextAction::Recompute => Err(RebitError::internal(&format!(
                "{} answers are stored",
                endpoint.path()
            ))),
        }
    }

    /// Our entity id (the `<aa-id>` of customer handles).
    pub fn aa_id(&self) -> &str {
        &self.identity.entity_id
    }

    /// FI sessions created before this (epoch ms) have outlived `fi_session_lifetime` at `now`.
    pub fn fi_session_expired_before(&self, now: time::OffsetDateTime) -> i64 {
        let lifetime = i64::try_from(self.fi_session_lifetime.as_millis()).unwrap_or(i64::MAX);
        aa_runtime::clock::millis(now).saturating_sub(lifetime)
    }
}
