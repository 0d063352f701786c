//! The FIU's jobs (an artefact fetch, an FI request, an FI fetch) on the runtime queue
//! (`aa_runtime::queue`): their kinds and payloads, queuing them in the caller's transaction and
//! settling them in it. What finishing an artefact job writes is [`super::artefact_jobs`]'s.
//! A job given up is a dead letter an operator can list and replay (`/admin/dead-letters`).

use std::time::Duration;

use aa_runtime::queue::{self, NewJob, Settle};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};

use super::StoreError;

pub(super) const DONE: &str = "DONE";
pub(super) const FAILED: &str = "FAILED";

/// What a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    /// `POST /Consent/fetch` and verify the artefact `consent_id`.
    FetchArtefact,
    /// `POST /FI/request` for the session `subject`.
    FiRequest,
    /// `POST /FI/fetch` for the session `subject`, decrypt and store.
    FiFetch,
    /// Ask the AA for the session `subject`'s data when no `FI/Notification` came in time.
    FiPoll,
}

impl JobKind {
    pub const ALL: [JobKind; 4] = [
        Self::FetchArtefact,
        Self::FiRequest,
        Self::FiFetch,
        Self::FiPoll,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::FetchArtefact => "fetch_artefact",
            Self::FiRequest => "fi_request",
            Self::FiFetch => "fi_fetch",
            Self::FiPoll => "fi_poll",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// Longest error text kept with a job or an artefact.
const MAX_ERROR_LEN: usize = 500;

/// What a job's queue payload holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Payload {
    subject: Option<String>,
    aa_id: String,
    handle: String,
    consent_id: String,
}

/// A claimed job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The queue's job (its id and the lease that finishing it needs).
    pub queued: queue::Job,
    pub kind: JobKind,
    /// The session an FI job is about.
    pub subject: Option<String>,
    pub aa_id: String,
    pub handle: String,
    pub consent_id: String,
    /// Attempts made before this one.
    pub attempts: u32,
}

impl Job {
    /// The FIU job a claimed queue job carries; `None` for a payload it cannot read.
    pub fn from_queue(queued: &queue::Job) -> Option<Self> {
        let kind = JobKind::parse(&queued.kind)?;
        let payload: Payload = serde_json::from_str(&queued.payload).ok()?;
        Some(Self {
            queued: queued.clone(),
            kind,
            subject: payload.subject,
            aa_id: payload.aa_id,
            handle: payload.handle,
            consent_id: payload.consent_id,
            attempts: queued.attempts.saturating_sub(1),
        })
    }
}

pub(super) fn clip(text: &str) -> String {
    match text.char_indices().nth(MAX_ERROR_LEN) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_owned(),
    }
}

/// Queues a fetch of `consent_id`, due at once.
pub(super) async fn insert_fetch_job<C: ConnectionTrait>(
    db: &C,
    aa_id: &str,
    handle: &str,
    consent_id: &str,
    now: i64,
) -> Result<(), StoreError> {
    insert_job(
        db,
        JobKind::FetchArtefact,
        aa_id,
        handle,
        consent_id,
        None,
        now,
    )
    .await
}

/// Queues a job on the runtime queue in the caller's transaction, due at once.
pub(super) async fn insert_job<C: ConnectionTrait>(
    db: &C,
    kind: JobKind,
    aa_id: &str,
    handle: &str,
    consent_id: &str,
    subject: Option<&str>,
    _now: i64,
) -> Result<(), StoreError> {
    let job = Queued {
        kind,
        aa_id,
        handle,
        consent_id,
        subject,
    };
    insert_job_after(db, job, Duration::ZERO).await
}

/// What a job to queue is about.
pub(super) struct Queued<'a> {
    pub kind: JobKind,
    pub aa_id: &'a str,
    pub handle: &'a str,
    pub consent_id: &'a str,
    pub subject: Option<&'a str>,
}

/// Queues `job` on the runtime queue in the caller's transaction, due `delay` from now.
pub(super) async fn insert_job_after<C: ConnectionTrait>(
    db: &C,
    job: Queued<'_>,
    delay: Duration,
) -> Result<(), StoreError> {
    let Queued {
        kind,
        aa_id,
        handle,
        consent_id,
        subject,
    } = job;
    let payload = serde_json::to_string(&Payload {
        subject: subject.map(str::to_owned),
        aa_id: aa_id.to_owned(),
        handle: handle.to_owned(),
        consent_id: consent_id.to_owned(),
    })
    .map_err(|e| StoreError::Corrupt(format!("job payload: {e}")))?;
    let job = NewJob {
        kind: kind.as_str().to_owned(),
        key: None,
        payload,
    };
    queue::enqueue_after(db, job, delay).await?;
    Ok(())
}

/// Finishes `job` on `db` (usually the transaction of its effect): `DONE`, with `error` kept
/// as a note, or `FAILED`, a dead letter.
pub(super) async fn finish_job<C: ConnectionTrait>(
    db: &C,
    job: &Job,
    state: &str,
    error: Option<&str>,
    _now: i64,
) -> Result<(), StoreError> {
    let outcome = if state == FAILED {
        Settle::Dead {
            error: error.unwrap_or("failed"),
        }
    } else {
        Settle::Done { note: error }
    };
    queue::settle(db, &job.queued, outcome).await?;
    Ok(())
}
