//! A customer's deregistration, and the revocation of consents a delink leaves with no linked
//! account (`domain::deregistration`). Each is one transaction with the notifications and jobs
//! it causes; each takes the customer's row first, so that delinks and the deregistration of one
//! customer run one after the other (on PostgreSQL too), and a change made meanwhile by another
//! request (an approval, a pause, the expiry sweep) is either seen or wins cleanly: every row is
//! changed by a conditional statement from the status it was read in.

use aa_core::rebit::ConsentStatus;
use aa_runtime::queue::NewJob;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};

use super::super::entities::{
    account, consent_artefact, consent_request, customer, fi_session, fi_session_account,
    link_request, otp, session,
};
use super::super::records::{ArtefactRecord, CustomerRecord};
use super::super::{Store, StoreError};
use super::consents::{artefact_record, enqueue, outbox_messages};
use crate::domain::deregistration::{
    last_account_gone, EndedArtefact, EndedRequest, Ending, FipLink, RevokeCandidate, DELINK_KIND,
};
use crate::domain::status::{AccountState, RequestStatus};

/// The artefact statuses a revocation ends.
fn open_statuses() -> [&'static str; 2] {
    [
        ConsentStatus::Active.as_str(),
        ConsentStatus::Paused.as_str(),
    ]
}

impl Store {
    /// The customer's `ACTIVE` or `PAUSED` artefacts at `fip_id`.
    pub async fn open_artefacts_at(
        &self,
        customer_handle: &str,
        fip_id: &str,
    ) -> Result<Vec<ArtefactRecord>, StoreError> {
        Ok(consent_artefact::Entity::find()
            .filter(consent_artefact::Column::CustomerHandle.eq(customer_handle))
            .filter(consent_artefact::Column::FipId.eq(fip_id))
            .filter(consent_artefact::Column::Status.is_in(open_statuses()))
            .order_by_asc(consent_artefact::Column::ConsentId)
            .all(&self.db)
            .await?
            .into_iter()
            .map(artefact_record)
            .collect())
    }

    /// In `txn`: the customer's account at `fip_id` with `link_ref` becomes `DELINKED`; then
    /// each of `candidates` whose accounts are all delinked becomes `REVOKED` (if still `ACTIVE`
    /// or `PAUSED`) with its notices queued. Returns the revoked consent ids, or `None`, writing
    /// nothing, when the customer is gone (deregistered meanwhile). The customer's delink runs
    /// it in a transaction of its own ([`Store::begin`]), an FIP's `DELINKED` notification in its
    /// idempotency claim's.
    pub async fn delink_and_revoke_in(
        &self,
        txn: &DatabaseTransaction,
        customer_id: &str,
        fip_id: &str,
        link_ref: &str,
        now: i64,
        candidates: Vec<RevokeCandidate>,
    ) -> Result<Option<Vec<String>>, StoreError> {
        if !lock_customer(txn, customer_id).await? {
            return Ok(None);
        }
        self.delink_in(txn, customer_id, fip_id, link_ref, now)
            .await?;
        let named: Vec<String> = candidates
            .iter()
            .flat_map(|c| c.link_refs.iter().cloned())
            .collect();
        let delinked: Vec<String> = account::Entity::find()
            .filter(account::Column::CustomerId.eq(customer_id))
            .filter(account::Column::FipId.eq(fip_id))
            .filter(account::Column::Status.eq(AccountState::Delinked.as_str()))
            .filter(account::Column::LinkRefNumber.is_in(named))
            .all(txn)
            .await?
            .into_iter()
            .filter_map(|a| a.link_ref_number)
            .collect();
        let mut revoked = Vec::new();
        for candidate in candidates {
            if !last_account_gone(&candidate.link_refs, &delinked) {
                continue;
            }
            let result = consent_artefact::Entity::update_many()
                .col_expr(
                    consent_artefact::Column::Status,
                    Expr::value(ConsentStatus::Revoked.as_str()),
                )
                .filter(consent_artefact::Column::ConsentId.eq(&candidate.consent_id))
                .filter(consent_artefact::Column::Status.is_in(open_statuses()))
                .exec(txn)
                .await?;
            if result.rows_affected == 1 {
                enqueue(txn, outbox_messages(candidate.notices)?).await?;
                revoked.push(candidate.consent_id);
            }
        }
        Ok(Some(revoked))
    }

    /// Deregisters `customer` in one transaction (`domain::deregistration`): their pending
    /// requests rejected, their open artefacts revoked, a delink job queued for each linked
    /// account, the notifications queued, and every row of theirs deleted (consent requests,
    /// artefacts and their FI sessions, accounts, link requests, sessions, OTPs, the customer).
    /// Returns what was ended, or `None`, writing nothing, when the customer is gone already
    /// (deregistered by a concurrent call).
    pub async fn deregister_customer(
        &self,
        aa_id: &str,
        customer: &CustomerRecord,
    ) -> Result<Option<Ending>, StoreError> {
        let txn = self.db.begin().await?;
        // Deleting the customer first takes their row: a concurrent delink or deregistration
        // of the same customer waits for this transaction, then finds them gone.
        let gone = customer::Entity::delete_many()
            .filter(customer::Column::Id.eq(&customer.id))
            .exec(&txn)
            .await?;
        if gone.rows_affected != 1 {
            txn.rollback().await?;
            return Ok(None);
        }
        let ending = Ending {
            rejected: reject_pending(&txn, &customer.handle).await?,
            revoked: revoke_and_delete_artefacts(&txn, &customer.handle).await?,
            links: linked(&txn, customer).await?,
        };
        consent_request::Entity::delete_many()
            .filter(consent_request::Column::CustomerHandle.eq(&customer.handle))
            .exec(&txn)
            .await?;
        account::Entity::delete_many()
            .filter(account::Column::CustomerId.eq(&customer.id))
            .exec(&txn)
            .await?;
        link_request::Entity::delete_many()
            .filter(link_request::Column::CustomerId.eq(&customer.id))
            .exec(&txn)
            .await?;
        session::Entity::delete_many()
            .filter(session::Column::CustomerId.eq(&customer.id))
            .exec(&txn)
            .await?;
        otp::Entity::delete_many()
            .filter(otp::Column::Handle.eq(&customer.handle))
            .exec(&txn)
            .await?;
        enqueue(&txn, outbox_messages(ending.notices(aa_id))?).await?;
        for link in &ending.links {
            let job = NewJob {
                kind: DELINK_KIND.to_owned(),
                key: Some(link.fip_id.clone()),
                payload: link.payload(),
            };
            aa_runtime::queue::enqueue(&txn, job).await?;
        }
        txn.commit().await?;
        Ok(Some(ending))
    }
}

/// A no-op update of the customer's row: it takes the row's lock until the transaction ends.
/// False when there is no such customer.
async fn lock_customer(txn: &DatabaseTransaction, customer_id: &str) -> Result<bool, StoreError> {
    let result = customer::Entity::update_many()
        .col_expr(customer::Column::Id, Expr::col(customer::Column::Id).into())
        .filter(customer::Column::Id.eq(customer_id))
        .exec(txn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Deletes the customer's `PENDING` requests, each only if still pending (one approved
/// meanwhile keeps its artefacts, which are revoked instead); returns those deleted.
async fn reject_pending(
    txn: &DatabaseTransaction,
    handle: &str,
) -> Result<Vec<EndedRequest>, StoreError> {
    let pending = consent_request::Entity::find()
        .filter(consent_request::Column::CustomerHandle.eq(handle))
        .filter(consent_request::Column::Status.eq(RequestStatus::Pending.as_str()))
        .order_by_asc(consent_request::Column::Handle)
        .all(txn)
        .await?;
    let mut rejected = Vec::new();
    for request in pending {
        let deleted = consent_request::Entity::delete_many()
            .filter(consent_request::Column::Handle.eq(&request.handle))
            .filter(consent_request::Column::Status.eq(RequestStatus::Pending.as_str()))
            .exec(txn)
            .await?;
        if deleted.rows_affected == 1 {
            rejected.push(EndedRequest {
                handle: request.handle,
                fiu_id: request.fiu_id,
                txnid: request.txnid,
            });
        }
    }
    Ok(rejected)
}

/// Deletes every artefact of the customer with its FI sessions; returns those that were
/// `ACTIVE` or `PAUSED` when deleted (each deleted by a conditional statement first, so that
/// one expired meanwhile is not announced as revoked too).
async fn revoke_and_delete_artefacts(
    txn: &DatabaseTransaction,
    handle: &str,
) -> Result<Vec<EndedArtefact>, StoreError> {
    let artefacts = consent_artefact::Entity::find()
        .filter(consent_artefact::Column::CustomerHandle.eq(handle))
        .order_by_asc(consent_artefact::Column::ConsentId)
        .all(txn)
        .await?;
    let mut revoked = Vec::new();
    for artefact in &artefacts {
        let deleted = consent_artefact::Entity::delete_many()
            .filter(consent_artefact::Column::ConsentId.eq(&artefact.consent_id))
            .filter(consent_artefact::Column::Status.is_in(open_statuses()))
            .exec(txn)
            .await?;
        if deleted.rows_affected == 1 {
            revoked.push(EndedArtefact {
                consent_id: artefact.consent_id.clone(),
                consent_handle: artefact.consent_handle.clone(),
                fiu_id: artefact.fiu_id.clone(),
                fip_id: artefact.fip_id.clone(),
            });
        }
    }
    consent_artefact::Entity::delete_many()
        .filter(consent_artefact::Column::CustomerHandle.eq(handle))
        .exec(txn)
        .await?;
    let consent_ids: Vec<String> = artefacts.into_iter().map(|a| a.consent_id).collect();
    let sessions = Query::select()
        .column(fi_session::Column::Id)
        .from(fi_session::Entity)
        .and_where(fi_session::Column::ConsentId.is_in(consent_ids.clone()))
        .to_owned();
    fi_session_account::Entity::delete_many()
        .filter(fi_session_account::Column::SessionId.in_subquery(sessions))
        .exec(txn)
        .await?;
    fi_session::Entity::delete_many()
        .filter(fi_session::Column::ConsentId.is_in(consent_ids))
        .exec(txn)
        .await?;
    Ok(revoked)
}

/// The customer's linked accounts, by FIP then link reference, as links to end.
async fn linked(
    txn: &DatabaseTransaction,
    customer: &CustomerRecord,
) -> Result<Vec<FipLink>, StoreError> {
    Ok(account::Entity::find()
        .filter(account::Column::CustomerId.eq(&customer.id))
        .filter(account::Column::Status.eq(AccountState::Linked.as_str()))
        .order_by_asc(account::Column::FipId)
        .order_by_asc(account::Column::LinkRefNumber)
        .all(txn)
        .await?
        .into_iter()
        .filter_map(|a| {
            a.link_ref_number.map(|link_ref_number| FipLink {
                fip_id: a.fip_id,
                customer_address: customer.handle.clone(),
                link_ref_number,
            })
        })
        .collect())
}
