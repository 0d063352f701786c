//! The `http` mode's queue handler: opens the sealed OTP of an [`super::KIND`] job and POSTs
//! `{"to", "message", "reference"}` to the gateway. A 2xx is delivered; a 429, a 5xx or no
//! answer is retried by the queue; any other status is final (a dead letter). No error text
//! carries the OTP: only statuses and transport causes are kept.

use std::time::Duration;

use aa_core::seal::DataKey;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use reqwest::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{seal_context, DeliveryError, DeliverySettings};
use crate::queue::{Handler, Job, JobError, JobFuture};
use crate::settings::Secret;

/// What an OTP job holds: everything but the code in clear.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Payload {
    pub reference: String,
    pub to: String,
    /// base64 of the sealed code.
    pub sealed: String,
    pub expires_at_ms: i64,
}

pub(super) fn encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// POSTs queued OTPs to the configured gateway.
#[derive(Clone)]
pub struct Gateway {
    client: reqwest::Client,
    url: String,
    header: HeaderName,
    token: Secret,
    template: String,
    key: DataKey,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway")
            .field("url", &self.url)
            .field("header", &self.header)
            .finish_non_exhaustive()
    }
}

impl Gateway {
    pub(super) fn new(settings: &DeliverySettings, key: DataKey) -> Result<Self, DeliveryError> {
        let missing = |what: &str| DeliveryError(format!("otp.delivery.{what} is not set"));
        let header = settings
            .header
            .as_deref()
            .ok_or_else(|| missing("header"))?;
        let header = HeaderName::from_bytes(header.as_bytes())
            .map_err(|_| DeliveryError("otp.delivery.header is no header name".into()))?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(
                settings.timeout_seconds.unwrap_or(10).max(1),
            ))
            .build()
            .map_err(|e| DeliveryError(format!("the gateway client: {e}")))?;
        Ok(Self {
            client,
            url: settings.url.clone().ok_or_else(|| missing("url"))?,
            header,
            token: settings.token.clone().ok_or_else(|| missing("token"))?,
            template: settings
                .template
                .clone()
                .ok_or_else(|| missing("template"))?,
            key,
        })
    }

    async fn deliver(&self, job: &Job) -> Result<(), JobError> {
        let payload: Payload = serde_json::from_str(&job.payload)
            .map_err(|e| JobError::Final(format!("OTP job payload: {e}")))?;
        if payload.expires_at_ms <= crate::clock::Clock::system().now_millis() {
            return Err(JobError::Final(
                "the OTP expired before it could be delivered".into(),
            ));
        }
        let sealed = STANDARD
            .decode(payload.sealed.as_bytes())
            .map_err(|_| JobError::Final("OTP job payload: sealed code is not base64".into()))?;
        let code = Zeroizing::new(
            self.key
                .open(&seal_context(&payload.reference), &sealed)
                .map_err(|e| JobError::Final(format!("the sealed OTP does not open: {e}")))?,
        );
        let code = std::str::from_utf8(&code)
            .map_err(|_| JobError::Final("the sealed OTP is not text".into()))?;
        let message = Zeroizing::new(self.template.replace("{otp}", code));
        let body = Zeroizing::new(
            serde_json::to_vec(&serde_json::json!({
                "to": payload.to,
                "message": message.as_str(),
                "reference": payload.reference,
            }))
            .map_err(|e| JobError::Final(e.to_string()))?,
        );
        let token = HeaderValue::from_str(self.token.expose())
            .map_err(|_| JobError::Final("otp.delivery.token is no header value".into()))?;
        let answer = self
            .client
            .post(&self.url)
            .header(CONTENT_TYPE, "application/json")
            .header(self.header.clone(), token)
            .body(body.to_vec())
            .send()
            .await
            .map_err(|e| JobError::Retry(format!("SMS gateway: {}", transport(&e))))?;
        let status = answer.status();
        if status.is_success() {
            tracing::info!(job.id = job.id, "otp.ref" = %payload.reference, job.attempts = job.attempts, "OTP handed to the SMS gateway");
            Ok(())
        } else if status.as_u16() == 429 || status.is_server_error() {
            Err(JobError::Retry(format!("SMS gateway answered {status}")))
        } else {
            Err(JobError::Final(format!("SMS gateway answered {status}")))
        }
    }
}

/// A transport failure's cause without the URL's query (which may carry a key).
fn transport(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "connection failed"
    } else {
        "request failed"
    }
}

impl Handler for Gateway {
    fn run<'a>(&'a self, job: &'a Job) -> JobFuture<'a> {
        Box::pin(self.deliver(job))
    }
}
