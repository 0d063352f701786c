//! FI data requests, their sessions and accounts: creating a request with its sessions and
//! the `fi_request` jobs that carry them out (one transaction), recording what the AA answered
//! and notified (the `fi_fetch` job queued in the same transaction as the change that calls
//! for it), and storing each account's sealed document as it is fetched.

use aa_core::rebit::FiStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use time::OffsetDateTime;

use super::entities::{data_request, fi_account, fi_session};
use super::jobs::{clip, insert_job, JobKind};
use super::{Store, StoreError};
use crate::domain::data_request::{SessionPlan, SessionState};
use aa_runtime::clock::millis;

pub use super::fi_records::{AccountRecord, DataRequestRecord, NewSession, SessionRecord, Trigger};

async fn insert_request<C: ConnectionTrait>(
    db: &C,
    id: &str,
    handle: &str,
    aa_id: &str,
    trigger: Trigger,
    range: Option<(&str, &str)>,
    now: i64,
) -> Result<(), StoreError> {
    data_request::ActiveModel {
        id: Set(id.to_owned()),
        handle: Set(handle.to_owned()),
        aa_id: Set(aa_id.to_owned()),
        trigger: Set(trigger.as_str().to_owned()),
        data_from: Set(range.map(|r| r.0.to_owned())),
        data_to: Set(range.map(|r| r.1.to_owned())),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Inserts a session, its accounts (`PENDING`), and the job that sends its `POST /FI/request`.
async fn insert_session<C: ConnectionTrait>(
    db: &C,
    request_id: &str,
    handle: &str,
    aa_id: &str,
    new: &NewSession,
    now: i64,
) -> Result<String, StoreError> {
    let id = uuid::Uuid::new_v4().to_string();
    fi_session::ActiveModel {
        id: Set(id.clone()),
        request_id: Set(request_id.to_owned()),
        handle: Set(handle.to_owned()),
        consent_id: Set(new.consent_id.clone()),
        aa_id: Set(aa_id.to_owned()),
        fip_id: Set(new.plan.fip_id.clone()),
        session_id: Set(None),
        status: Set(SessionState::Pending.as_str().to_owned()),
        error: Set(None),
        data_from: Set(new.plan.from.clone()),
        data_to: Set(new.plan.to.clone()),
        txnid: Set(None),
        sealed_key: Set(None),
        key_expiry: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        purge_at: Set(new.plan.keep_until.map(|(at, _)| millis(at))),
        purge_rule: Set(new
            .plan
            .keep_until
            .map(|(_, rule)| rule.as_str().to_owned())),
        purged_at: Set(None),
    }
    .insert(db)
    .await?;
    for account in &new.plan.accounts {
        insert_account(
            db,
            &id,
            &account.link_ref_number,
            Some(&account.masked_acc_number),
            Some(&account.fi_type),
            now,
        )
        .await?;
    }
    insert_job(
        db,
        JobKind::FiRequest,
        aa_id,
        handle,
        &new.consent_id,
        Some(&id),
        now,
    )
    .await?;
    Ok(id)
}

pub(super) async fn insert_account<C: ConnectionTrait>(
    db: &C,
    session_row: &str,
    link_ref_number: &str,
    masked: Option<&str>,
    fi_type: Option<&str>,
    now: i64,
) -> Result<String, StoreError> {
    let id = uuid::Uuid::new_v4().to_string();
    fi_account::ActiveModel {
        id: Set(id.clone()),
        session_row: Set(session_row.to_owned()),
        link_ref_number: Set(link_ref_number.to_owned()),
        masked_acc_number: Set(masked.map(str::to_owned)),
        fi_type: Set(fi_type.map(str::to_owned)),
        fi_status: Set(FiStatus::Pending.as_str().to_owned()),
        error: Set(None),
        sealed_data: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(id)
}

/// Adds the session of `consent_id` to the consent's automatic data request (made on first
/// use) unless it has one already; returns whether a session was queued.
pub(super) async fn queue_auto_session<C: ConnectionTrait>(
    db: &C,
    handle: &str,
    aa_id: &str,
    consent_id: &str,
    plan: &SessionPlan,
    now: i64,
) -> Result<bool, StoreError> {
    let existing = data_request::Entity::find()
        .filter(data_request::Column::Handle.eq(handle))
        .filter(data_request::Column::Trigger.eq(Trigger::Auto.as_str()))
        .one(db)
        .await?;
    let request_id = match existing {
        Some(request) => {
            let has_session = fi_session::Entity::find()
                .filter(fi_session::Column::RequestId.eq(request.id.as_str()))
                .filter(fi_session::Column::ConsentId.eq(consent_id))
                .one(db)
                .await?
                .is_some();
            if has_session {
                return Ok(false);
            }
            data_request::Entity::update_many()
                .col_expr(data_request::Column::UpdatedAt, Expr::value(now))
                .filter(data_request::Column::Id.eq(request.id.as_str()))
                .exec(db)
                .await?;
            request.id
        }
        None => {
            let id = uuid::Uuid::new_v4().to_string();
            insert_request(db, &id, handle, aa_id, Trigger::Auto, None, now).await?;
            id
        }
    };
    let new = NewSession {
        consent_id: consent_id.to_owned(),
        plan: plan.clone(),
    };
    insert_session(db, &request_id, handle, aa_id, &new, now).await?;
    Ok(true)
}

pub(super) async fn set_session<C: ConnectionTrait>(
    db: &C,
    session_row: &str,
    state: SessionState,
    error: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    fi_session::Entity::update_many()
        .col_expr(fi_session::Column::Status, Expr::value(state.as_str()))
        .col_expr(fi_session::Column::Error, Expr::value(error.map(clip)))
        .col_expr(fi_session::Column::UpdatedAt, Expr::value(now))
        .filter(fi_session::Column::Id.eq(session_row))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether an account's FI status may move from `current` to `incoming` (never back to
/// `PENDING`; a repeat is no change).
pub fn moves(current: &str, incoming: FiStatus) -> bool {
    incoming != FiStatus::Pending && current != incoming.as_str()
}

impl Store {
    /// Creates a data request with one session per artefact, and queues their FI requests.
    /// Returns the request id and the session ids, in the order given.
    pub async fn create_data_request(
        &self,
        handle: &str,
        aa_id: &str,
        trigger: Trigger,
        range: Option<(&str, &str)>,
        sessions: &[NewSession],
        now: OffsetDateTime,
    ) -> Result<(String, Vec<String>), StoreError> {
        let now = millis(now);
        let id = uuid::Uuid::new_v4().to_string();
        let txn = self.db().begin().await?;
        insert_request(&txn, &id, handle, aa_id, trigger, range, now).await?;
        let mut rows = Vec::with_capacity(sessions.len());
        for session in sessions {
            rows.push(insert_session(&txn, &id, handle, aa_id, session, now).await?);
        }
        txn.commit().await?;
        Ok((id, rows))
    }

    /// The data requests of a consent handle, newest first, each with its sessions' states.
    pub async fn data_requests(
        &self,
        handle: &str,
    ) -> Result<Vec<(DataRequestRecord, Vec<SessionState>)>, StoreError> {
        let requests = data_request::Entity::find()
            .filter(data_request::Column::Handle.eq(handle))
            .order_by_desc(data_request::Column::CreatedAt)
            .order_by_desc(data_request::Column::Id)
            .all(self.db())
            .await?;
        let mut out = Vec::with_capacity(requests.len());
        for request in requests {
            let states = self
                .sessions_of(&request.id)
                .await?
                .into_iter()
                .map(|s| s.status)
                .collect();
            out.push((request.into(), states));
        }
        Ok(out)
    }

    pub async fn data_request(&self, id: &str) -> Result<Option<DataRequestRecord>, StoreError> {
        Ok(data_request::Entity::find_by_id(id.to_owned())
            .one(self.db())
            .await?
            .map(Into::into))
    }

    /// A request's sessions, in creation order.
    pub async fn sessions_of(&self, request_id: &str) -> Result<Vec<SessionRecord>, StoreError> {
        fi_session::Entity::find()
            .filter(fi_session::Column::RequestId.eq(request_id))
            .order_by_asc(fi_session::Column::CreatedAt)
            .order_by_asc(fi_session::Column::FipId)
            .all(self.db())
            .await?
            .into_iter()
            .map(TryInto::try_into)
            .collect()
    }

    pub async fn session(&self, session_row: &str) -> Result<Option<SessionRecord>, StoreError> {
        fi_session::Entity::find_by_id(session_row.to_owned())
            .one(self.db())
            .await?
            .map(TryInto::try_into)
            .transpose()
    }

    /// The session the AA `aa_id` knows as `session_id`.
    pub async fn session_by_aa_id(
        &self,
        aa_id: &str,
        session_id: &str,
    ) -> Result<Option<SessionRecord>, StoreError> {
        fi_session::Entity::find()
            .filter(fi_session::Column::AaId.eq(aa_id))
            .filter(fi_session::Column::SessionId.eq(session_id))
            .one(self.db())
            .await?
            .map(TryInto::try_into)
            .transpose()
    }

    /// Whether an FI request to `aa_id` is in flight: sent (its key stored) but not answered.
    pub async fn fi_request_in_flight(&self, aa_id: &str) -> Result<bool, StoreError> {
        Ok(fi_session::Entity::find()
            .filter(fi_session::Column::AaId.eq(aa_id))
            .filter(fi_session::Column::SessionId.is_null())
            .filter(fi_session::Column::Txnid.is_not_null())
            .filter(fi_session::Column::Status.eq(SessionState::Pending.as_str()))
            .one(self.db())
            .await?
            .is_some())
    }

    /// A session's accounts, in link reference order.
    pub async fn accounts_of(&self, session_row: &str) -> Result<Vec<AccountRecord>, StoreError> {
        Ok(fi_account::Entity::find()
            .filter(fi_account::Column::SessionRow.eq(session_row))
            .order_by_asc(fi_account::Column::LinkRefNumber)
            .all(self.db())
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_statuses_move_forward_only() {
        assert!(moves("PENDING", FiStatus::Ready));
        assert!(moves("READY", FiStatus::Delivered));
        assert!(!moves("READY", FiStatus::Pending));
        assert!(!moves("READY", FiStatus::Ready));
    }
}
