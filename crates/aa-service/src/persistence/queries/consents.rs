//! Consent requests and consent artefacts, and the transactions that change them: deciding a
//! request, an artefact's lifecycle (pause, resume, revoke, expiry) and the lapse of a pending
//! request. The status change and its outbox messages are written together or not at all, and
//! every change is a conditional UPDATE from the status it was read in, so two AA instances on
//! one database never both apply (or announce) the same change.

use aa_core::rebit::ConsentStatus;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};

use super::super::entities::{consent_artefact, consent_request};
use super::super::records::{ArtefactRecord, ConsentRequestRecord, NewOutboxMessage};
use super::super::{Store, StoreError};
use crate::domain::lifecycle::{self, Notice};
use crate::domain::status::RequestStatus;

fn request_record(m: consent_request::Model) -> ConsentRequestRecord {
    ConsentRequestRecord {
        status: RequestStatus::parse(&m.status).unwrap_or(RequestStatus::Pending),
        handle: m.handle,
        fiu_id: m.fiu_id,
        customer_handle: m.customer_handle,
        txnid: m.txnid,
        detail: m.detail,
        created_at: m.created_at,
    }
}

pub(in crate::persistence) fn artefact_record(m: consent_artefact::Model) -> ArtefactRecord {
    ArtefactRecord {
        consent_id: m.consent_id,
        consent_handle: m.consent_handle,
        fiu_id: m.fiu_id,
        fip_id: m.fip_id,
        customer_handle: m.customer_handle,
        signed_consent: m.signed_consent,
        status: m.status,
        create_timestamp: m.create_timestamp,
        use_count: u32::try_from(m.use_count).unwrap_or(0),
        last_used_at: m.last_used_at,
    }
}

/// Queues notifications inside `txn` (`aa_runtime::outbox`), due now, in order per callee.
pub(in crate::persistence) async fn enqueue(
    txn: &DatabaseTransaction,
    messages: Vec<NewOutboxMessage>,
) -> Result<(), StoreError> {
    for message in messages {
        let body = String::from_utf8(message.body)
            .map_err(|_| StoreError::Corrupt("outbox body is not UTF-8".into()))?;
        let notification = aa_runtime::outbox::Notification {
            callee: message.callee,
            path: message.path,
            body,
        };
        aa_runtime::queue::enqueue(txn, notification.job()).await?;
    }
    Ok(())
}

impl Store {
    /// Writes a new consent request in `conn` (the `POST /Consent` idempotency claim's
    /// transaction, so that it commits with the answer).
    pub async fn insert_consent_request(
        &self,
        conn: &impl ConnectionTrait,
        record: &ConsentRequestRecord,
    ) -> Result<(), StoreError> {
        consent_request::Entity::insert(consent_request::ActiveModel {
            handle: Set(record.handle.clone()),
            fiu_id: Set(record.fiu_id.clone()),
            customer_handle: Set(record.customer_handle.clone()),
            txnid: Set(record.txnid.clone()),
            detail: Set(record.detail.clone()),
            status: Set(record.status.as_str().to_owned()),
            created_at: Set(record.created_at),
            decided_at: Set(None),
            expires_at: Set(lifecycle::expiry_millis(&record.detail)),
        })
        .exec(conn)
        .await?;
        Ok(())
    }

    pub async fn consent_request(
        &self,
        handle: &str,
    ) -> Result<Option<ConsentRequestRecord>, StoreError> {
        Ok(consent_request::Entity::find_by_id(handle.to_owned())
            .one(&self.db)
            .await?
            .map(request_record))
    }

    /// The request an FIU made with `txnid`, if any: txnids stay unique per FIU for good, after
    /// the idempotency key is forgotten too.
    pub async fn consent_request_by_txnid(
        &self,
        fiu_id: &str,
        txnid: &str,
    ) -> Result<Option<ConsentRequestRecord>, StoreError> {
        Ok(consent_request::Entity::find()
            .filter(consent_request::Column::FiuId.eq(fiu_id))
            .filter(consent_request::Column::Txnid.eq(txnid))
            .one(&self.db)
            .await?
            .map(request_record))
    }

    /// A customer's consent requests, newest first, optionally of one status.
    pub async fn consent_requests_for(
        &self,
        customer_handle: &str,
        status: Option<RequestStatus>,
    ) -> Result<Vec<ConsentRequestRecord>, StoreError> {
        let mut query = consent_request::Entity::find()
            .filter(consent_request::Column::CustomerHandle.eq(customer_handle));
        if let Some(status) = status {
            query = query.filter(consent_request::Column::Status.eq(status.as_str()));
        }
        Ok(query
            .order_by_desc(consent_request::Column::CreatedAt)
            .order_by_asc(consent_request::Column::Handle)
            .all(&self.db)
            .await?
            .into_iter()
            .map(request_record)
            .collect())
    }

    /// The artefacts signed for a consent handle, by FIP id.
    pub async fn artefacts_for(
        &self,
        consent_handle: &str,
    ) -> Result<Vec<ArtefactRecord>, StoreError> {
        Ok(consent_artefact::Entity::find()
            .filter(consent_artefact::Column::ConsentHandle.eq(consent_handle))
            .order_by_asc(consent_artefact::Column::FipId)
            .order_by_asc(consent_artefact::Column::ConsentId)
            .all(&self.db)
            .await?
            .into_iter()
            .map(artefact_record)
            .collect())
    }

    pub async fn artefact(&self, consent_id: &str) -> Result<Option<ArtefactRecord>, StoreError> {
        Ok(consent_artefact::Entity::find_by_id(consent_id.to_owned())
            .one(&self.db)
            .await?
            .map(artefact_record))
    }

    /// Approves a pending request: status ACTIVE, the signed artefacts and the outbox messages,
    /// in one transaction. Returns false (and writes nothing) when the request is no longer
    /// pending, e.g. decided concurrently.
    pub async fn approve_consent(
        &self,
        handle: &str,
        artefacts: Vec<ArtefactRecord>,
        messages: Vec<NewOutboxMessage>,
        now: i64,
    ) -> Result<bool, StoreError> {
        let txn = self.db.begin().await?;
        if !decide(&txn, handle, RequestStatus::Active, now).await? {
            txn.rollback().await?;
            return Ok(false);
        }
        for a in artefacts {
            consent_artefact::Entity::insert(consent_artefact::ActiveModel {
                consent_id: Set(a.consent_id),
                consent_handle: Set(a.consent_handle),
                fiu_id: Set(a.fiu_id),
                fip_id: Set(a.fip_id),
                customer_handle: Set(a.customer_handle),
                signed_consent: Set(a.signed_consent),
                status: Set(a.status),
                create_timestamp: Set(a.create_timestamp),
                use_count: Set(i32::try_from(a.use_count).unwrap_or(0)),
                last_used_at: Set(a.last_used_at),
            })
            .exec(&txn)
            .await?;
        }
        enqueue(&txn, messages).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// Rejects a pending request and queues the notification, in one transaction. Returns
    /// false when the request is no longer pending.
    pub async fn reject_consent(
        &self,
        handle: &str,
        messages: Vec<NewOutboxMessage>,
        now: i64,
    ) -> Result<bool, StoreError> {
        let txn = self.db.begin().await?;
        if !decide(&txn, handle, RequestStatus::Rejected, now).await? {
            txn.rollback().await?;
            return Ok(false);
        }
        enqueue(&txn, messages).await?;
        txn.commit().await?;
        Ok(true)
    }
}

/// The lifecycle's changes and what the expiry scheduler looks for.
impl Store {
    /// Moves an artefact from `from` to `to` and queues `notices`, in one transaction. Returns
    /// false, writing nothing, when the artefact is no longer `from` (changed meanwhile).
    pub async fn change_artefact_status(
        &self,
        consent_id: &str,
        from: ConsentStatus,
        to: ConsentStatus,
        notices: Vec<Notice>,
    ) -> Result<bool, StoreError> {
        let messages = outbox_messages(notices)?;
        let txn = self.db.begin().await?;
        let result = consent_artefact::Entity::update_many()
            .col_expr(consent_artefact::Column::Status, Expr::value(to.as_str()))
            .filter(consent_artefact::Column::ConsentId.eq(consent_id))
            .filter(consent_artefact::Column::Status.eq(from.as_str()))
            .exec(&txn)
            .await?;
        if result.rows_affected != 1 {
            txn.rollback().await?;
            return Ok(false);
        }
        enqueue(&txn, messages).await?;
        txn.commit().await?;
        Ok(true)
    }

    /// ACTIVE or PAUSED artefacts whose consent expired at or before `now`, at most `limit`.
    pub async fn artefacts_past_expiry(
        &self,
        now: i64,
        limit: u64,
    ) -> Result<Vec<ArtefactRecord>, StoreError> {
        let expired_handles = Query::select()
            .column(consent_request::Column::Handle)
            .from(consent_request::Entity)
            .and_where(consent_request::Column::Status.eq(RequestStatus::Active.as_str()))
            .and_where(consent_request::Column::ExpiresAt.lte(now))
            .to_owned();
        Ok(consent_artefact::Entity::find()
            .filter(consent_artefact::Column::Status.is_in([
                ConsentStatus::Active.as_str(),
                ConsentStatus::Paused.as_str(),
            ]))
            .filter(consent_artefact::Column::ConsentHandle.in_subquery(expired_handles))
            .order_by_asc(consent_artefact::Column::ConsentId)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(artefact_record)
            .collect())
    }

    /// PENDING requests whose `consentExpiry` is at or before `now`, or (with `created_before`)
    /// made before that instant, at most `limit`.
    pub async fn lapsed_requests(
        &self,
        now: i64,
        created_before: Option<i64>,
        limit: u64,
    ) -> Result<Vec<ConsentRequestRecord>, StoreError> {
        let mut due = Condition::any().add(consent_request::Column::ExpiresAt.lte(now));
        if let Some(before) = created_before {
            due = due.add(consent_request::Column::CreatedAt.lt(before));
        }
        Ok(consent_request::Entity::find()
            .filter(consent_request::Column::Status.eq(RequestStatus::Pending.as_str()))
            .filter(due)
            .order_by_asc(consent_request::Column::Handle)
            .limit(limit)
            .all(&self.db)
            .await?
            .into_iter()
            .map(request_record)
            .collect())
    }

    /// A pending request lapses: EXPIRED and `notices` queued, in one transaction. Returns
    /// false when it is no longer pending (decided or expired meanwhile).
    pub async fn expire_request(
        &self,
        handle: &str,
        notices: Vec<Notice>,
        now: i64,
    ) -> Result<bool, StoreError> {
        let messages = outbox_messages(notices)?;
        let txn = self.db.begin().await?;
        if !decide(&txn, handle, RequestStatus::Expired, now).await? {
            txn.rollback().await?;
            return Ok(false);
        }
        enqueue(&txn, messages).await?;
        txn.commit().await?;
        Ok(true)
    }
}

pub(in crate::persistence) fn outbox_messages(
    notices: Vec<Notice>,
) -> Result<Vec<NewOutboxMessage>, StoreError> {
    notices
        .into_iter()
        .map(|notice| {
            Ok(NewOutboxMessage {
                callee: notice.callee,
                path: lifecycle::NOTICE_PATH.to_owned(),
                body: serde_json::to_vec(&notice.body)
                    .map_err(|e| StoreError::Corrupt(format!("notification body: {e}")))?,
            })
        })
        .collect()
}

/// PENDING -> `to`, only if still pending.
async fn decide(
    txn: &DatabaseTransaction,
    handle: &str,
    to: RequestStatus,
    now: i64,
) -> Result<bool, StoreError> {
    let result = consent_request::Entity::update_many()
        .col_expr(consent_request::Column::Status, Expr::value(to.as_str()))
        .col_expr(consent_request::Column::DecidedAt, Expr::value(now))
        .filter(consent_request::Column::Handle.eq(handle))
        .filter(consent_request::Column::Status.eq(RequestStatus::Pending.as_str()))
        .exec(txn)
        .await?;
    Ok(result.rows_affected == 1)
}
