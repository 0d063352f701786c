//! FI fetch sessions. A session is written together with its `fi_prepare` job on the runtime
//! queue (one transaction); it is `PENDING` until that job prepares every account and, in one
//! transaction, stores the sealed results, marks the session `READY` (or `FAILED`) and queues
//! the AA's `POST /FI/Notification`.

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, TransactionTrait,
};

use super::entities::{consent, fi_session, fi_session_account};
use super::{Store, StoreError};
use aa_runtime::outbox::Notification;
use aa_runtime::queue::NewJob;

/// The runtime queue's job kind that prepares a session.
pub const PREPARE_KIND: &str = "fi_prepare";

pub const PENDING: &str = "PENDING";
pub const READY: &str = "READY";
pub const FAILED: &str = "FAILED";
/// Past its lifetime, or ended with its consent: its prepared data is purged
/// ([`super::fi_session_expiry`]).
pub const EXPIRED: &str = "EXPIRED";

/// A session to create.
#[derive(Debug, Clone)]
pub struct NewFiSession {
    pub session_id: String,
    pub consent_id: String,
    pub aa_id: String,
    pub txnid: String,
    pub range_from: String,
    pub range_to: String,
    pub from_ms: i64,
    pub to_ms: i64,
    /// The FIU's `KeyMaterial`, JSON.
    pub key_material: String,
}

/// A session to prepare (the `fi_prepare` job's subject).
#[derive(Debug, Clone)]
pub struct FiJob {
    pub session_id: String,
    pub consent_id: String,
    pub aa_id: String,
    pub from_ms: i64,
    pub to_ms: i64,
    pub key_material: String,
    pub created_at_ms: i64,
}

/// One account's outcome.
#[derive(Debug, Clone)]
pub struct PreparedAccount {
    pub link_ref_number: String,
    pub masked_acc_number: String,
    /// `READY` or `DENIED`.
    pub fi_status: String,
    pub description: String,
    /// The sealed `encryptedFI` and `KeyMaterial`; `None` when denied.
    pub sealed: Option<Vec<u8>>,
}

/// What became of a session to open ([`Store::open_fi_session`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opened {
    New,
    /// Another session of the consent is still being prepared.
    InProgress,
}

/// A session as the fetch endpoints see it.
#[derive(Debug, Clone)]
pub struct FiSession {
    pub session_id: String,
    pub consent_id: String,
    pub aa_id: String,
    pub status: String,
    pub created_at_ms: i64,
    pub accounts: Vec<PreparedAccount>,
}

/// The queue job that prepares `session_id` (`crate::jobs::fi_prepare`).
pub fn prepare_job(session_id: &str) -> NewJob {
    NewJob {
        kind: PREPARE_KIND.to_owned(),
        key: None,
        payload: serde_json::json!({ "session_id": session_id }).to_string(),
    }
}

async fn insert_session(
    db: &impl ConnectionTrait,
    new: NewFiSession,
    now: i64,
) -> Result<(), StoreError> {
    fi_session::Entity::insert(fi_session::ActiveModel {
        session_id: Set(new.session_id),
        consent_id: Set(new.consent_id),
        aa_id: Set(new.aa_id),
        txnid: Set(new.txnid),
        status: Set(PENDING.to_owned()),
        range_from: Set(new.range_from),
        range_to: Set(new.range_to),
        from_ms: Set(new.from_ms),
        to_ms: Set(new.to_ms),
        key_material: Set(new.key_material),
        created_at_ms: Set(now),
        updated_at_ms: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

impl Store {
    /// Stores a new session with no check and no preparation job: it stays `PENDING` (tests
    /// hold a session there with it).
    pub async fn create_fi_session(&self, new: NewFiSession) -> Result<(), StoreError> {
        insert_session(&self.db, new, self.clock.now_millis()).await
    }

    /// Stores a new session and its `fi_prepare` job unless another session of the same
    /// consent, created after `live_after_ms`, is still being prepared (`PENDING`), as the AA
    /// counts "in progress"; prepared data not yet fetched does not hold up a new request. The
    /// check and the insert hold the consent's row, so two requests racing for one consent
    /// cannot both open a session. Writes in `txn` (the idempotency claim's transaction: the
    /// session, its job and the answer commit together); the caller wakes the worker after
    /// the commit.
    pub async fn open_fi_session_in(
        &self,
        txn: &impl ConnectionTrait,
        new: NewFiSession,
        live_after_ms: i64,
    ) -> Result<Opened, StoreError> {
        // A write that changes nothing: it locks the consent's row until commit.
        consent::Entity::update_many()
            .col_expr(
                consent::Column::ConsentId,
                Expr::col(consent::Column::ConsentId).into(),
            )
            .filter(consent::Column::ConsentId.eq(&new.consent_id))
            .exec(txn)
            .await?;
        let preparing = fi_session::Entity::find()
            .filter(fi_session::Column::ConsentId.eq(&new.consent_id))
            .filter(fi_session::Column::Status.eq(PENDING))
            .filter(fi_session::Column::CreatedAtMs.gt(live_after_ms))
            .count(txn)
            .await?;
        if preparing > 0 {
            return Ok(Opened::InProgress);
        }
        let job = prepare_job(&new.session_id);
        insert_session(txn, new, self.clock.now_millis()).await?;
        aa_runtime::queue::enqueue(txn, job).await?;
        Ok(Opened::New)
    }

    /// The session to prepare, while it is still `PENDING`.
    pub async fn fi_job(&self, session_id: &str) -> Result<Option<FiJob>, StoreError> {
        Ok(fi_session::Entity::find_by_id(session_id.to_owned())
            .filter(fi_session::Column::Status.eq(PENDING))
            .one(&self.db)
            .await?
            .map(|row| FiJob {
                session_id: row.session_id,
                consent_id: row.consent_id,
                aa_id: row.aa_id,
                from_ms: row.from_ms,
                to_ms: row.to_ms,
                key_material: row.key_material,
                created_at_ms: row.created_at_ms,
            }))
    }

    /// Stores a job's outcome: its accounts, the session's status (`READY` or `FAILED`) and the
    /// AA's notification, in one transaction. False when the session was no longer pending.
    pub async fn finish_fi_job(
        &self,
        session_id: &str,
        status: &str,
        accounts: Vec<PreparedAccount>,
        notification: Notification,
    ) -> Result<bool, StoreError> {
        let txn = self.db.begin().await?;
        let updated = fi_session::Entity::update_many()
            .col_expr(fi_session::Column::Status, Expr::value(status))
            .col_expr(
                fi_session::Column::UpdatedAtMs,
                Expr::value(self.clock.now_millis()),
            )
            .filter(fi_session::Column::SessionId.eq(session_id))
            .filter(fi_session::Column::Status.eq(PENDING))
            .exec(&txn)
            .await?
            .rows_affected;
        if updated != 1 {
            txn.rollback().await?;
            return Ok(false);
        }
        for account in accounts {
            fi_session_account::Entity::insert(fi_session_account::ActiveModel {
                session_id: Set(session_id.to_owned()),
                link_ref_number: Set(account.link_ref_number),
                masked_acc_number: Set(account.masked_acc_number),
                fi_status: Set(account.fi_status),
                description: Set(account.description),
                sealed: Set(account.sealed),
                fetched_at_ms: Set(None),
            })
            .exec_without_returning(&txn)
            .await?;
        }
        aa_runtime::queue::enqueue(&txn, notification.job()).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// A session and its accounts.
    pub async fn fi_session(&self, session_id: &str) -> Result<Option<FiSession>, StoreError> {
        let Some(row) = fi_session::Entity::find_by_id(session_id.to_owned())
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let accounts = fi_session_account::Entity::find()
            .filter(fi_session_account::Column::SessionId.eq(session_id))
            .order_by_asc(fi_session_account::Column::LinkRefNumber)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|a| PreparedAccount {
                link_ref_number: a.link_ref_number,
                masked_acc_number: a.masked_acc_number,
                fi_status: a.fi_status,
                description: a.description,
                sealed: a.sealed,
            })
            .collect();
        Ok(Some(FiSession {
            session_id: row.session_id,
            consent_id: row.consent_id,
            aa_id: row.aa_id,
            status: row.status,
            created_at_ms: row.created_at_ms,
            accounts,
        }))
    }

    /// How many data requests of `consent_id` since `since_ms` count as uses: every session but
    /// `FAILED` ones (a provider's failure is not charged to the consent, per Sahamati).
    pub async fn consent_uses_since(
        &self,
        consent_id: &str,
        since_ms: i64,
    ) -> Result<u64, StoreError> {
        Ok(fi_session::Entity::find()
            .filter(fi_session::Column::ConsentId.eq(consent_id))
            .filter(fi_session::Column::Status.ne(FAILED))
            .filter(fi_session::Column::CreatedAtMs.gte(since_ms))
            .count(&self.db)
            .await?)
    }

    /// The ids of every session of `consent_id`, oldest first.
    pub async fn fi_session_ids(&self, consent_id: &str) -> Result<Vec<String>, StoreError> {
        Ok(fi_session::Entity::find()
            .filter(fi_session::Column::ConsentId.eq(consent_id))
            .order_by_asc(fi_session::Column::CreatedAtMs)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| s.session_id)
            .collect())
    }

    /// Records that these accounts of a session were fetched (the first time only).
    pub async fn mark_fetched(
        &self,
        session_id: &str,
        link_refs: &[String],
    ) -> Result<(), StoreError> {
        self.mark_fetched_in(&self.db, session_id, link_refs).await
    }

    /// [`Store::mark_fetched`], in `conn` (the idempotency claim's transaction).
    pub async fn mark_fetched_in(
        &self,
        conn: &impl ConnectionTrait,
        session_id: &str,
        link_refs: &[String],
    ) -> Result<(), StoreError> {
        fi_session_account::Entity::update_many()
            .col_expr(
                fi_session_account::Column::FetchedAtMs,
                Expr::value(self.clock.now_millis()),
            )
            .filter(fi_session_account::Column::SessionId.eq(session_id))
            .filter(fi_session_account::Column::LinkRefNumber.is_in(link_refs.iter().cloned()))
            .filter(fi_session_account::Column::FetchedAtMs.is_null())
            .exec(conn)
            .await?;
        Ok(())
    }
}
