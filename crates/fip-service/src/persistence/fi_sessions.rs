//! FI fetch sessions. Each session row is also the durable job that prepares its data: it is
//! `PENDING` until a worker claims it (a lease, as in the outbox, so a worker that dies leaves
//! it to be claimed again after the lease), prepares every account and, in one transaction,
//! stores the sealed results, marks the session `READY` (or `FAILED`) and queues the AA's
//! `POST /FI/Notification` in the outbox.

use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};

use super::entities::{consent, fi_session, fi_session_account};
use super::{Store, StoreError};
use aa_runtime::outbox::Notification;

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

/// A claimed preparation job.
#[derive(Debug, Clone)]
pub struct FiJob {
    pub session_id: String,
    pub consent_id: String,
    pub aa_id: String,
    pub from_ms: i64,
    pub to_ms: i64,
    pub key_material: String,
    /// Attempts before this one.
    pub attempts: u32,
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
        attempts: Set(0),
        due_at_ms: Set(now),
        lease_until_ms: Set(None),
        last_error: Set(None),
        created_at_ms: Set(now),
        updated_at_ms: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

impl Store {
    /// Stores a new session, due for preparation at once, with no check.
    pub async fn create_fi_session(&self, new: NewFiSession) -> Result<(), StoreError> {
        insert_session(&self.db, new, self.clock.now_millis()).await
    }

    /// Stores a new session unless another session of the same consent, created after
    /// `live_after_ms`, is still being prepared (`PENDING`), as the AA counts "in progress";
    /// prepared data not yet fetched does not hold up a new request. The check and the insert hold the consent's row, so two requests racing for one
    /// consent cannot both open a session.
    pub async fn open_fi_session(
        &self,
        new: NewFiSession,
        live_after_ms: i64,
    ) -> Result<Opened, StoreError> {
        let txn = self.db.begin().await?;
        // A write that changes nothing: it locks the consent's row until commit.
        consent::Entity::update_many()
            .col_expr(
                consent::Column::ConsentId,
                Expr::col(consent::Column::ConsentId).into(),
            )
            .filter(consent::Column::ConsentId.eq(&new.consent_id))
            .exec(&txn)
            .await?;
        let preparing = fi_session::Entity::find()
            .filter(fi_session::Column::ConsentId.eq(&new.consent_id))
            .filter(fi_session::Column::Status.eq(PENDING))
            .filter(fi_session::Column::CreatedAtMs.gt(live_after_ms))
            .count(&txn)
            .await?;
        if preparing > 0 {
            txn.rollback().await?;
            return Ok(Opened::InProgress);
        }
        insert_session(&txn, new, self.clock.now_millis()).await?;
        txn.commit().await?;
        Ok(Opened::New)
    }

    /// Claims one due preparation job for `lease_ms`.
    pub async fn claim_fi_job(&self, now: i64, lease_ms: i64) -> Result<Option<FiJob>, StoreError> {
        let free = Condition::any()
            .add(fi_session::Column::LeaseUntilMs.is_null())
            .add(fi_session::Column::LeaseUntilMs.lt(now));
        let due = fi_session::Entity::find()
            .filter(fi_session::Column::Status.eq(PENDING))
            .filter(fi_session::Column::DueAtMs.lte(now))
            .filter(free.clone())
            .order_by_asc(fi_session::Column::DueAtMs)
            .limit(8)
            .all(&self.db)
            .await?;
        for row in due {
            let won = fi_session::Entity::update_many()
                .col_expr(
                    fi_session::Column::LeaseUntilMs,
                    Expr::value(now + lease_ms),
                )
                .filter(fi_session::Column::SessionId.eq(&row.session_id))
                .filter(fi_session::Column::Status.eq(PENDING))
                .filter(free.clone())
                .exec(&self.db)
                .await?
                .rows_affected
                == 1;
            if won {
                return Ok(Some(FiJob {
                    session_id: row.session_id,
                    consent_id: row.consent_id,
                    aa_id: row.aa_id,
                    from_ms: row.from_ms,
                    to_ms: row.to_ms,
                    key_material: row.key_material,
                    attempts: u32::try_from(row.attempts).unwrap_or(0),
                    created_at_ms: row.created_at_ms,
                }));
            }
        }
        Ok(None)
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
                fi_session::Column::LeaseUntilMs,
                Expr::value(Option::<i64>::None),
            )
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

    /// Puts a failed attempt back, due again at `due_at_ms`.
    pub async fn retry_fi_job(
        &self,
        session_id: &str,
        attempts: u32,
        due_at_ms: i64,
        error: &str,
    ) -> Result<(), StoreError> {
        fi_session::Entity::update_many()
            .col_expr(
                fi_session::Column::Attempts,
                Expr::value(i32::try_from(attempts).unwrap_or(i32::MAX)),
            )
            .col_expr(fi_session::Column::DueAtMs, Expr::value(due_at_ms))
            .col_expr(
                fi_session::Column::LeaseUntilMs,
                Expr::value(Option::<i64>::None),
            )
            .col_expr(
                fi_session::Column::LastError,
                Expr::value(error.chars().take(500).collect::<String>()),
            )
            .col_expr(
                fi_session::Column::UpdatedAtMs,
                Expr::value(self.clock.now_millis()),
            )
            .filter(fi_session::Column::SessionId.eq(session_id))
            .filter(fi_session::Column::Status.eq(PENDING))
            .exec(&self.db)
            .await?;
        Ok(())
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
        fi_session_account::Entity::update_many()
            .col_expr(
                fi_session_account::Column::FetchedAtMs,
                Expr::value(self.clock.now_millis()),
            )
            .filter(fi_session_account::Column::SessionId.eq(session_id))
            .filter(fi_session_account::Column::LinkRefNumber.is_in(link_refs.iter().cloned()))
            .filter(fi_session_account::Column::FetchedAtMs.is_null())
            .exec(&self.db)
            .await?;
        Ok(())
    }
}
