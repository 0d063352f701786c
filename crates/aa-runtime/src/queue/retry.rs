//! How long to wait before the next attempt: exponential backoff with jitter, capped.

use std::time::Duration;

/// Retry policy, from [`super::QueueSettings::policy`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub first_delay: Duration,
    pub max_delay: Duration,
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        super::QueueSettings::default().policy()
    }
}

impl RetryPolicy {
    /// Delay before attempt `attempts + 1`: first_delay · 2^(attempts-1), capped, with up to
    /// 25% random jitter so that replicas do not retry in lockstep.
    pub fn delay_after(&self, attempts: u32) -> Duration {
        let exp = attempts.saturating_sub(1).min(20);
        let base = self
            .first_delay
            .saturating_mul(1u32 << exp)
            .min(self.max_delay);
        let jitter = aa_core::fi_crypto::keys::random_bytes::<1>()
            .map(|b| u32::from(b[0]))
            .unwrap_or(0);
        base + base.mul_f64(f64::from(jitter) / 1024.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let policy = RetryPolicy {
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(10),
            max_attempts: 5,
        };
        let d1 = policy.delay_after(1);
        let d2 = policy.delay_after(2);
        let d5 = policy.delay_after(5);
        assert!(d1 >= Duration::from_secs(1) && d1 < Duration::from_millis(1250));
        assert!(d2 >= Duration::from_secs(2) && d2 < Duration::from_millis(2500));
        assert!(d5 >= Duration::from_secs(10) && d5 < Duration::from_millis(12500));
        assert!(policy.delay_after(40) <= Duration::from_millis(12500));
    }
}
