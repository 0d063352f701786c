//! How a linking OTP reaches the customer. The bank would send an SMS; here delivery is a
//! trait with two implementations, both documented in `docs/SERVICES.md`:
//!
//! - [`LogDelivery`] (always on): one INFO line with `otp.ref` and `otp.code`. This is the one
//!   place the service logs a secret, on purpose: it is the local stand-in for the SMS.
//! - [`SandboxOtps`] (with `otp.sandbox_endpoint: true`, never in production): keeps the
//!   latest OTP of each link request in memory for `GET /sandbox/otp/{ref}`, so scripts and
//!   demos can finish linking. It lives in the process: behind a load balancer, ask the
//!   replica that issued the OTP (or use the log).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// An OTP on its way to a customer.
#[derive(Clone)]
pub struct OtpMessage {
    /// The link request's `RefNumber`.
    pub reference: String,
    pub code: String,
    /// The customer's registered mobile number (where an SMS would go).
    pub mobile: String,
}

impl std::fmt::Debug for OtpMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OtpMessage")
            .field("reference", &self.reference)
            .finish_non_exhaustive()
    }
}

/// Why an OTP could not be sent.
#[derive(Debug, Clone, thiserror::Error)]
#[error("OTP delivery failed: {0}")]
pub struct DeliveryError(pub String);

/// A way to get an OTP to the customer. `deliver` must not block: an implementation that talks
/// to a gateway hands the message to its own queue.
pub trait OtpDelivery: Send + Sync {
    fn deliver(&self, message: &OtpMessage) -> Result<(), DeliveryError>;
}

/// Writes the OTP to the service's log (the documented local delivery).
#[derive(Debug, Clone, Copy, Default)]
pub struct LogDelivery;

impl OtpDelivery for LogDelivery {
    fn deliver(&self, message: &OtpMessage) -> Result<(), DeliveryError> {
        tracing::info!(
            "otp.ref" = %message.reference,
            otp.code = %message.code,
            "account linking OTP (local delivery: this log line stands in for the SMS)"
        );
        Ok(())
    }
}

/// The latest OTPs, by link reference, for the sandbox endpoint. Bounded: the oldest entries
/// are forgotten first.
#[derive(Debug, Clone, Default)]
pub struct SandboxOtps {
    inner: Arc<Mutex<Sandbox>>,
}

#[derive(Debug, Default)]
struct Sandbox {
    codes: HashMap<String, String>,
    order: VecDeque<String>,
}

/// How many OTPs the sandbox remembers.
const SANDBOX_CAPACITY: usize = 4096;

impl SandboxOtps {
    /// The latest OTP sent for `reference`.
    pub fn get(&self, reference: &str) -> Option<String> {
        self.inner
            .lock()
            .ok()
            .and_then(|s| s.codes.get(reference).cloned())
    }
}

impl OtpDelivery for SandboxOtps {
    fn deliver(&self, message: &OtpMessage) -> Result<(), DeliveryError> {
        let mut sandbox = self
            .inner
            .lock()
            .map_err(|_| DeliveryError("sandbox store is poisoned".into()))?;
        if sandbox
            .codes
            .insert(message.reference.clone(), message.code.clone())
            .is_none()
        {
            sandbox.order.push_back(message.reference.clone());
        }
        while sandbox.order.len() > SANDBOX_CAPACITY {
            if let Some(oldest) = sandbox.order.pop_front() {
                sandbox.codes.remove(&oldest);
            }
        }
        Ok(())
    }
}

/// Delivers through every channel in turn; the first failure stops it.
#[derive(Clone, Default)]
pub struct Deliveries(pub Vec<Arc<dyn OtpDelivery>>);

impl OtpDelivery for Deliveries {
    fn deliver(&self, message: &OtpMessage) -> Result<(), DeliveryError> {
        self.0.iter().try_for_each(|d| d.deliver(message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(reference: &str, code: &str) -> OtpMessage {
        OtpMessage {
            reference: reference.into(),
            code: code.into(),
            mobile: "9999999999".into(),
        }
    }

    #[test]
    fn the_sandbox_keeps_the_latest_code_per_reference_and_forgets_the_oldest() {
        let sandbox = SandboxOtps::default();
        sandbox.deliver(&message("a", "111111")).unwrap();
        sandbox.deliver(&message("a", "222222")).unwrap();
        assert_eq!(sandbox.get("a").as_deref(), Some("222222"));
        for i in 0..SANDBOX_CAPACITY {
            sandbox
                .deliver(&message(&format!("r{i}"), "000000"))
                .unwrap();
        }
        assert_eq!(sandbox.get("a"), None);
        assert!(sandbox.get(&format!("r{}", SANDBOX_CAPACITY - 1)).is_some());
    }

    #[test]
    fn a_message_does_not_print_its_code() {
        let text = format!("{:?}", message("ref-1", "123456"));
        assert!(!text.contains("123456"));
        assert!(!text.contains("9999999999"));
    }
}
