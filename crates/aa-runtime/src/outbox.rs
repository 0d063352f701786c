//! Delivery of notifications written to a transactional outbox.
//!
//! A service writes the notification (callee, path, exact body bytes) in the same database
//! transaction as the state change it announces; this module delivers it: signed, with retries
//! and exponential backoff, until the callee acknowledges or the attempts run out. The store
//! (the service's own table) implements [`OutboxStore`]; several replicas may run the worker, so
//! `claim` must hand each due message to one of them only (a lease).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::http::SignedClient;

/// One message to deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: String,
    /// The callee's entity id.
    pub callee: String,
    /// The ReBIT path, e.g. `/Consent/Notification`.
    pub path: String,
    /// The exact JSON bytes to send.
    pub body: Vec<u8>,
    /// Attempts made so far.
    pub attempts: u32,
}

/// Retry policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub first_delay: Duration,
    pub max_delay: Duration,
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            first_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(300),
            max_attempts: 12,
        }
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

/// The service's outbox table.
pub trait OutboxStore: Send + Sync + 'static {
    /// Claims up to `limit` messages due at `now` (leasing them so no other worker takes them).
    fn claim(
        &self,
        now: OffsetDateTime,
        limit: u64,
    ) -> impl Future<Output = Result<Vec<OutboxMessage>, String>> + Send;
    /// Records a delivery.
    fn delivered(&self, id: &str) -> impl Future<Output = Result<(), String>> + Send;
    /// Records a failed attempt and when to try again.
    fn retry_at(
        &self,
        id: &str,
        attempts: u32,
        at: OffsetDateTime,
        error: &str,
    ) -> impl Future<Output = Result<(), String>> + Send;
    /// Records a message that will not be retried (final refusal or attempts exhausted).
    fn give_up(
        &self,
        id: &str,
        attempts: u32,
        error: &str,
    ) -> impl Future<Output = Result<(), String>> + Send;
}

/// Delivers what is due at `clock`'s now once; returns how many messages were attempted.
/// (The time messages are due and retried is the service's clock, the one its state changes
/// were written at; the `timestamp` sent is the system time, which the receiver checks.)
pub async fn deliver_due<S: OutboxStore>(
    store: &S,
    client: &SignedClient,
    policy: RetryPolicy,
    clock: &Clock,
) -> Result<usize, String> {
    let due = store.claim(clock.now(), 32).await?;
    let count = due.len();
    for message in due {
        let attempts = message.attempts + 1;
        match client
            .post_raw(&message.callee, &message.path, restamp(&message.body))
            .await
        {
            Ok(_) => {
                tracing::info!(outbox.id = %message.id, peer.id = %message.callee, path = %message.path, attempts, "notification delivered");
                store.delivered(&message.id).await?;
            }
            Err(error) if error.is_retryable() && attempts < policy.max_attempts => {
                let delay = policy.delay_after(attempts);
                tracing::warn!(outbox.id = %message.id, peer.id = %message.callee, path = %message.path, attempts, retry_in_ms = delay.as_millis() as u64, %error, "notification not delivered; will retry");
                let at = clock.now() + delay;
                store
                    .retry_at(&message.id, attempts, at, &error.to_string())
                    .await?;
            }
            Err(error) => {
                tracing::error!(outbox.id = %message.id, peer.id = %message.callee, path = %message.path, attempts, %error, "notification abandoned");
                store
                    .give_up(&message.id, attempts, &error.to_string())
                    .await?;
            }
        }
    }
    Ok(count)
}

/// The stored body with its `timestamp` set to now: a retry long after the state change must
/// still pass the receiver's 15-minute window. Everything else is sent as stored.
fn restamp(body: &[u8]) -> Vec<u8> {
    let Ok(serde_json::Value::Object(mut object)) = serde_json::from_slice(body) else {
        return body.to_vec();
    };
    if !object.contains_key("timestamp") {
        return body.to_vec();
    }
    object.insert(
        "timestamp".to_owned(),
        serde_json::Value::String(aa_core::timefmt::now_millis()),
    );
    serde_json::to_vec(&object).unwrap_or_else(|_| body.to_vec())
}

/// Wakes the worker right after a transaction that wrote to the outbox commits.
#[derive(Debug, Clone, Default)]
pub struct OutboxWaker(Arc<Notify>);

impl OutboxWaker {
    pub fn wake(&self) {
        self.0.notify_one();
    }
}

/// Runs the delivery loop forever: on every wake-up, and at least every `poll`.
pub async fn run<S: OutboxStore>(
    store: Arc<S>,
    client: SignedClient,
    policy: RetryPolicy,
    waker: OutboxWaker,
    poll: Duration,
    clock: Clock,
) {
    loop {
        match deliver_due(store.as_ref(), &client, policy, &clock).await {
            // A full batch means more may be waiting: go again at once.
            Ok(32) => continue,
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "outbox store failed"),
        }
        let _ = tokio::time::timeout(poll, waker.0.notified()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retried_body_gets_a_fresh_timestamp_and_nothing_else_changes() {
        let body =
            br#"{"ver":"2.0.0","timestamp":"2020-01-01T00:00:00.000Z","txnid":"t","x":[1,2]}"#;
        let sent: serde_json::Value = serde_json::from_slice(&restamp(body)).unwrap();
        assert_ne!(sent["timestamp"], "2020-01-01T00:00:00.000Z");
        assert_eq!(sent["txnid"], "t");
        assert_eq!(sent["x"], serde_json::json!([1, 2]));
        assert_eq!(restamp(b"not json"), b"not json");
    }

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
