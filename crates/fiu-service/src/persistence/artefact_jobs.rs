//! Finishing an artefact job together with what it found (a verified artefact, a refusal, or a
//! fetch that failed for good) in one transaction, so the job and its effect commit as one. A
//! verified `ACTIVE` artefact also queues its automatic FI request there, when asked to
//! ([`super::fi_requests`]).

use aa_runtime::queue::{self, Settle};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
};
use time::OffsetDateTime;

use super::entities::{artefact, consent_request};
use super::fi_requests::queue_auto_session;
use super::jobs::{clip, finish_job, Job, DONE, FAILED};
use super::updates::{execute, plan_for};
use super::{Store, StoreError};
use crate::domain::artefact::VerifiedArtefact;
use crate::domain::data_request::SessionPlan;
use crate::domain::status::{ConsentState, FetchState};
use crate::domain::update::StatusUpdate;
use aa_runtime::clock::millis;

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
    /// Puts a job back, due at `at`, after a failed attempt.
    pub async fn retry_job(
        &self,
        job: &Job,
        at: OffsetDateTime,
        error: &str,
        _now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let outcome = Settle::Retry {
            at: millis(at),
            error,
        };
        queue::settle(self.db(), &job.queued, outcome).await?;
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

    /// Records that the artefact was `Refused` (not the AA's signature, or not the terms asked
    /// for: final, the job is done) or could not be fetched (`Failed`: the job is given up).
    pub async fn artefact_not_fetched(
        &self,
        job: &Job,
        outcome: FetchState,
        reason: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let txn = self.db().begin().await?;
        let now = millis(now);
        set_fetch_outcome(&txn, &job.consent_id, outcome, reason, now).await?;
        let state = if outcome == FetchState::Failed {
            FAILED
        } else {
            DONE
        };
        finish_job(&txn, job, state, Some(reason), now).await?;
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
        Ok(self.queue().count("pending").await?)
    }

    /// The runtime queue on this database (its table is one of the migrations).
    pub fn queue(&self) -> queue::Queue {
        queue::Queue::new(self.db().clone())
    }
}
