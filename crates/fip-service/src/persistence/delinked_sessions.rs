//! What a delink does to sessions already prepared (issue 13): the delinked account's `READY`
//! data in every `READY` session becomes `DENIED` (its sealed data removed), and each session's
//! AA is sent the session's statuses again (`crate::domain::fi_notification`), in the delink's
//! transaction. `FI/fetch` then serves the account no longer and the AA knows why.
//!
//! The session itself stays `READY` (it was a use of the consent); with no account left
//! `READY` it is told `FAILED` and a fetch finds nothing to serve (404 `NoDataFound`).

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::entities::{fi_session, fi_session_account};
use super::fi_sessions::READY;
use super::{Store, StoreError};
use crate::domain::fi_notification::{self, AccountStatus, DELINKED_REASON};

/// `FiStatus::Ready` and `FiStatus::Denied`, as stored.
const ACCOUNT_READY: &str = "READY";
const DENIED: &str = "DENIED";

impl Store {
    /// Denies `link_ref_number`'s ready data in every prepared session and queues each
    /// session's FI notification to its AA as from `fip_id`, in `conn`. Returns the sessions
    /// whose AA was told.
    pub(super) async fn deny_delinked_in(
        &self,
        conn: &impl ConnectionTrait,
        link_ref_number: &str,
        fip_id: &str,
    ) -> Result<Vec<String>, StoreError> {
        let holding: Vec<String> = fi_session_account::Entity::find()
            .filter(fi_session_account::Column::LinkRefNumber.eq(link_ref_number))
            .filter(fi_session_account::Column::FiStatus.eq(ACCOUNT_READY))
            .all(conn)
            .await?
            .into_iter()
            .map(|a| a.session_id)
            .collect();
        if holding.is_empty() {
            return Ok(Vec::new());
        }
        let sessions = fi_session::Entity::find()
            .filter(fi_session::Column::SessionId.is_in(holding))
            .filter(fi_session::Column::Status.eq(READY))
            .order_by_asc(fi_session::Column::CreatedAtMs)
            .all(conn)
            .await?;
        let mut told = Vec::with_capacity(sessions.len());
        for session in sessions {
            let denied = fi_session_account::Entity::update_many()
                .col_expr(fi_session_account::Column::FiStatus, Expr::value(DENIED))
                .col_expr(
                    fi_session_account::Column::Description,
                    Expr::value(DELINKED_REASON),
                )
                .col_expr(
                    fi_session_account::Column::Sealed,
                    Expr::value(Option::<Vec<u8>>::None),
                )
                .filter(fi_session_account::Column::SessionId.eq(&session.session_id))
                .filter(fi_session_account::Column::LinkRefNumber.eq(link_ref_number))
                .filter(fi_session_account::Column::FiStatus.eq(ACCOUNT_READY))
                .exec(conn)
                .await?
                .rows_affected;
            if denied != 1 {
                continue;
            }
            let accounts: Vec<AccountStatus> = fi_session_account::Entity::find()
                .filter(fi_session_account::Column::SessionId.eq(&session.session_id))
                .order_by_asc(fi_session_account::Column::LinkRefNumber)
                .all(conn)
                .await?
                .into_iter()
                .map(|a| AccountStatus {
                    ready: a.fi_status == ACCOUNT_READY,
                    link_ref_number: a.link_ref_number,
                    description: a.description,
                })
                .collect();
            let notification = fi_notification::build(
                fip_id,
                &session.aa_id,
                &session.session_id,
                fi_notification::session_status(&accounts),
                &accounts,
                self.clock.now(),
            )
            .map_err(|e| StoreError::Corrupt(format!("notification: {e}")))?;
            aa_runtime::queue::enqueue(conn, notification.job()).await?;
            told.push(session.session_id);
        }
        Ok(told)
    }
}

#[cfg(test)]
mod tests {
    use aa_core::rebit::FiStatus;

    #[test]
    fn account_statuses_are_stored_in_their_wire_spelling() {
        assert_eq!(super::ACCOUNT_READY, FiStatus::Ready.as_str());
        assert_eq!(super::DENIED, FiStatus::Denied.as_str());
    }
}
