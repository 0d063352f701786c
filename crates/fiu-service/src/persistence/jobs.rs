//! The job table: queuing jobs (an artefact fetch, an FI request, an FI fetch), claiming due
//! jobs under a lease, and finishing an artefact job together with what it found (a verified
//! artefact, a refusal, or a fetch that failed for good) in one transaction. A verified
//! `ACTIVE` artefact also queues its automatic FI request there, when asked to
//! ([`crate::persistence::fi_requests`]).

use std::time::Duration;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use time::OffsetDateTime;

use super::entities::{artefact, consent_request, job};
use super::fi_requests::queue_auto_session;
use super::updates::{execute, plan_for};
use super::{Store, StoreError};
use crate::domain::artefact::VerifiedArtefact;
use crate::domain::data_request::SessionPlan;
use crate::domain::status::{ConsentState, FetchState};
use crate::domain::update::StatusUpdate;
use aa_runtime::clock::millis;

const PENDING: &str = "PENDING";
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
}

impl JobKind {
    pub const ALL: [JobKind; 3] = [Self::FetchArtefact, Self::FiRequest, Self::FiFetch];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::FetchArtefact => "fetch_artefact",
            Self::FiRequest => "fi_request",
            Self::FiFetch => "fi_fetch",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// Longest error text kept with a job or an artefact.
const MAX_ERROR_LEN: usize = 500;

/// A claimed job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: String,
    pub kind: JobKind,
    /// The session an FI job is about.
    pub subject: Option<String>,
    pub aa_id: String,
    pub handle: String,
    pub consent_id: String,
    /// Attempts made before this one.
    pub attempts: u32,
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

/// Queues a job, due at once.
pub(super) async fn insert_job<C: ConnectionTrait>(
    db: &C,
    kind: JobKind,
    aa_id: &str,
    handle: &str,
    consent_id: &str,
    subject: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    job::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        kind: Set(kind.as_str().to_owned()),
        subject: Set(subject.map(str::to_owned)),
        aa_id: Set(aa_id.to_owned()),
        handle: Set(handle.to_owned()),
        consent_id: Set(consent_id.to_owned()),
        state: Set(PENDING.to_owned()),
        attempts: Set(0),
        due_at: Set(now),
        lease_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

pub(super) async fn finish_job<C: ConnectionTrait>(
    db: &C,
    job: &Job,
    state: &str,
    error: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    job::Entity::update_many()
        .col_expr(job::Column::State, Expr::value(state))
        .col_expr(job::Column::Attempts, Expr::value(attempts_after(job)))
        .col_expr(job::Column::LeaseUntil, Expr::value(Option::<i64>::None))
        .col_expr(job::Column::LastError, Expr::value(error.map(clip)))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.eq(job.id.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

fn attempts_after(job: &Job) -> i32 {
    i32::try_from(job.attempts.saturating_add(1)).unwrap_or(i32::MAX)
}

async fn set_fetch_outcome<C: ConnectionTrait>(
    db: &C,
    consent_id: &str,
    state: FetchState,
    error: &str,
    now: i64,
) -> Result<(), StoreError> {
    artefact::Entity::update_many()
        .col_expr(artefact::Column::FetchState, Expr::value(state.as_str()))
        .col_expr(artefact::Column::Error, Expr::value(Some(clip(error))))
        .col_expr(artefact::Column::UpdatedAt, Expr::value(now))
        .filter(artefact::Column::ConsentId.eq(consent_id))
        .exec(db)
        .await?;
    Ok(())
}

impl Store {
    /// Claims up to `limit` due jobs for `lease`; each is claimed by one worker only.
    pub async fn claim_jobs(
        &self,
        now: OffsetDateTime,
        limit: u64,
        lease: Duration,
    ) -> Result<Vec<Job>, StoreError> {
        let now_ms = millis(now);
        let lease_ms = i64::try_from(lease.as_millis()).unwrap_or(i64::MAX);
        let free = || {
            Condition::any()
                .add(job::Column::LeaseUntil.is_null())
                .add(job::Column::LeaseUntil.lte(now_ms))
        };
        let due = job::Entity::find()
            .filter(job::Column::State.eq(PENDING))
            // Kinds from a newer version of the service are left to that version.
            .filter(job::Column::Kind.is_in(JobKind::ALL.map(JobKind::as_str)))
            .filter(job::Column::DueAt.lte(now_ms))
            .filter(free())
            .order_by_asc(job::Column::DueAt)
            .limit(limit)
            .all(self.db())
            .await?;
        let mut claimed = Vec::with_capacity(due.len());
        for row in due {
            // Claim by a conditional update: of two workers racing, one changes the row.
            let result = job::Entity::update_many()
                .col_expr(
                    job::Column::LeaseUntil,
                    Expr::value(Some(now_ms.saturating_add(lease_ms))),
                )
                .filter(job::Column::Id.eq(row.id.as_str()))
                .filter(job::Column::State.eq(PENDING))
                .filter(free())
                .exec(self.db())
                .await?;
            let Some(kind) = JobKind::parse(&row.kind) else {
                continue;
            };
            if result.rows_affected == 1 {
                claimed.push(Job {
                    id: row.id,
                    kind,
                    subject: row.subject,
                    aa_id: row.aa_id,
                    handle: row.handle,
                    consent_id: row.consent_id,
                    attempts: u32::try_from(row.attempts).unwrap_or(0),
                });
            }
        }
        Ok(claimed)
    }

    /// Puts a job back, due at `at`, after a failed attempt.
    pub async fn retry_job(
        &self,
        job: &Job,
        at: OffsetDateTime,
        error: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        job::Entity::update_many()
            .col_expr(job::Column::Attempts, Expr::value(attempts_after(job)))
            .col_expr(job::Column::DueAt, Expr::value(millis(at)))
            .col_expr(job::Column::LeaseUntil, Expr::value(Option::<i64>::None))
            .col_expr(job::Column::LastError, Expr::value(Some(clip(error))))
            .col_expr(job::Column::UpdatedAt, Expr::value(millis(now)))
            .filter(job::Column::Id.eq(job.id.as_str()))
            .exec(self.db())
            .await?;
        Ok(())
    }

    /// Stores a verified artefact, applies the status it carries, and closes the job. With
    /// `auto_request`, an `ACTIVE` artefact also gets its session in the consent's automatic
    /// data request, queued in the same transaction; returns whether one was queued.
    pub async fn artefact_verified(
        &self,
        job: &Job,
        verified: &VerifiedArtefact,
        auto_request: Option<&SessionPlan>,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let detail = serde_json::to_string(&verified.detail)
            .map_err(|e| StoreError::Corrupt(format!("detail: {e}")))?;
        let txn = self.db().begin().await?;
        let now_ms = millis(now);
        artefact::Entity::update_many()
            .col_expr(
                artefact::Column::FetchState,
                Expr::value(FetchState::Verified.as_str()),
            )
            .col_expr(
                artefact::Column::FipId,
                Expr::value(Some(verified.fip_id.clone())),
            )
            .col_expr(
                artefact::Column::SignerKid,
                Expr::value(Some(verified.signer_kid.clone())),
            )
            .col_expr(
                artefact::Column::SignedConsent,
                Expr::value(Some(verified.signed_consent.clone())),
            )
            .col_expr(artefact::Column::ConsentDetail, Expr::value(Some(detail)))
            .col_expr(artefact::Column::Error, Expr::value(Option::<String>::None))
            .col_expr(artefact::Column::UpdatedAt, Expr::value(now_ms))
            .filter(artefact::Column::ConsentId.eq(verified.consent_id.as_str()))
            .exec(&txn)
            .await?;
        let request = consent_request::Entity::find_by_id(job.handle.clone())
            .lock_exclusive()
            .one(&txn)
            .await?
            .map(TryInto::try_into)
            .transpose()?;
        let mut queued = false;
        if let Some(request) = request {
            let update = StatusUpdate {
                consent_id: Some(verified.consent_id.clone()),
                status: verified.status,
            };
            let plan = plan_for(&txn, &request, &update).await?;
            execute(&txn, &request, &plan, now).await?;
            if let Some(session) = auto_request.filter(|_| verified.status == ConsentState::Active)
            {
                queued = queue_auto_session(
                    &txn,
                    &request.handle,
                    &request.aa_id,
                    &verified.consent_id,
                    session,
                    now_ms,
                )
                .await?;
            }
        }
        finish_job(&txn, job, DONE, None, now_ms).await?;
        txn.commit().await?;
        Ok(queued)
    }

    /// Records that the artefact was refused (not the AA's signature, or not the terms asked
    /// for) and closes the job: a refusal is final.
    pub async fn artefact_refused(
        &self,
        job: &Job,
        reason: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let txn = self.db().begin().await?;
        let now = millis(now);
        set_fetch_outcome(&txn, &job.consent_id, FetchState::Refused, reason, now).await?;
        finish_job(&txn, job, DONE, Some(reason), now).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Records that the artefact could not be fetched and the job is given up.
    pub async fn artefact_fetch_failed(
        &self,
        job: &Job,
        reason: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let txn = self.db().begin().await?;
        let now = millis(now);
        set_fetch_outcome(&txn, &job.consent_id, FetchState::Failed, reason, now).await?;
        finish_job(&txn, job, FAILED, Some(reason), now).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Closes a job that found nothing (left) to do.
    pub async fn job_done(
        &self,
        job: &Job,
        note: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        finish_job(self.db(), job, DONE, note, millis(now)).await
    }

    /// Jobs not yet finished (for tests and operations).
    pub async fn pending_job_count(&self) -> Result<u64, StoreError> {
        use sea_orm::PaginatorTrait;
        Ok(job::Entity::find()
            .filter(job::Column::State.eq(PENDING))
            .count(self.db())
            .await?)
    }
}
