//! The background worker: runs due jobs (today: fetching and verifying consent artefacts) after
//! the request that queued them was answered. It wakes when a transaction queues a job and at
//! least every `jobs.poll_interval_ms`, claims due jobs under a lease (several replicas can run
//! it), and retries failures with `aa_core::outbox::RetryPolicy`'s backoff.

pub mod fetch_artefact;

use std::sync::Arc;
use std::time::Duration;

use aa_core::registry::Registry;
use time::OffsetDateTime;
use tokio::sync::Notify;
use tokio::task::JoinSet;

use crate::aa_client::AaClient;
use crate::configuration::JobSettings;
use crate::persistence::Store;

/// Jobs claimed per round.
const BATCH: u64 = 16;

/// Wakes the worker right after a transaction that queued a job commits.
#[derive(Debug, Clone, Default)]
pub struct JobWaker(Arc<Notify>);

impl JobWaker {
    pub fn wake(&self) {
        self.0.notify_one();
    }

    /// Waits for a wake-up, or `timeout`.
    async fn wait(&self, timeout: Duration) {
        let _ = tokio::time::timeout(timeout, self.0.notified()).await;
    }
}

/// Everything a job needs.
#[derive(Debug, Clone)]
pub struct Worker {
    pub store: Store,
    pub aa: AaClient,
    pub registry: Arc<Registry>,
    /// This FIU's entity id.
    pub fiu_id: String,
    pub settings: JobSettings,
    pub waker: JobWaker,
}

impl Worker {
    /// Runs the jobs due now, concurrently; returns how many were claimed.
    pub async fn run_due(&self) -> Result<usize, crate::persistence::StoreError> {
        let lease = Duration::from_secs(self.settings.lease_seconds.max(1));
        let jobs = self
            .store
            .claim_jobs(OffsetDateTime::now_utc(), BATCH, lease)
            .await?;
        let count = jobs.len();
        let mut running = JoinSet::new();
        for job in jobs {
            let worker = self.clone();
            running.spawn(async move { fetch_artefact::run(&worker, job).await });
        }
        while let Some(done) = running.join_next().await {
            match done {
                Ok(Ok(())) => {}
                Ok(Err(error)) => tracing::error!(%error, "job could not be recorded"),
                Err(error) => tracing::error!(%error, "job task failed"),
            }
        }
        Ok(count)
    }

    /// Runs jobs forever.
    pub async fn run(self) {
        let poll = Duration::from_millis(self.settings.poll_interval_ms.max(10));
        loop {
            match self.run_due().await {
                // A full batch means more may be waiting: go again at once.
                Ok(n) if n as u64 == BATCH => continue,
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "job store failed"),
            }
            self.waker.wait(poll).await;
        }
    }
}
