//! The background worker: runs due jobs (fetching and verifying consent artefacts, FI requests,
//! FI fetches) after the request that queued them was answered. It wakes when a transaction queues a job and at
//! least every `jobs.poll_interval_ms`, claims due jobs under a lease (several replicas can run
//! it), and retries failures with `aa_runtime::outbox::RetryPolicy`'s backoff. Beside it, the
//! [`purge`] sweep deletes FI data whose time is up.

pub mod fetch_artefact;
pub mod fi_fetch;
pub mod fi_request;
pub mod purge;

use std::sync::Arc;
use std::time::Duration;

use aa_core::registry::Registry;
use time::OffsetDateTime;
use tokio::sync::Notify;
use tokio::task::JoinSet;

use aa_core::fi_crypto::Curve;

use crate::aa_client::AaClient;
use crate::configuration::{FetchMethod, FiSettings, JobSettings};
use crate::persistence::jobs::{Job, JobKind};
use crate::persistence::{Store, StoreError};
use crate::vault::Vault;

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
    pub fi: FiJobSettings,
    pub vault: Vault,
}

/// The FI settings the jobs use, checked at start-up.
#[derive(Debug, Clone, Copy)]
pub struct FiJobSettings {
    pub curve: Curve,
    pub key_validity: time::Duration,
    pub fetch: FetchMethod,
    pub auto_request: bool,
    /// How long data of a consent that does not allow storing it is kept after it arrives.
    pub view: time::Duration,
    /// How often the purge sweep runs.
    pub purge_interval: Duration,
}

impl FiJobSettings {
    /// Checks `fi.curve`.
    pub fn from_settings(settings: &FiSettings) -> Result<Self, String> {
        let curve = settings
            .curve
            .parse()
            .map_err(|_| format!("fi.curve {:?} is not X25519 or Curve25519", settings.curve))?;
        let minutes = i64::try_from(settings.key_validity_minutes.max(1)).unwrap_or(i64::MAX);
        Ok(Self {
            curve,
            key_validity: time::Duration::minutes(minutes),
            fetch: settings.fetch,
            auto_request: settings.auto_request,
            view: time::Duration::seconds(i64::try_from(settings.view_seconds).unwrap_or(i64::MAX)),
            purge_interval: Duration::from_millis(settings.purge_interval_ms.max(10)),
        })
    }
}

/// Runs one job by its kind.
async fn run_job(worker: &Worker, job: Job) -> Result<(), StoreError> {
    match job.kind {
        JobKind::FetchArtefact => fetch_artefact::run(worker, job).await,
        JobKind::FiRequest => fi_request::run(worker, job).await,
        JobKind::FiFetch => fi_fetch::run(worker, job).await,
    }
}

impl Worker {
    /// Runs the jobs due now, concurrently; returns how many were claimed.
    pub async fn run_due(&self) -> Result<usize, StoreError> {
        let lease = Duration::from_secs(self.settings.lease_seconds.max(1));
        let jobs = self
            .store
            .claim_jobs(OffsetDateTime::now_utc(), BATCH, lease)
            .await?;
        let count = jobs.len();
        let mut running = JoinSet::new();
        for job in jobs {
            let worker = self.clone();
            running.spawn(async move { run_job(&worker, job).await });
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
