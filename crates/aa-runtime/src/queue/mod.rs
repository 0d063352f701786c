//! One durable queue for every kind of background work: notifications (the [`crate::outbox`]),
//! the FIU's artefact and FI jobs, anything a service does after answering.
//!
//! A job is written with [`enqueue`] on the caller's connection or transaction, so it commits
//! (or not) with the state change that caused it; the enqueuing code then pokes the [`Waker`].
//! One [`Worker`] loop runs every kind: it claims due jobs under a lease (a compare-and-set, so
//! among replicas on one database exactly one wins each job), runs the [`Handler`] registered
//! for the kind, and finishes the job, retries it with exponential backoff and jitter, or
//! dead-letters it when its attempts run out or the failure is final. Dead jobs stay in the
//! table; [`admin`] lists, replays and discards them.
//!
//! Order per key: a job with an ordering key is claimed only when no older pending job has that
//! key, so a counterparty hears about changes in the order they were made. The loop claims again
//! as soon as a round finished anything, and sleeps only when nothing was claimable.

pub mod admin;
pub mod migration;
mod retry;
mod stats;
mod store;
mod worker;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use tokio::sync::Notify;

pub use migration::MIGRATION;
pub use retry::RetryPolicy;
pub use stats::{KindStats, PoolStats};
pub use store::{
    enqueue, enqueue_after, pending_payloads, settle, DeadJob, JobState, Queue, Settle,
};
pub use worker::Worker;

/// The queue's settings: one section, one spelling, milliseconds throughout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct QueueSettings {
    /// The worker looks for due jobs at least this often (it is also woken on insert).
    pub poll_ms: u64,
    /// Delay before the second attempt; it doubles with every further attempt.
    pub first_retry_ms: u64,
    /// Longest delay between two attempts.
    pub max_retry_ms: u64,
    /// Attempts before a job is dead-lettered.
    pub max_attempts: u32,
    /// How long a claimed job is reserved for the worker running it; longer than any handler
    /// takes (outbound calls time out sooner). A worker that dies leaves a lease that expires.
    pub lease_ms: u64,
}

impl Default for QueueSettings {
    fn default() -> Self {
        Self {
            poll_ms: 1_000,
            first_retry_ms: 500,
            max_retry_ms: 300_000,
            max_attempts: 12,
            lease_ms: 60_000,
        }
    }
}

impl QueueSettings {
    pub fn policy(&self) -> RetryPolicy {
        RetryPolicy {
            first_delay: Duration::from_millis(self.first_retry_ms.max(1)),
            max_delay: Duration::from_millis(self.max_retry_ms.max(1)),
            max_attempts: self.max_attempts.max(1),
        }
    }

    pub fn poll(&self) -> Duration {
        Duration::from_millis(self.poll_ms.max(10))
    }

    pub fn lease(&self) -> Duration {
        Duration::from_millis(self.lease_ms.max(1_000))
    }
}

/// A job to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    /// Which handler runs it, e.g. `notification`.
    pub kind: String,
    /// Jobs with the same key run one at a time, in the order they were written.
    pub key: Option<String>,
    /// What the handler needs (JSON by convention).
    pub payload: String,
}

/// A claimed job, handed to its handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub key: Option<String>,
    pub payload: String,
    /// Attempts made so far, this one included.
    pub attempts: u32,
    /// The lease this worker holds; [`settle`] needs it.
    pub lease: i64,
}

/// Why a handler did not finish a job.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    /// Trying again later may succeed (the callee is down, a 5xx).
    #[error("{0}")]
    Retry(String),
    /// It never will (a 4xx, a payload that does not parse): dead-letter it now.
    #[error("{0}")]
    Final(String),
}

/// What a handler's `run` returns.
pub type JobFuture<'a> = Pin<Box<dyn Future<Output = Result<(), JobError>> + Send + 'a>>;

/// Runs the jobs of one kind. Handlers must be idempotent: a worker that dies after the effect
/// but before recording it leaves the job to run again when its lease expires.
pub trait Handler: Send + Sync + 'static {
    fn run<'a>(&'a self, job: &'a Job) -> JobFuture<'a>;
}

/// Wakes the worker right after a transaction that queued jobs commits.
#[derive(Debug, Clone, Default)]
pub struct Waker(Arc<Notify>);

impl Waker {
    pub fn wake(&self) {
        self.0.notify_one();
    }

    /// Waits for a wake-up, or `timeout`. A wake-up that came while nobody waited is kept, so
    /// a job queued during a round is claimed right after it.
    pub(crate) async fn wait(&self, timeout: Duration) {
        let _ = tokio::time::timeout(timeout, self.0.notified()).await;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn an_empty_section_takes_every_default_and_keys_override_one_by_one() {
        let empty: QueueSettings = serde_json::from_str("{}").unwrap();
        assert_eq!(empty, QueueSettings::default());
        let some: QueueSettings = serde_json::from_str(r#"{"poll_ms": 50}"#).unwrap();
        assert_eq!(some.poll_ms, 50);
        assert_eq!(some.max_attempts, 12);
    }
}
