//! The end of FI sessions: a session past its lifetime, or whose consent was revoked or
//! expired, becomes `EXPIRED`; its sealed data is removed in the same transaction, and the
//! consent's data key is deleted once no sealed data of the consent is left and none is being
//! prepared (deleting the key shreds anything sealed under it).

use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};

use super::entities::{data_key, fi_session, fi_session_account};
use super::fi_sessions::{EXPIRED, PENDING, READY};
use super::{Store, StoreError};

impl Store {
    /// Expires the sessions created at or before `created_by_ms` (at most `limit` per call): each
    /// becomes `EXPIRED` and its sealed data is removed, in one transaction; once no sealed data
    /// of the consent is left and none is being prepared, the consent's data key is deleted too.
    /// Returns the expired sessions' ids.
    pub async fn expire_fi_sessions(
        &self,
        created_by_ms: i64,
        limit: u64,
    ) -> Result<Vec<String>, StoreError> {
        let due = fi_session::Entity::find()
            // FAILED sessions hold no data, and stay FAILED: they are not uses of the consent.
            .filter(fi_session::Column::Status.is_in([PENDING, READY]))
            .filter(fi_session::Column::CreatedAtMs.lte(created_by_ms))
            .order_by_asc(fi_session::Column::CreatedAtMs)
            .limit(limit)
            .all(&self.db)
            .await?;
        let mut expired = Vec::with_capacity(due.len());
        for row in due {
            if self.expire_session(&row).await? {
                expired.push(row.session_id);
            }
        }
        Ok(expired)
    }

    /// Sessions of `consent_id` still holding or preparing data become `EXPIRED`, their data
    /// purged as in [`Store::expire_fi_sessions`] (the consent was revoked or expired).
    /// Writes in `conn` (the notification's transaction).
    pub async fn expire_consent_sessions_in(
        &self,
        conn: &impl ConnectionTrait,
        consent_id: &str,
    ) -> Result<Vec<String>, StoreError> {
        let live = fi_session::Entity::find()
            .filter(fi_session::Column::ConsentId.eq(consent_id))
            .filter(fi_session::Column::Status.is_in([PENDING, READY]))
            .all(conn)
            .await?;
        let mut expired = Vec::with_capacity(live.len());
        for row in live {
            if self.expire_session_in(conn, &row).await? {
                expired.push(row.session_id);
            }
        }
        Ok(expired)
    }

    /// One session to `EXPIRED`, its sealed data removed, and the consent's data key deleted
    /// once none of its data is left; false when the session moved on meanwhile.
    async fn expire_session(&self, row: &fi_session::Model) -> Result<bool, StoreError> {
        let txn = self.db.begin().await?;
        let expired = self.expire_session_in(&txn, row).await?;
        txn.commit().await?;
        Ok(expired)
    }

    /// [`Store::expire_session`] in `txn`; writes nothing when the session moved on.
    async fn expire_session_in(
        &self,
        txn: &impl ConnectionTrait,
        row: &fi_session::Model,
    ) -> Result<bool, StoreError> {
        let moved = fi_session::Entity::update_many()
            .col_expr(fi_session::Column::Status, Expr::value(EXPIRED))
            .col_expr(
                fi_session::Column::UpdatedAtMs,
                Expr::value(self.clock.now_millis()),
            )
            .filter(fi_session::Column::SessionId.eq(&row.session_id))
            .filter(fi_session::Column::Status.eq(&row.status))
            .exec(txn)
            .await?
            .rows_affected;
        if moved != 1 {
            return Ok(false);
        }
        fi_session_account::Entity::update_many()
            .col_expr(
                fi_session_account::Column::Sealed,
                Expr::value(Option::<Vec<u8>>::None),
            )
            .filter(fi_session_account::Column::SessionId.eq(&row.session_id))
            .exec(txn)
            .await?;
        let siblings: Vec<fi_session::Model> = fi_session::Entity::find()
            .filter(fi_session::Column::ConsentId.eq(&row.consent_id))
            .all(txn)
            .await?;
        let preparing = siblings.iter().any(|s| s.status == PENDING);
        let sealed = fi_session_account::Entity::find()
            .filter(
                fi_session_account::Column::SessionId
                    .is_in(siblings.iter().map(|s| s.session_id.clone())),
            )
            .filter(fi_session_account::Column::Sealed.is_not_null())
            .count(txn)
            .await?;
        if !preparing && sealed == 0 {
            data_key::Entity::delete_by_id(format!("consent:{}", row.consent_id))
                .exec(txn)
                .await?;
        }
        Ok(true)
    }
}
