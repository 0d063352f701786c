//! How an OTP reaches the customer, the same in the AA (login OTPs) and the FIP (linking
//! OTPs): one interface, [`OtpDelivery::send`], and one settings section, `otp.delivery`
//! ([`DeliverySettings`]), with two modes:
//!
//! - `log`: the OTP is written to the service's log at INFO (`otp.ref`, `otp.code`). The one
//!   log line of the code base that carries an OTP, on purpose: it stands in for the SMS in
//!   `local` and `sandbox`. Refused in `production` at start-up.
//! - `http`: an SMS gateway. The OTP is queued as an [`KIND`] job on the runtime queue and
//!   POSTed by [`Gateway`] to `otp.delivery.url` as `{"to", "message", "reference"}`, the
//!   message made from `otp.delivery.template` (`{otp}` replaced), authenticated by the header
//!   `otp.delivery.header` with the secret `otp.delivery.token`. The request that asked for
//!   the OTP is answered once the job is written: a slow or failing gateway never holds it up
//!   or fails it; the queue retries with backoff and dead-letters what it cannot deliver.
//!
//! The queued OTP is sealed (`aa_core::seal`, XChaCha20-Poly1305) under a key derived from the
//! service's OTP pepper, which lives outside the database, and bound to its reference. Sealed
//! rather than deleted on completion: a job may wait through minutes of retries and may end as
//! a dead letter an operator lists and replays, and through all of that the table holds no
//! usable OTP. A job whose OTP has expired is not sent (it is dead-lettered as expired).

mod gateway;

use std::fmt;
use std::sync::Arc;

use aa_core::seal::DataKey;
use serde::Deserialize;

use crate::queue::{NewJob, Queue, Waker};
use crate::settings::{Environment, Secret, SettingsError};

pub use gateway::Gateway;

/// The queue kind of OTP deliveries.
pub const KIND: &str = "otp_delivery";

/// What the sealing key is derived for (with the pepper as the secret).
const SEAL_PURPOSE: &[u8] = b"aa-runtime otp_delivery v1";
const SEAL_KEY_ID: &str = "otp-delivery-1";

/// `otp.delivery.mode`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Written to the log (local and sandbox only).
    #[default]
    Log,
    /// POSTed to an SMS gateway through the queue.
    Http,
}

/// `otp.delivery`: the same section in the AA and the FIP.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DeliverySettings {
    pub mode: Mode,
    /// The gateway's endpoint (`http` mode), e.g. `https://sms.example.com/v1/send`.
    pub url: Option<String>,
    /// The header that carries `token`, e.g. `Authorization` or `X-Api-Key`.
    pub header: Option<String>,
    /// The header's value (a secret), e.g. `Bearer <key>`.
    pub token: Option<Secret>,
    /// The SMS text; `{otp}` is replaced by the code.
    pub template: Option<String>,
    /// How long one call to the gateway may take (default 10 s).
    pub timeout_seconds: Option<u64>,
}

impl DeliverySettings {
    /// `log` is refused in production; `http` needs its url, header, token and a template
    /// with `{otp}`.
    pub fn check(&self, environment: Environment, prefix: &str) -> Result<(), SettingsError> {
        let invalid = |m: String| Err(SettingsError::Invalid(m));
        match self.mode {
            Mode::Log if environment.is_production() => invalid(format!(
                "otp.delivery.mode is log ({prefix}__OTP__DELIVERY__MODE), which writes every \
                 OTP to the log: refused in production; use http with otp.delivery.url, header, \
                 token and template"
            )),
            Mode::Log => Ok(()),
            Mode::Http => {
                let url = self.url.as_deref().unwrap_or("").trim();
                let parsed = reqwest::Url::parse(url).ok();
                if !parsed.is_some_and(|u| matches!(u.scheme(), "http" | "https")) {
                    return invalid(format!(
                        "otp.delivery.url must be an http(s) URL in http mode ({prefix}__OTP__DELIVERY__URL)"
                    ));
                }
                let header = self.header.as_deref().unwrap_or("");
                if reqwest::header::HeaderName::from_bytes(header.as_bytes()).is_err() {
                    return invalid(format!(
                        "otp.delivery.header must be a header name in http mode ({prefix}__OTP__DELIVERY__HEADER)"
                    ));
                }
                match &self.token {
                    Some(token) if !token.expose().is_empty() => {
                        token.check_strength("otp.delivery.token", environment)?
                    }
                    _ => {
                        return invalid(format!(
                            "otp.delivery.token must be set in http mode ({prefix}__OTP__DELIVERY__TOKEN)"
                        ))
                    }
                }
                if !self.template.as_deref().unwrap_or("").contains("{otp}") {
                    return invalid("otp.delivery.template must contain {otp}".into());
                }
                Ok(())
            }
        }
    }
}

/// An OTP on its way to a customer. Does not print its code or recipient.
#[derive(Clone)]
pub struct OtpMessage {
    /// The OTP's reference (the AA's `otpRef`, the FIP's link `RefNumber`).
    pub reference: String,
    /// Where it goes: the customer's mobile number.
    pub recipient: String,
    pub code: String,
    /// When the OTP stops working (epoch ms): a delivery after that is pointless.
    pub expires_at_ms: i64,
}

impl fmt::Debug for OtpMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OtpMessage")
            .field("reference", &self.reference)
            .finish_non_exhaustive()
    }
}

/// Why an OTP could not be handed over for delivery.
#[derive(Debug, Clone, thiserror::Error)]
#[error("OTP delivery: {0}")]
pub struct DeliveryError(pub String);

/// The one way a service sends an OTP.
#[derive(Clone)]
pub struct OtpDelivery {
    inner: Inner,
}

#[derive(Clone)]
enum Inner {
    Log,
    Queue {
        queue: Queue,
        waker: Waker,
        key: Arc<DataKey>,
    },
}

impl fmt::Debug for OtpDelivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = match self.inner {
            Inner::Log => "log",
            Inner::Queue { .. } => "http",
        };
        f.debug_struct("OtpDelivery").field("mode", &mode).finish()
    }
}

/// The key OTPs are sealed under in the queue, derived from the service's pepper.
fn seal_key(pepper: &Secret) -> Result<DataKey, DeliveryError> {
    DataKey::derive(SEAL_KEY_ID, pepper.expose().as_bytes(), SEAL_PURPOSE)
        .map_err(|e| DeliveryError(e.to_string()))
}

/// What a sealed OTP is bound to: its job cannot be moved to another reference.
fn seal_context(reference: &str) -> Vec<u8> {
    format!("{KIND}:{reference}").into_bytes()
}

impl OtpDelivery {
    /// The delivery `settings` name. In `http` mode OTPs are queued on `queue` (the worker is
    /// poked with `waker`), sealed under a key derived from `pepper`; register
    /// [`OtpDelivery::gateway`] with the worker.
    pub fn new(
        settings: &DeliverySettings,
        pepper: &Secret,
        queue: Queue,
        waker: Waker,
    ) -> Result<Self, DeliveryError> {
        let inner = match settings.mode {
            Mode::Log => Inner::Log,
            Mode::Http => Inner::Queue {
                queue,
                waker,
                key: Arc::new(seal_key(pepper)?),
            },
        };
        Ok(Self { inner })
    }

    /// The queue handler of [`KIND`] jobs in `http` mode (`None` in `log` mode).
    pub fn gateway(
        settings: &DeliverySettings,
        pepper: &Secret,
    ) -> Result<Option<Gateway>, DeliveryError> {
        match settings.mode {
            Mode::Log => Ok(None),
            Mode::Http => Gateway::new(settings, seal_key(pepper)?).map(Some),
        }
    }

    /// Sends `message`: logs it (`log`), or writes its sealed job and wakes the worker
    /// (`http`). Returns once the OTP is handed over, never waiting for the gateway.
    pub async fn send(&self, message: &OtpMessage) -> Result<(), DeliveryError> {
        let Some(job) = self.job(message)? else {
            return Ok(());
        };
        let Inner::Queue { queue, waker, .. } = &self.inner else {
            return Ok(());
        };
        queue
            .enqueue(job)
            .await
            .map_err(|e| DeliveryError(e.to_string()))?;
        waker.wake();
        Self::queued(message);
        Ok(())
    }

    /// [`OtpDelivery::send`] for a caller that writes the delivery in its own transaction: in
    /// `log` mode the OTP is logged here and there is no job (`None`); in `http` mode the sealed
    /// job is returned, for the caller to enqueue (`queue::enqueue`) beside its own writes,
    /// then to wake the worker and call [`OtpDelivery::queued`] once they commit.
    pub fn job(&self, message: &OtpMessage) -> Result<Option<NewJob>, DeliveryError> {
        match &self.inner {
            Inner::Log => {
                // The documented local delivery (otp.delivery.mode: log, refused in
                // production): this line stands in for the SMS and is the only one that may
                // carry an OTP.
                tracing::info!(
                    "otp.ref" = %message.reference,
                    otp.code = %message.code,
                    "OTP for the customer's mobile (otp.delivery.mode: log; local and sandbox only)"
                );
                Ok(None)
            }
            Inner::Queue { key, .. } => {
                let sealed = key
                    .seal(&seal_context(&message.reference), message.code.as_bytes())
                    .map_err(|e| DeliveryError(e.to_string()))?;
                let payload = gateway::Payload {
                    reference: message.reference.clone(),
                    to: message.recipient.clone(),
                    sealed: gateway::encode(&sealed),
                    expires_at_ms: message.expires_at_ms,
                };
                let payload =
                    serde_json::to_string(&payload).map_err(|e| DeliveryError(e.to_string()))?;
                Ok(Some(NewJob {
                    kind: KIND.to_owned(),
                    key: None,
                    payload,
                }))
            }
        }
    }

    /// Records that `message`'s job was committed (the log line of `http` mode).
    pub fn queued(message: &OtpMessage) {
        tracing::info!("otp.ref" = %message.reference, "OTP queued for the SMS gateway");
    }
}

#[cfg(test)]
mod tests;
