//! The one worker loop: claim, run, settle; claim again at once while anything was claimed;
//! otherwise sleep until woken, the next job falls due, or the poll interval passes.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinSet;

use super::store::{now_ms, Settle};
use super::{Handler, Job, JobError, Queue, QueueSettings, Waker};

/// Jobs claimed per round; they run concurrently (never two of one key).
const BATCH: u64 = 32;

/// Runs the queue's jobs with one handler per kind.
#[derive(Clone)]
pub struct Worker {
    queue: Queue,
    settings: QueueSettings,
    waker: Waker,
    handlers: BTreeMap<String, Arc<dyn Handler>>,
    kinds: Vec<String>,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("settings", &self.settings)
            .field("kinds", &self.kinds)
            .finish_non_exhaustive()
    }
}

impl Worker {
    pub fn new(queue: Queue, settings: QueueSettings, waker: Waker) -> Self {
        Self {
            queue,
            settings,
            waker,
            handlers: BTreeMap::new(),
            kinds: Vec::new(),
        }
    }

    /// Registers the handler of `kind`; the worker claims only kinds it has a handler for.
    pub fn handle(mut self, kind: &str, handler: impl Handler) -> Self {
        self.handlers.insert(kind.to_owned(), Arc::new(handler));
        self.kinds = self.handlers.keys().cloned().collect();
        self
    }

    /// Runs one round: claims what is due and runs it; returns how many jobs were claimed.
    pub async fn run_once(&self) -> Result<usize, sea_orm::DbErr> {
        let lease_ms = i64::try_from(self.settings.lease().as_millis()).unwrap_or(i64::MAX);
        let claimed = self.queue.claim(&self.kinds, BATCH, lease_ms).await?;
        let count = claimed.len();
        let mut running = JoinSet::new();
        for job in claimed {
            let Some(handler) = self.handlers.get(&job.kind).cloned() else {
                continue;
            };
            let worker = self.clone();
            running.spawn(async move {
                let result = handler.run(&job).await;
                worker.settle(&job, result).await
            });
        }
        while let Some(done) = running.join_next().await {
            match done {
                Ok(Ok(())) => {}
                Ok(Err(error)) => tracing::error!(%error, "queue: outcome not recorded"),
                Err(error) => tracing::error!(%error, "queue: job task failed"),
            }
        }
        Ok(count)
    }

    async fn settle(&self, job: &Job, result: Result<(), JobError>) -> Result<(), sea_orm::DbErr> {
        let policy = self.settings.policy();
        let outcome = match &result {
            Ok(()) => {
                tracing::info!(job.id = job.id, job.kind = %job.kind, job.attempts = job.attempts, "job done");
                crate::metrics::queue_run(&job.kind, "done");
                Settle::Done { note: None }
            }
            Err(JobError::Retry(error)) if job.attempts < policy.max_attempts => {
                let delay = policy.delay_after(job.attempts);
                let at =
                    now_ms().saturating_add(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX));
                tracing::warn!(job.id = job.id, job.kind = %job.kind, job.attempts = job.attempts, retry_in_ms = delay.as_millis() as u64, %error, "job failed; will retry");
                crate::metrics::queue_run(&job.kind, "retry");
                Settle::Retry { at, error }
            }
            Err(JobError::Retry(error) | JobError::Final(error)) => {
                tracing::error!(job.id = job.id, job.kind = %job.kind, job.attempts = job.attempts, %error, "job dead-lettered");
                crate::metrics::queue_run(&job.kind, "dead");
                Settle::Dead { error }
            }
        };
        // A handler may have settled the job in its own transaction already; that is not a
        // lost lease.
        if !self.queue.settle(job, outcome).await? && result.is_err() {
            tracing::warn!(job.id = job.id, job.kind = %job.kind, "job's lease had passed to another worker; outcome dropped");
        }
        Ok(())
    }

    /// How long to sleep when nothing was claimable: until the next job falls due, at most
    /// the poll interval.
    async fn idle_wait(&self) -> Duration {
        let poll = self.settings.poll();
        match self.queue.next_due(&self.kinds).await {
            Ok(Some(at)) => {
                let wait = u64::try_from(at.saturating_sub(now_ms()).max(1)).unwrap_or(1);
                poll.min(Duration::from_millis(wait))
            }
            Ok(None) => poll,
            Err(error) => {
                tracing::error!(%error, "queue store failed");
                poll
            }
        }
    }

    /// Runs forever: claims again at once after a round that claimed anything, else waits for
    /// a wake-up, the next due job or the poll interval.
    pub async fn run(self) {
        loop {
            match self.run_once().await {
                Ok(0) => {}
                Ok(_) => continue,
                Err(error) => tracing::error!(%error, "queue store failed"),
            }
            let wait = self.idle_wait().await;
            self.waker.wait(wait).await;
        }
    }
}
