//! Status updates, applied in one transaction: a consent notification is recorded (once: a
//! repeat is recognised by its `dedupe_key` and changes nothing), the plan of
//! [`crate::domain::update::plan`] is carried out, and any fetch it calls for is queued as a job in the same transaction, so an
//! update is never half-applied and a queued fetch is never lost. A notification's writes run in
//! the transaction of its idempotency claim ([`Store::apply_notification`]), so the effect and
//! the answer kept for it commit together. The request row is locked (`FOR UPDATE` on
//! PostgreSQL; SQLite has one writer) so concurrent updates of one request apply one after the
//! other. An artefact that becomes `REVOKED` or `EXPIRED` has all its FI data purged in the same
//! transaction ([`super::purge`]).

use aa_core::rebit::FiStatus;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QuerySelect, Set, TransactionTrait, TryInsertResult,
};
use time::OffsetDateTime;

use super::consents::{find_artefacts, ConsentRequestRecord};
use super::entities::{artefact, consent_request, notification};
pub use super::fi_records::Applied;
use super::fi_records::SessionRecord;
use super::jobs::insert_fetch_job;
use super::purge::purge_consent;
use super::{Store, StoreError};
use crate::domain::retention::PurgeRule;
use crate::domain::status::{ConsentState, FetchState};
use crate::domain::update::{plan, KnownArtefact, Plan, StatusUpdate};
use aa_runtime::clock::millis;

/// A notification accepted from an AA, checked and resolved to what it is about.
#[derive(Debug, Clone)]
pub enum Notified {
    /// `POST /Consent/Notification` from `aa_id` under `txnid` about the request `handle`.
    Consent {
        aa_id: String,
        txnid: String,
        handle: String,
        update: StatusUpdate,
    },
    /// `POST /FI/Notification` about `session`: its accounts' statuses, and whether the AA
    /// says the session is over (`FAILED`, `EXPIRED`).
    Fi {
        session: Box<SessionRecord>,
        accounts: Vec<(String, FiStatus)>,
        over: bool,
    },
}

/// Equal for the same consent notification delivered again, different for any other. The
/// runtime's idempotency key (caller, endpoint, txnid) cannot tell them apart: the AA reuses a
/// flow's txnid for the flow's next notification (the next artefact of an approval, or the
/// next status), so a re-send is told from the next notification by what it says.
fn dedupe_key(aa_id: &str, txnid: &str, handle: &str, update: &StatusUpdate) -> String {
    let consent_id = update.consent_id.as_deref().unwrap_or("-");
    let status = update.status.as_str();
    format!("{aa_id}|{txnid}|{handle}|{consent_id}|{status}")
}

/// Records a consent notification in `txn`; false when it was recorded before.
async fn record_once(
    txn: &DatabaseTransaction,
    (aa_id, txnid, handle): (&str, &str, &str),
    update: &StatusUpdate,
    applied: bool,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let row = notification::ActiveModel {
        id: Set(uuid::Uuid::new_v4().to_string()),
        dedupe_key: Set(dedupe_key(aa_id, txnid, handle, update)),
        aa_id: Set(aa_id.to_owned()),
        txnid: Set(txnid.to_owned()),
        handle: Set(handle.to_owned()),
        consent_id: Set(update.consent_id.clone()),
        status: Set(update.status.as_str().to_owned()),
        applied: Set(applied),
        received_at: Set(millis(now)),
    };
    let inserted = notification::Entity::insert(row)
        .on_conflict(
            OnConflict::column(notification::Column::DedupeKey)
                .do_nothing()
                .to_owned(),
        )
        .do_nothing()
        .exec_without_returning(txn)
        .await?;
    Ok(!matches!(
        inserted,
        TryInsertResult::Conflicted | TryInsertResult::Inserted(0)
    ))
}

/// The request, locked for the rest of the transaction.
async fn lock_request(
    txn: &DatabaseTransaction,
    handle: &str,
) -> Result<Option<ConsentRequestRecord>, StoreError> {
    consent_request::Entity::find_by_id(handle.to_owned())
        .lock_exclusive()
        .one(txn)
        .await?
        .map(TryInto::try_into)
        .transpose()
}

/// The plan for `update` against the request as it is now.
pub(super) async fn plan_for(
    txn: &DatabaseTransaction,
    request: &ConsentRequestRecord,
    update: &StatusUpdate,
) -> Result<Plan, StoreError> {
    let known: Vec<KnownArtefact> = find_artefacts(txn, &request.handle)
        .await?
        .into_iter()
        .map(|a| KnownArtefact {
            consent_id: a.consent_id,
            status: a.status,
            fetch: a.fetch,
        })
        .collect();
    Ok(plan(request.status, &known, update))
}

/// Carries out `plan` for `request`.
pub(super) async fn execute<C: ConnectionTrait>(
    db: &C,
    request: &ConsentRequestRecord,
    plan: &Plan,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let now = millis(now);
    if let Some(state) = plan.request {
        consent_request::Entity::update_many()
            .col_expr(consent_request::Column::Status, Expr::value(state.as_str()))
            .col_expr(consent_request::Column::UpdatedAt, Expr::value(now))
            .filter(consent_request::Column::Handle.eq(request.handle.as_str()))
            .exec(db)
            .await?;
    }
    for (consent_id, state) in &plan.artefacts {
        artefact::Entity::update_many()
            .col_expr(artefact::Column::Status, Expr::value(state.as_str()))
            .col_expr(artefact::Column::UpdatedAt, Expr::value(now))
            .filter(artefact::Column::ConsentId.eq(consent_id.as_str()))
            .exec(db)
            .await?;
        let rule = match state {
            ConsentState::Revoked => Some(PurgeRule::Revoked),
            ConsentState::Expired => Some(PurgeRule::Expired),
            _ => None,
        };
        if let Some(rule) = rule {
            let purged = purge_consent(db, consent_id, rule, now).await?;
            tracing::info!(consent.id = %consent_id, sessions = purged, rule = rule.as_str(), "the consent's FI data was purged");
        }
    }
    if let Some((consent_id, state)) = &plan.new_artefact {
        artefact::ActiveModel {
            consent_id: Set(consent_id.clone()),
            handle: Set(request.handle.clone()),
            aa_id: Set(request.aa_id.clone()),
            status: Set(state.as_str().to_owned()),
            fetch_state: Set(FetchState::Pending.as_str().to_owned()),
            fip_id: Set(None),
            signer_kid: Set(None),
            signed_consent: Set(None),
            consent_detail: Set(None),
            error: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
        insert_fetch_job(db, &request.aa_id, &request.handle, consent_id, now).await?;
    }
    if let Some(consent_id) = &plan.refetch {
        artefact::Entity::update_many()
            .col_expr(
                artefact::Column::FetchState,
                Expr::value(FetchState::Pending.as_str()),
            )
            .col_expr(artefact::Column::UpdatedAt, Expr::value(now))
            .filter(artefact::Column::ConsentId.eq(consent_id.as_str()))
            .exec(db)
            .await?;
        insert_fetch_job(db, &request.aa_id, &request.handle, consent_id, now).await?;
    }
    Ok(())
}

impl Store {
    /// Applies `notified` in `txn`, which the caller commits with the answer it keeps, or, with
    /// no `txn`, in a transaction of its own.
    pub async fn apply_notification(
        &self,
        txn: Option<&DatabaseTransaction>,
        notified: &Notified,
        now: OffsetDateTime,
    ) -> Result<Applied, StoreError> {
        let Some(txn) = txn else {
            let txn = self.db().begin().await?;
            let applied = Box::pin(self.apply_notification(Some(&txn), notified, now)).await?;
            txn.commit().await?;
            return Ok(applied);
        };
        match notified {
            Notified::Consent {
                aa_id,
                txnid,
                handle,
                update,
            } => {
                let Some(request) = lock_request(txn, handle).await? else {
                    return Err(StoreError::Corrupt(format!("request {handle} vanished")));
                };
                let plan = plan_for(txn, &request, update).await?;
                let key = (aa_id.as_str(), txnid.as_str(), handle.as_str());
                if !record_once(txn, key, update, !plan.is_empty(), now).await? {
                    return Ok(Applied {
                        changed: false,
                        fetch_queued: false,
                    });
                }
                execute(txn, &request, &plan, now).await?;
                Ok(Applied {
                    changed: !plan.is_empty(),
                    fetch_queued: plan.fetches(),
                })
            }
            Notified::Fi {
                session,
                accounts,
                over,
            } => {
                super::fi_sessions::apply_fi_notification(txn, session, accounts, *over, now).await
            }
        }
    }

    /// Applies a status the FIU polled from the AA (`POST /Consent/handle`).
    pub async fn apply_polled_status(
        &self,
        handle: &str,
        update: &StatusUpdate,
        now: OffsetDateTime,
    ) -> Result<Plan, StoreError> {
        let txn = self.db().begin().await?;
        let Some(request) = lock_request(&txn, handle).await? else {
            return Ok(Plan::default());
        };
        let plan = plan_for(&txn, &request, update).await?;
        execute(&txn, &request, &plan, now).await?;
        txn.commit().await?;
        Ok(plan)
    }
}
