//! FI sessions and their accounts. A session is written `REQUESTED` before the AA forwards the
//! FIU's request, then either `ACTIVE` with the FIP's session id (and the consent's use count
//! bumped) or `FAILED`. An FIP's notification changes statuses and queues the FIU's
//! notification in one transaction. Nothing here holds FI data or key material.

use aa_core::rebit::FiStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, TransactionTrait,
};

use super::super::entities::{consent_artefact, fi_session, fi_session_account};
use super::super::records::{FiAccountRecord, FiAdmission, FiOpening, FiSessionRecord};
use super::super::{Store, StoreError};
use crate::domain::fi_session::{counts_as_use, in_progress, SessionState};

pub(super) fn session_record(m: fi_session::Model) -> FiSessionRecord {
    FiSessionRecord {
        status: SessionState::parse(&m.status),
        id: m.id,
        consent_id: m.consent_id,
        fiu_id: m.fiu_id,
        fip_id: m.fip_id,
        fiu_txnid: m.fiu_txnid,
        fip_session_id: m.fip_session_id,
        data_from: m.data_from,
        data_to: m.data_to,
        created_at: m.created_at,
        updated_at: m.updated_at,
    }
}

pub(super) fn account_record(m: fi_session_account::Model) -> FiAccountRecord {
    FiAccountRecord {
        // A stored status that no longer parses is treated as denied: never fetchable.
        fi_status: m.fi_status.parse().unwrap_or(FiStatus::Denied),
        link_ref_number: m.link_ref_number,
        masked_acc_number: m.masked_acc_number,
        description: m.description,
    }
}

pub(super) async fn accounts_in<C: sea_orm::ConnectionTrait>(
    db: &C,
    session_id: &str,
) -> Result<Vec<FiAccountRecord>, StoreError> {
    Ok(fi_session_account::Entity::find()
        .filter(fi_session_account::Column::SessionId.eq(session_id))
        .order_by_asc(fi_session_account::Column::LinkRefNumber)
        .all(db)
        .await?
        .into_iter()
        .map(account_record)
        .collect())
}

async fn insert_session<C: sea_orm::ConnectionTrait>(
    db: &C,
    session: &FiSessionRecord,
    accounts: &[FiAccountRecord],
) -> Result<(), StoreError> {
    fi_session::Entity::insert(fi_session::ActiveModel {
        id: Set(session.id.clone()),
        consent_id: Set(session.consent_id.clone()),
        fiu_id: Set(session.fiu_id.clone()),
        fip_id: Set(session.fip_id.clone()),
        fiu_txnid: Set(session.fiu_txnid.clone()),
        fip_session_id: Set(session.fip_session_id.clone()),
        status: Set(session.status.as_str().to_owned()),
        data_from: Set(session.data_from.clone()),
        data_to: Set(session.data_to.clone()),
        last_error: Set(None),
        created_at: Set(session.created_at),
        updated_at: Set(session.updated_at),
    })
    .exec(db)
    .await?;
    insert_accounts(db, session, accounts).await
}

async fn insert_accounts<C: sea_orm::ConnectionTrait>(
    db: &C,
    session: &FiSessionRecord,
    accounts: &[FiAccountRecord],
) -> Result<(), StoreError> {
    for account in accounts {
        fi_session_account::Entity::insert(fi_session_account::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            session_id: Set(session.id.clone()),
            link_ref_number: Set(account.link_ref_number.clone()),
            masked_acc_number: Set(account.masked_acc_number.clone()),
            fi_status: Set(account.fi_status.as_str().to_owned()),
            description: Set(account.description.clone()),
            updated_at: Set(session.created_at),
        })
        .exec(db)
        .await?;
    }
    Ok(())
}

/// `FAILED` (or `REQUESTED` since before `stale_before`: interrupted) -> `REQUESTED` for
/// another attempt (the accounts as given, the old FIP session forgotten). False when the
/// session is neither, e.g. retried concurrently.
async fn reopen_session<C: sea_orm::ConnectionTrait>(
    db: &C,
    session: &FiSessionRecord,
    accounts: &[FiAccountRecord],
    stale_before: i64,
) -> Result<bool, StoreError> {
    let (id, now) = (session.id.as_str(), session.created_at);
    let result = fi_session::Entity::update_many()
        .col_expr(
            fi_session::Column::Status,
            Expr::value(SessionState::Requested.as_str()),
        )
        .col_expr(
            fi_session::Column::FipSessionId,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            fi_session::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .col_expr(fi_session::Column::CreatedAt, Expr::value(now))
        .col_expr(fi_session::Column::UpdatedAt, Expr::value(now))
        .filter(fi_session::Column::Id.eq(id))
        .filter(
            Condition::any()
                .add(fi_session::Column::Status.eq(SessionState::Failed.as_str()))
                .add(
                    Condition::all()
                        .add(fi_session::Column::Status.eq(SessionState::Requested.as_str()))
                        .add(fi_session::Column::CreatedAt.lt(stale_before)),
                ),
        )
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Ok(false);
    }
    fi_session_account::Entity::delete_many()
        .filter(fi_session_account::Column::SessionId.eq(&session.id))
        .exec(db)
        .await?;
    insert_accounts(db, session, accounts).await?;
    Ok(true)
}

impl Store {
    /// A new session (`REQUESTED`) with its accounts (`PENDING`), in one transaction.
    pub async fn insert_fi_session(
        &self,
        session: &FiSessionRecord,
        accounts: &[FiAccountRecord],
    ) -> Result<(), StoreError> {
        let txn = self.db.begin().await?;
        insert_session(&txn, session, accounts).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Opens `session` for its consent unless another session of the consent is in progress
    /// (`domain::fi_session::in_progress`) or the usage limit is reached (sessions that count as
    /// uses, `domain::fi_session::counts_as_use`). A reopened session is not counted against
    /// itself. The check and the write are one transaction that first
    /// touches the artefact row, which on PostgreSQL serialises requests for the same consent.
    pub async fn open_fi_session(
        &self,
        session: &FiSessionRecord,
        accounts: &[FiAccountRecord],
        rules: FiAdmission,
    ) -> Result<FiOpening, StoreError> {
        let txn = self.db.begin().await?;
        consent_artefact::Entity::update_many()
            .col_expr(
                consent_artefact::Column::UseCount,
                Expr::col(consent_artefact::Column::UseCount).into(),
            )
            .filter(consent_artefact::Column::ConsentId.eq(&session.consent_id))
            .exec(&txn)
            .await?;
        let others = fi_session::Entity::find()
            .filter(fi_session::Column::ConsentId.eq(&session.consent_id))
            .filter(fi_session::Column::Id.ne(&session.id))
            .all(&txn)
            .await?;
        let mut uses: u32 = 0;
        for other in others.into_iter().map(session_record) {
            let statuses = accounts_in(&txn, &other.id)
                .await?
                .into_iter()
                .map(|a| a.fi_status);
            if in_progress(
                other.status,
                other.created_at,
                statuses,
                rules.stale_before,
                rules.expired_before,
            ) {
                txn.rollback().await?;
                return Ok(FiOpening::InProgress);
            }
            if counts_as_use(other.status) && rules.uses_since.is_none_or(|t| other.created_at >= t)
            {
                uses = uses.saturating_add(1);
            }
        }
        if uses >= rules.max_uses {
            txn.rollback().await?;
            return Ok(FiOpening::UsedUp);
        }
        if rules.reopen {
            if !reopen_session(&txn, session, accounts, rules.stale_before).await? {
                txn.rollback().await?;
                return Ok(FiOpening::Busy);
            }
        } else {
            insert_session(&txn, session, accounts).await?;
        }
        txn.commit().await?;
        Ok(FiOpening::Opened)
    }

    pub async fn fi_session(&self, id: &str) -> Result<Option<FiSessionRecord>, StoreError> {
        Ok(fi_session::Entity::find_by_id(id.to_owned())
            .one(&self.db)
            .await?
            .map(session_record))
    }

    /// The session an FIU opened with `txnid`, if any (for idempotent replays).
    pub async fn fi_session_by_txnid(
        &self,
        fiu_id: &str,
        txnid: &str,
    ) -> Result<Option<FiSessionRecord>, StoreError> {
        Ok(fi_session::Entity::find()
            .filter(fi_session::Column::FiuId.eq(fiu_id))
            .filter(fi_session::Column::FiuTxnid.eq(txnid))
            .one(&self.db)
            .await?
            .map(session_record))
    }

    /// The AA session behind an FIP's session id.
    pub async fn fi_session_by_fip(
        &self,
        fip_id: &str,
        fip_session_id: &str,
    ) -> Result<Option<FiSessionRecord>, StoreError> {
        Ok(fi_session::Entity::find()
            .filter(fi_session::Column::FipId.eq(fip_id))
            .filter(fi_session::Column::FipSessionId.eq(fip_session_id))
            .one(&self.db)
            .await?
            .map(session_record))
    }

    /// True when a request to `fip_id` created at or after `since` is still being forwarded
    /// (its answer, and so its session id, may not be stored yet).
    pub async fn fi_forward_in_flight(&self, fip_id: &str, since: i64) -> Result<bool, StoreError> {
        Ok(fi_session::Entity::find()
            .filter(fi_session::Column::FipId.eq(fip_id))
            .filter(fi_session::Column::Status.eq(SessionState::Requested.as_str()))
            .filter(fi_session::Column::CreatedAt.gte(since))
            .count(&self.db)
            .await?
            > 0)
    }

    pub async fn fi_accounts(&self, session_id: &str) -> Result<Vec<FiAccountRecord>, StoreError> {
        accounts_in(&self.db, session_id).await
    }

    /// `REQUESTED` (since `opened_at`: this attempt) -> `ACTIVE` with the FIP's session id, and
    /// the consent's use counted, in one transaction. False (nothing written) when the session
    /// has moved on meanwhile (failed, reopened for another attempt).
    pub async fn activate_fi_session(
        &self,
        id: &str,
        opened_at: i64,
        fip_session_id: &str,
        used_at: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let txn = self.db.begin().await?;
        let activated = fi_session::Entity::update_many()
            .col_expr(
                fi_session::Column::FipSessionId,
                Expr::value(fip_session_id),
            )
            .col_expr(
                fi_session::Column::Status,
                Expr::value(SessionState::Active.as_str()),
            )
            .col_expr(fi_session::Column::UpdatedAt, Expr::value(now))
            .filter(fi_session::Column::Id.eq(id))
            .filter(fi_session::Column::Status.eq(SessionState::Requested.as_str()))
            .filter(fi_session::Column::CreatedAt.eq(opened_at))
            .exec(&txn)
            .await?;
        let Some(session) = fi_session::Entity::find_by_id(id.to_owned())
            .one(&txn)
            .await?
            .filter(|_| activated.rows_affected == 1)
        else {
            txn.rollback().await?;
            return Ok(false);
        };
        consent_artefact::Entity::update_many()
            .col_expr(
                consent_artefact::Column::UseCount,
                Expr::col(consent_artefact::Column::UseCount).add(1),
            )
            .col_expr(consent_artefact::Column::LastUsedAt, Expr::value(used_at))
            .filter(consent_artefact::Column::ConsentId.eq(&session.consent_id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Marks a session `EXPIRED` (its lifetime is over); a session already ended is left alone.
    pub async fn expire_fi_session(&self, id: &str, now: i64) -> Result<(), StoreError> {
        self.expire_fi_session_in(&self.db, id, now).await
    }

    /// [`Store::expire_fi_session`] in `conn` (an idempotency claim's transaction).
    pub async fn expire_fi_session_in(
        &self,
        conn: &impl ConnectionTrait,
        id: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        fi_session::Entity::update_many()
            .col_expr(
                fi_session::Column::Status,
                Expr::value(SessionState::Expired.as_str()),
            )
            .col_expr(fi_session::Column::UpdatedAt, Expr::value(now))
            .filter(fi_session::Column::Id.eq(id))
            .filter(fi_session::Column::Status.is_in([
                SessionState::Active.as_str(),
                SessionState::Completed.as_str(),
            ]))
            .exec(conn)
            .await?;
        Ok(())
    }

    /// True while the artefact `consent_id` is still waiting in the outbox for delivery to
    /// `fip_id` (an FI request forwarded now would find the FIP without it).
    pub async fn artefact_on_its_way(
        &self,
        fip_id: &str,
        consent_id: &str,
    ) -> Result<bool, StoreError> {
        let needle = format!("\"consentId\":\"{consent_id}\"");
        let pending =
            aa_runtime::queue::pending_payloads(&self.db, aa_runtime::outbox::KIND, fip_id).await?;
        Ok(pending.iter().any(|payload| {
            aa_runtime::outbox::Notification::from_payload(fip_id, payload)
                .is_some_and(|n| n.path == "/Consent" && n.body.contains(&needle))
        }))
    }

    /// Sets a consent artefact's status (`ACTIVE`, `PAUSED`, `REVOKED`, `EXPIRED`).
    pub async fn set_artefact_status(
        &self,
        consent_id: &str,
        status: &str,
    ) -> Result<bool, StoreError> {
        let result = consent_artefact::Entity::update_many()
            .col_expr(consent_artefact::Column::Status, Expr::value(status))
            .filter(consent_artefact::Column::ConsentId.eq(consent_id))
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected == 1)
    }
}
