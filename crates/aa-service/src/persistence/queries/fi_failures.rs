//! The FI session's way out of the request: the FIP forward queued with the FIU's answer, the
//! forwards that died, and a failure recorded (session `FAILED` with its reason, waiting
//! accounts `TIMEOUT`, the FIU's notification queued) in one transaction.

use aa_core::rebit::FiStatus;
use aa_runtime::queue::NewJob;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};

use super::super::entities::{fi_session, fi_session_account};
use super::super::records::{Failing, FiAccountRecord, FiSessionRecord, NewOutboxMessage};
use super::super::{Store, StoreError};
use super::consents::enqueue;
use super::fi_sessions::{accounts_in, session_record};
use crate::domain::fi_session::SessionState;

impl Store {
    /// Queues `job` in `conn` (the FI request's idempotency claim: the job commits with the
    /// answer that names the session).
    pub async fn queue_job(
        &self,
        conn: &impl ConnectionTrait,
        job: NewJob,
    ) -> Result<(), StoreError> {
        aa_runtime::queue::enqueue(conn, job).await?;
        Ok(())
    }

    /// Up to `limit` sessions still `REQUESTED` that were opened before `opened_before`: their
    /// forward to the FIP has died (its job dead-lettered, discarded or lost), oldest first.
    pub async fn abandoned_forwards(
        &self,
        opened_before: i64,
        limit: u64,
    ) -> Result<Vec<FiSessionRecord>, StoreError> {
        Ok(fi_session::Entity::find()
            .filter(fi_session::Column::Status.eq(SessionState::Requested.as_str()))
            .filter(fi_session::Column::CreatedAt.lt(opened_before))
            .order_by_asc(fi_session::Column::CreatedAt)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(session_record)
            .collect())
    }

    /// Session `id` `FAILED` for `reason` (kept, at most 500 characters), its `PENDING` and
    /// `READY` accounts `TIMEOUT` with the reason as description, and the notifications `notify`
    /// builds from the new state queued, in one transaction. False (nothing written) when the
    /// session is unknown, already `FAILED` or `EXPIRED`, or not what `failing` names.
    pub async fn fail_fi_session_notified(
        &self,
        id: &str,
        failing: Failing,
        reason: &str,
        notify: impl FnOnce(
            &FiSessionRecord,
            &[FiAccountRecord],
        ) -> Result<Vec<NewOutboxMessage>, String>,
        now: i64,
    ) -> Result<bool, StoreError> {
        let reason: String = reason.chars().take(500).collect();
        let txn = self.db.begin().await?;
        // Conditional on the state read, so that two failures of one session notify once.
        let from = match failing {
            Failing::Open => Condition::all().add(fi_session::Column::Status.is_in([
                SessionState::Requested.as_str(),
                SessionState::Active.as_str(),
                SessionState::Completed.as_str(),
            ])),
            Failing::Forward { opened_at } => Condition::all()
                .add(fi_session::Column::Status.eq(SessionState::Requested.as_str()))
                .add(fi_session::Column::CreatedAt.eq(opened_at)),
        };
        let failed = fi_session::Entity::update_many()
            .col_expr(
                fi_session::Column::Status,
                Expr::value(SessionState::Failed.as_str()),
            )
            .col_expr(fi_session::Column::LastError, Expr::value(reason.clone()))
            .col_expr(fi_session::Column::UpdatedAt, Expr::value(now))
            .filter(fi_session::Column::Id.eq(id))
            .filter(from)
            .exec(&txn)
            .await?;
        let Some(session) = fi_session::Entity::find_by_id(id.to_owned())
            .one(&txn)
            .await?
            .map(session_record)
            .filter(|_| failed.rows_affected == 1)
        else {
            txn.rollback().await?;
            return Ok(false);
        };
        fi_session_account::Entity::update_many()
            .col_expr(
                fi_session_account::Column::FiStatus,
                Expr::value(FiStatus::Timeout.as_str()),
            )
            .col_expr(
                fi_session_account::Column::Description,
                Expr::value(reason.clone()),
            )
            .col_expr(fi_session_account::Column::UpdatedAt, Expr::value(now))
            .filter(fi_session_account::Column::SessionId.eq(id))
            .filter(
                fi_session_account::Column::FiStatus
                    .is_in([FiStatus::Pending.as_str(), FiStatus::Ready.as_str()]),
            )
            .exec(&txn)
            .await?;
        let accounts = accounts_in(&txn, id).await?;
        let messages = notify(&session, &accounts).map_err(StoreError::Corrupt)?;
        enqueue(&txn, messages).await?;
        txn.commit().await?;
        Ok(true)
    }
}
