//! The FIU's jobs (fetching and verifying consent artefacts, FI requests, FI fetches) as
//! handlers of the runtime queue (`aa_runtime::queue`), run after the request that queued
//! them was answered. The queue's one worker claims them under a lease (several replicas can
//! run it) and wakes on every commit that queues; each handler records its outcome (done,
//! retried with the `queue` section's backoff, or given up as a dead letter) in the
//! transaction of its effect. Beside it, the [`purge`] sweep deletes FI data whose time is up.

pub mod fetch_artefact;
pub mod fi_fetch;
pub mod fi_poll;
pub mod fi_request;
pub mod purge;

use std::collections::BTreeMap;
use std::time::Duration;

use aa_core::fi_crypto::Curve;
use aa_runtime::clock::Clock;
use aa_runtime::queue::{self, Handler, JobError, JobFuture, QueueSettings, Waker};

use crate::clients::aa::AaClient;
use crate::configuration::{FetchMethod, FiSettings};
use crate::persistence::fi_requests::SessionRecord;
use crate::persistence::jobs::{Job, JobKind};
use crate::persistence::{Store, StoreError};
use crate::vault::Vault;

/// Everything a job needs.
#[derive(Debug, Clone)]
pub struct Worker {
    pub store: Store,
    pub aa: AaClient,
    pub registry: aa_runtime::registry::RegistryHandle,
    /// This FIU's entity id.
    pub fiu_id: String,
    pub settings: QueueSettings,
    pub waker: Waker,
    pub fi: FiJobSettings,
    pub vault: Vault,
    /// The time every job decides by.
    pub clock: Clock,
}

/// The FI settings the jobs use, checked at start-up.
#[derive(Debug, Clone)]
pub struct FiJobSettings {
    /// The curve of the KeyMaterial sent to a FIP not in `curves`.
    pub curve: Curve,
    /// The curve per FIP id, where it differs.
    pub curves: BTreeMap<String, Curve>,
    pub key_validity: time::Duration,
    pub fetch: FetchMethod,
    pub auto_request: bool,
    /// How long data of a consent that does not allow storing it is kept after it arrives.
    pub view: time::Duration,
    /// How often the purge sweep runs.
    pub purge_interval: Duration,
    /// When the AA is polled for data no `FI/Notification` announced; `None`: never.
    pub poll: Option<fi_poll::PollPlan>,
}

impl FiJobSettings {
    /// The curve of the KeyMaterial for a session with `fip_id`.
    pub fn curve_for(&self, fip_id: &str) -> Curve {
        self.curves.get(fip_id).copied().unwrap_or(self.curve)
    }

    /// Checks `fi.curve` and `fi.curves`.
    pub fn from_settings(settings: &FiSettings) -> Result<Self, String> {
        let parse = |name: String, curve: &str| {
            curve
                .parse::<Curve>()
                .map_err(|_| format!("{name} {curve:?} is not Curve25519 or X25519"))
        };
        let curve = parse("fi.curve".into(), &settings.curve)?;
        let curves = settings
            .curves
            .iter()
            .map(|(fip, curve)| Ok((fip.clone(), parse(format!("fi.curves.{fip}"), curve)?)))
            .collect::<Result<_, String>>()?;
        let minutes = i64::try_from(settings.key_validity_minutes.max(1)).unwrap_or(i64::MAX);
        let poll = (settings.poll_after_seconds > 0).then(|| fi_poll::PollPlan {
            after: Duration::from_secs(settings.poll_after_seconds),
            max: Duration::from_secs(
                settings
                    .poll_max_interval_seconds
                    .max(settings.poll_after_seconds),
            ),
            budget: Duration::from_secs(settings.key_validity_minutes.max(1).saturating_mul(60)),
        });
        Ok(Self {
            curve,
            curves,
            key_validity: time::Duration::minutes(minutes),
            fetch: settings.fetch,
            auto_request: settings.auto_request,
            view: time::Duration::seconds(i64::try_from(settings.view_seconds).unwrap_or(i64::MAX)),
            purge_interval: Duration::from_millis(settings.purge_interval_ms.max(10)),
            poll,
        })
    }
}

/// Runs one job by its kind.
async fn run_job(worker: &Worker, job: Job) -> Result<(), StoreError> {
    match job.kind {
        JobKind::FetchArtefact => fetch_artefact::run(worker, job).await,
        JobKind::FiRequest => fi_request::run(worker, job).await,
        JobKind::FiFetch => fi_fetch::run(worker, job).await,
        JobKind::FiPoll => fi_poll::run(worker, job).await,
    }
}

/// The handler of one job kind.
struct Run(Worker);

impl Handler for Run {
    fn run<'a>(&'a self, job: &'a queue::Job) -> JobFuture<'a> {
        Box::pin(async move {
            let job = Job::from_queue(job)
                .ok_or_else(|| JobError::Final("the job's payload is not readable".into()))?;
            // The handler records its own outcome; a store failure is tried again.
            run_job(&self.0, job)
                .await
                .map_err(|error| JobError::Retry(error.to_string()))
        })
    }
}

impl Worker {
    /// The session an FI job is about, or `None` when it is gone (the job is then closed).
    async fn session_of(&self, job: &Job) -> Result<Option<SessionRecord>, StoreError> {
        let session = match &job.subject {
            Some(row) => self.store.session(row).await?,
            None => None,
        };
        if session.is_none() {
            let now = self.clock.now();
            self.store
                .job_done(job, Some("no such session"), now)
                .await?;
        }
        Ok(session)
    }

    /// Puts `job` back for later, with the `queue` section's backoff, when its failure is
    /// `retryable` and attempts remain (true); false: the caller records that it gives up.
    async fn retried(&self, job: &Job, retryable: bool, error: &str) -> Result<bool, StoreError> {
        let attempts = job.attempts + 1;
        let policy = self.settings.policy();
        if !retryable || attempts >= policy.max_attempts {
            tracing::error!(attempts, %error, "the job failed; giving up");
            return Ok(false);
        }
        let delay = policy.delay_after(attempts);
        tracing::warn!(attempts, retry_in_ms = delay.as_millis() as u64, %error, "the job failed; will retry");
        let now = self.clock.now();
        self.store.retry_job(job, now + delay, error, now).await?;
        Ok(true)
    }

    /// The queue's worker with a handler for every kind of FIU job.
    pub fn into_queue_worker(self) -> queue::Worker {
        let mut worker = queue::Worker::new(self.store.queue(), self.settings, self.waker.clone());
        for kind in JobKind::ALL {
            worker = worker.handle(kind.as_str(), Run(self.clone()));
        }
        worker
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_curve_is_curve25519_unless_the_fip_needs_another() {
        let mut settings = FiSettings::default();
        let fi = FiJobSettings::from_settings(&settings).unwrap();
        assert_eq!(fi.curve_for("FIP-1"), Curve::Curve25519);
        settings.curves.insert("FIP-2".into(), "X25519".into());
        let fi = FiJobSettings::from_settings(&settings).unwrap();
        assert_eq!(fi.curve_for("FIP-2"), Curve::X25519);
        assert_eq!(fi.curve_for("FIP-1"), Curve::Curve25519);
        settings.curves.insert("FIP-3".into(), "P-256".into());
        let refused = FiJobSettings::from_settings(&settings).unwrap_err();
        assert!(refused.contains("fi.curves.FIP-3"), "{refused}");
    }
}
