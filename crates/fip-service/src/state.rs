//! What every handler shares, built once at start-up.

use std::sync::Arc;
use std::time::Duration;

use aa_core::outbox::OutboxWaker;
use aa_core::registry::Registry;
use aa_core::settings::Secret;

use crate::otp_delivery::OtpDelivery;
use crate::persistence::Store;

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
    pub registry: Arc<Registry>,
    pub otp: OtpPolicy,
    pub delivery: Arc<dyn OtpDelivery>,
    /// Wakes the outbox worker after a transaction that queued a notification.
    pub waker: OutboxWaker,
}
