//! The data fetches done under a consent, as the consent manager shows them: its FI sessions
//! (who asked, when, for which period) with their accounts and their states.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::super::entities::fi_session;
use super::super::records::{FiAccountRecord, FiSessionRecord};
use super::super::{Store, StoreError};
use super::fi_sessions::{accounts_in, session_record};

impl Store {
    /// The FI sessions of `consent_id`, newest first, each with its accounts.
    pub async fn fi_sessions_of(
        &self,
        consent_id: &str,
    ) -> Result<Vec<(FiSessionRecord, Vec<FiAccountRecord>)>, StoreError> {
        let sessions = fi_session::Entity::find()
            .filter(fi_session::Column::ConsentId.eq(consent_id))
            .order_by_desc(fi_session::Column::CreatedAt)
            .all(&self.db)
            .await?;
        let mut out = Vec::with_capacity(sessions.len());
        for session in sessions.into_iter().map(session_record) {
            let accounts = accounts_in(&self.db, &session.id).await?;
            out.push((session, accounts));
        }
        Ok(out)
    }
}
