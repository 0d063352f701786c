//! The sandbox's copy of linking OTPs (with `otp.sandbox_endpoint: true`, refused in
//! production): the latest OTP of each link request, in memory, for `GET /sandbox/otp/{ref}`,
//! so scripts and demos can finish linking. It lives in the process: behind a load balancer,
//! ask the replica that issued the OTP. The OTP itself reaches the customer through
//! `aa_runtime::otp_delivery` (`otp.delivery`), whatever the sandbox does.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// The latest OTPs, by link reference. Bounded: the oldest entries are forgotten first.
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

    /// Keeps `code` as the latest OTP of `reference`.
    pub fn keep(&self, reference: &str, code: &str) {
        let Ok(mut sandbox) = self.inner.lock() else {
            return;
        };
        if sandbox
            .codes
            .insert(reference.to_owned(), code.to_owned())
            .is_none()
        {
            sandbox.order.push_back(reference.to_owned());
        }
        while sandbox.order.len() > SANDBOX_CAPACITY {
            if let Some(oldest) = sandbox.order.pop_front() {
                sandbox.codes.remove(&oldest);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sandbox_keeps_the_latest_code_per_reference_and_forgets_the_oldest() {
        let sandbox = SandboxOtps::default();
        sandbox.keep("a", "111111");
        sandbox.keep("a", "222222");
        assert_eq!(sandbox.get("a").as_deref(), Some("222222"));
        for i in 0..SANDBOX_CAPACITY {
            sandbox.keep(&format!("r{i}"), "000000");
        }
        assert_eq!(sandbox.get("a"), None);
        assert!(sandbox.get(&format!("r{}", SANDBOX_CAPACITY - 1)).is_some());
    }
}
