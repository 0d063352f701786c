//! An FIP's `FI/Notification` applied to a session (statuses moved on, the FIU's notification
//! queued in the same transaction), and a session's data marked delivered.

use aa_core::rebit::FiStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};

use super::super::entities::{fi_session, fi_session_account};
use super::super::records::{
    FiAccountRecord, FiNotificationOutcome, FiSessionRecord, FiStatusReport, NewOutboxMessage,
};
use super::super::{Store, StoreError};
use super::consents::enqueue;
use super::fi_sessions::{accounts_in, session_record};
use crate::domain::fi_session::{next_fi_status, SessionState};

impl Store {
    /// Applies an FIP's report to session `id`: the session state and each account's status
    /// move as `domain::fi_session` allows; if anything changed, `notify` builds the FIU's
    /// notifications from the new state and they are queued in the same transaction (a
    /// savepoint of `conn`, the idempotency claim's transaction, so that they commit with it).
    pub async fn apply_fi_notification(
        &self,
        conn: &impl TransactionTrait,
        id: &str,
        reported: SessionState,
        reports: &[FiStatusReport],
        notify: impl FnOnce(
            &FiSessionRecord,
            &[FiAccountRecord],
        ) -> Result<Vec<NewOutboxMessage>, String>,
        now: i64,
    ) -> Result<FiNotificationOutcome, StoreError> {
        let txn = conn.begin().await?;
        // Touch the row first: on PostgreSQL this locks the session against a concurrent report.
        let touched = fi_session::Entity::update_many()
            .col_expr(fi_session::Column::UpdatedAt, Expr::value(now))
            .filter(fi_session::Column::Id.eq(id))
            .exec(&txn)
            .await?;
        let Some(mut session) = fi_session::Entity::find_by_id(id.to_owned())
            .one(&txn)
            .await?
            .map(session_record)
            .filter(|_| touched.rows_affected == 1)
        else {
            txn.rollback().await?;
            return Ok(FiNotificationOutcome::UnknownSession);
        };
        let mut accounts = accounts_in(&txn, id).await?;
        let mut changed = false;
        for report in reports {
            let Some(account) = accounts
                .iter_mut()
                .find(|a| a.link_ref_number == report.link_ref_number)
            else {
                txn.rollback().await?;
                return Ok(FiNotificationOutcome::UnknownAccount(
                    report.link_ref_number.clone(),
                ));
            };
            let next = next_fi_status(account.fi_status, report.fi_status);
            if next == account.fi_status {
                continue;
            }
            changed = true;
            account.fi_status = next;
            account.description = Some(report.description.clone());
            fi_session_account::Entity::update_many()
                .col_expr(
                    fi_session_account::Column::FiStatus,
                    Expr::value(next.as_str()),
                )
                .col_expr(
                    fi_session_account::Column::Description,
                    Expr::value(report.description.clone()),
                )
                .col_expr(fi_session_account::Column::UpdatedAt, Expr::value(now))
                .filter(fi_session_account::Column::SessionId.eq(id))
                .filter(fi_session_account::Column::LinkRefNumber.eq(&report.link_ref_number))
                .exec(&txn)
                .await?;
        }
        let next_state = session.status.next(reported);
        if next_state != session.status {
            changed = true;
            session.status = next_state;
            fi_session::Entity::update_many()
                .col_expr(fi_session::Column::Status, Expr::value(next_state.as_str()))
                .filter(fi_session::Column::Id.eq(id))
                .exec(&txn)
                .await?;
        }
        if changed {
            let messages = notify(&session, &accounts).map_err(StoreError::Corrupt)?;
            enqueue(&txn, messages).await?;
        }
        txn.commit().await?;
        Ok(FiNotificationOutcome::Applied { changed })
    }

    /// After a fetch: the accounts whose data went to the FIU are `DELIVERED`.
    pub async fn mark_fi_delivered(
        &self,
        session_id: &str,
        link_refs: &[String],
        now: i64,
    ) -> Result<(), StoreError> {
        if link_refs.is_empty() {
            return Ok(());
        }
        fi_session_account::Entity::update_many()
            .col_expr(
                fi_session_account::Column::FiStatus,
                Expr::value(FiStatus::Delivered.as_str()),
            )
            .col_expr(fi_session_account::Column::UpdatedAt, Expr::value(now))
            .filter(fi_session_account::Column::SessionId.eq(session_id))
            .filter(fi_session_account::Column::LinkRefNumber.is_in(link_refs.iter().cloned()))
            .filter(fi_session_account::Column::FiStatus.eq(FiStatus::Ready.as_str()))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}
