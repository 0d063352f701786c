//! An FI session's progress at the FIU: the key sent with `POST /FI/request`, the AA's answer,
//! a failure, and the AA's `FI/Notification` (its fetch queued in the same transaction).

use std::time::Duration;

use aa_core::rebit::FiStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
};
use time::OffsetDateTime;

use super::entities::{fi_account, fi_session};
use super::fi_records::{AccountRecord, Applied, SessionRecord};
use super::fi_requests::{insert_account, moves, set_session};
use super::jobs::{finish_job, insert_job, insert_job_after, Job, JobKind, Queued, DONE, FAILED};
use super::{Store, StoreError};
use crate::domain::data_request::{settle, SessionState, Settle};
use aa_runtime::clock::millis;

impl Store {
    /// Keeps the sealed ephemeral key about to be sent with `POST /FI/request`.
    pub async fn store_session_key(
        &self,
        session_row: &str,
        sealed: &[u8],
        expiry: OffsetDateTime,
        txnid: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        fi_session::Entity::update_many()
            .col_expr(
                fi_session::Column::SealedKey,
                Expr::value(Some(sealed.to_vec())),
            )
            .col_expr(
                fi_session::Column::KeyExpiry,
                Expr::value(Some(millis(expiry))),
            )
            .col_expr(
                fi_session::Column::Txnid,
                Expr::value(Some(txnid.to_owned())),
            )
            .col_expr(fi_session::Column::UpdatedAt, Expr::value(millis(now)))
            .filter(fi_session::Column::Id.eq(session_row))
            .exec(self.db())
            .await?;
        Ok(())
    }

    /// The AA accepted the FI request: its session id is kept and the job closed; with
    /// `poll_after`, a poll of the AA is queued for that long from now, in case no
    /// `FI/Notification` comes.
    pub async fn session_requested(
        &self,
        job: &Job,
        session_row: &str,
        session_id: &str,
        poll_after: Option<Duration>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = millis(now);
        let txn = self.db().begin().await?;
        fi_session::Entity::update_many()
            .col_expr(
                fi_session::Column::SessionId,
                Expr::value(Some(session_id.to_owned())),
            )
            .col_expr(fi_session::Column::UpdatedAt, Expr::value(now))
            .filter(fi_session::Column::Id.eq(session_row))
            .exec(&txn)
            .await?;
        finish_job(&txn, job, DONE, None, now).await?;
        if let Some(delay) = poll_after {
            let poll = Queued {
                kind: JobKind::FiPoll,
                aa_id: &job.aa_id,
                handle: &job.handle,
                consent_id: &job.consent_id,
                subject: Some(session_row),
            };
            insert_job_after(&txn, poll, delay).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// A session failed for good (`error` says why); the job closes `FAILED` when
    /// `job_failed`, else `DONE` (the job did its work: the failure is the session's).
    pub async fn session_failed(
        &self,
        job: &Job,
        session_row: &str,
        error: &str,
        job_failed: bool,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let now = millis(now);
        let txn = self.db().begin().await?;
        set_session(&txn, session_row, SessionState::Failed, Some(error), now).await?;
        fi_session::Entity::update_many()
            .col_expr(
                fi_session::Column::SealedKey,
                Expr::value(Option::<Vec<u8>>::None),
            )
            .filter(fi_session::Column::Id.eq(session_row))
            .exec(&txn)
            .await?;
        let state = if job_failed { FAILED } else { DONE };
        finish_job(&txn, job, state, Some(error), now).await?;
        txn.commit().await?;
        Ok(())
    }
}

/// Applies an FI status notification to a session: the accounts' statuses move forward,
/// and once [`settle`] says so the session moves on (its fetch queued in the same
/// transaction). A repeated notification changes nothing.
pub(super) async fn apply_fi_notification(
    txn: &DatabaseTransaction,
    session: &SessionRecord,
    accounts: &[(String, FiStatus)],
    session_over: bool,
    now: OffsetDateTime,
) -> Result<Applied, StoreError> {
    let now = millis(now);
    let current: SessionRecord = fi_session::Entity::find_by_id(session.id.clone())
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("session {} vanished", session.id)))?
        .try_into()?;
    if current.purged.is_some() {
        return Ok(Applied {
            changed: false,
            fetch_queued: false,
        });
    }
    let known: Vec<AccountRecord> = fi_account::Entity::find()
        .filter(fi_account::Column::SessionRow.eq(current.id.as_str()))
        .all(txn)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    let mut statuses = Vec::with_capacity(accounts.len());
    let mut changed = false;
    for (link, incoming) in accounts {
        match known.iter().find(|a| &a.link_ref_number == link) {
            Some(account) => {
                let merged = if moves(&account.fi_status, *incoming) {
                    fi_account::Entity::update_many()
                        .col_expr(fi_account::Column::FiStatus, Expr::value(incoming.as_str()))
                        .col_expr(fi_account::Column::UpdatedAt, Expr::value(now))
                        .filter(fi_account::Column::Id.eq(account.id.as_str()))
                        .exec(txn)
                        .await?;
                    changed = true;
                    *incoming
                } else {
                    account.fi_status.parse().unwrap_or(*incoming)
                };
                statuses.push(merged);
            }
            None => {
                let id = insert_account(txn, &current.id, link, None, None, now).await?;
                fi_account::Entity::update_many()
                    .col_expr(fi_account::Column::FiStatus, Expr::value(incoming.as_str()))
                    .filter(fi_account::Column::Id.eq(id.as_str()))
                    .exec(txn)
                    .await?;
                changed = true;
                statuses.push(*incoming);
            }
        }
    }
    let mut applied = Applied {
        changed,
        fetch_queued: false,
    };
    // A session ended by the AA while its fetch was queued is not fetched either.
    let open = current.status == SessionState::Pending
        || (session_over && current.status == SessionState::Ready);
    if !open {
        return Ok(applied);
    }
    let (next, error) = match settle(&statuses, session_over) {
        Settle::Wait => return Ok(applied),
        Settle::Fetch => (SessionState::Ready, None),
        Settle::AllDenied => (SessionState::Completed, None),
        Settle::Fail(reason) => (SessionState::Failed, Some(reason)),
    };
    set_session(txn, &current.id, next, error.as_deref(), now).await?;
    if next == SessionState::Ready {
        let (aa, handle, consent) = (&current.aa_id, &current.handle, &current.consent_id);
        insert_job(
            txn,
            JobKind::FiFetch,
            aa,
            handle,
            consent,
            Some(&current.id),
            now,
        )
        .await?;
        applied.fetch_queued = true;
    }
    applied.changed = true;
    Ok(applied)
}
