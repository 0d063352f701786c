//! What every handler shares, built once at start-up.

use std::sync::Arc;
use std::time::Duration;

use aa_core::key_ring::KeyRing;
use aa_core::rebit::AuthenticatorType;
use aa_runtime::http::ops::Readiness;
use aa_runtime::http::RebitError;
use aa_runtime::idempotency::{Claim, Idempotency, Incoming, NextAction};
use aa_runtime::otp_delivery::OtpDelivery;
use aa_runtime::queue::Waker;
use aa_runtime::rate_limit::Limiter;
use aa_runtime::settings::Secret;
use actix_web::HttpResponse;

use crate::persistence::{Store, StoreError};
use crate::sandbox_otps::SandboxOtps;

/// The rules of linking OTPs.
#[derive(Debug, Clone)]
pub struct OtpPolicy {
    /// The server secret OTP hashes are keyed with.
    pub pepper: Secret,
    pub ttl: Duration,
    pub max_attempts: u32,
}

/// Shared by every handler (`web::Data<AppState>`).
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// This FIP's entity id.
    pub fip_id: String,
    pub registry: aa_runtime::registry::RegistryHandle,
    pub otp: OtpPolicy,
    /// How linking OTPs reach the customer (`otp.delivery`).
    pub delivery: OtpDelivery,
    /// The sandbox endpoint's copy of each OTP (`otp.sandbox_endpoint`, never in production).
    pub sandbox_otps: Option<SandboxOtps>,
    /// OTP sends and link verifications per customer and per AA (`rate_limits`).
    pub limiter: Limiter,
    /// Wakes the queue's worker after a transaction that queued a job (a notification, an FI
    /// preparation).
    pub waker: Waker,
    pub fi: FiState,
    /// How link requests are confirmed (`linking.authenticator`).
    pub authenticator: AuthenticatorType,
    /// How long a discovery allows linking (`linking.discovery_lifetime_seconds`).
    pub discovery_lifetime: time::Duration,
}

impl Readiness for AppState {
    async fn ping(&self) -> Result<(), StoreError> {
        self.store.ping().await
    }
}

impl AppState {
    /// The idempotency keys, with bodies digested under the OTP pepper.
    pub fn idempotency(&self) -> Idempotency<'_> {
        self.store.idempotency(self.otp.pepper.expose().as_bytes())
    }

    /// Claims `incoming`'s idempotency key, for an endpoint whose answers are stored: a fresh
    /// claim whose transaction the work writes in (then `save_response` / `finish`: the effect
    /// and the answer commit together), or the answer given before.
    pub async fn claim(&self, incoming: &Incoming<'_>) -> Result<Claimed<'_>, RebitError> {
        match self.idempotency().try_processing(incoming).await? {
            NextAction::StartProcessing(claim) => Ok(Claimed::Fresh(claim)),
            NextAction::ReturnSavedResponse(answer) => Ok(Claimed::Answered(answer)),
            NextAction::Recompute => Err(RebitError::internal(&format!(
                "{} answers are stored",
                incoming.endpoint.path()
            ))),
        }
    }

    /// Now on the store's clock, as a ReBIT `timestamp`.
    pub fn timestamp(&self) -> String {
        aa_core::timefmt::format_millis(self.store.clock().now())
    }
}

/// A claimed request ([`AppState::claim`]): work to do, or the answer given before.
pub enum Claimed<'a> {
    Fresh(Claim<'a>),
    Answered(HttpResponse),
}

/// What the FI data flow shares between the handlers and the preparation job.
#[derive(Clone)]
pub struct FiState {
    /// The master keys that wrap the per-consent data keys sealing prepared data at rest.
    pub key_ring: Arc<KeyRing>,
    /// Validity of this FIP's `KeyMaterial` in fetch answers.
    pub key_validity: time::Duration,
    /// How long a session lives after its `FI/request`.
    pub session_lifetime: time::Duration,
}
