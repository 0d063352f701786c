//! Status updates, applied in one transaction: the notification is recorded (once: a repeat is
//! recognised by its `dedupe_key` and changes nothing), the plan of
//! [`crate::domain::update::plan`] is carried out, and any fetch it calls for is queued as a job
//! in the same transaction, so an update is never half-applied and a queued fetch is never lost.
//! The request row is locked (`FOR UPDATE` on PostgreSQL; SQLite has one writer) so concurrent
//! updates of one request apply one after the other. An artefact that becomes `REVOKED` or
//! `EXPIRED` has all its FI data purged in the same transaction ([`super::purge`]).

use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QuerySelect, Set, TransactionTrait, TryInsertResult,
};
use time::OffsetDateTime;

use super::consents::{find_artefacts, ConsentRequestRecord};
use super::entities::{artefact, consent_request, notification};
use super::jobs::insert_fetch_job;
use super::purge::purge_consent;
use super::{Store, StoreError};
use crate::domain::retention::PurgeRule;
use crate::domain::status::{ConsentState, FetchState};
use crate::domain::update::{plan, KnownArtefact, Plan, StatusUpdate};
use aa_runtime::clock::millis;

/// A notification accepted from `aa_id` about the request `handle`.
#[derive(Debug, Clone)]
pub struct IncomingNotification {
    pub aa_id: String,
    pub txnid: String,
    pub handle: String,
    pub consent_id: Option<String>,
    pub status: ConsentState,
}

impl IncomingNotification {
    /// Equal for the same notification delivered again, different for any other.
    fn dedupe_key(&self) -> String {
        format!(
            "{}|{}|{}|{}|{}",
            self.aa_id,
            self.txnid,
            self.handle,
            self.consent_id.as_deref().unwrap_or("-"),
            self.status.as_str()
        )
    }
}

/// What recording a notification did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// Seen before: nothing changed.
    Duplicate,
    /// New, and applied; the plan says what changed (empty for a stale status).
    Applied(Plan),
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
    /// Records a notification and applies it, once.
    pub async fn record_notification(
        &self,
        incoming: &IncomingNotification,
        now: OffsetDateTime,
    ) -> Result<Recorded, StoreError> {
        let txn = self.db().begin().await?;
        let Some(request) = lock_request(&txn, &incoming.handle).await? else {
            return Err(StoreError::Corrupt(format!(
                "request {} vanished",
                incoming.handle
            )));
        };
        let update = StatusUpdate {
            consent_id: incoming.consent_id.clone(),
            status: incoming.status,
        };
        let plan = plan_for(&txn, &request, &update).await?;
        let row = notification::ActiveModel {
            id: Set(uuid::Uuid::new_v4().to_string()),
            dedupe_key: Set(incoming.dedupe_key()),
            aa_id: Set(incoming.aa_id.clone()),
            txnid: Set(incoming.txnid.clone()),
            handle: Set(incoming.handle.clone()),
            consent_id: Set(incoming.consent_id.clone()),
            status: Set(incoming.status.as_str().to_owned()),
            applied: Set(!plan.is_empty()),
            received_at: Set(millis(now)),
        };
        let inserted = notification::Entity::insert(row)
            .on_conflict(
                OnConflict::column(notification::Column::DedupeKey)
                    .do_nothing()
                    .to_owned(),
            )
            .do_nothing()
            .exec_without_returning(&txn)
            .await?;
        if matches!(
            inserted,
            TryInsertResult::Conflicted | TryInsertResult::Inserted(0)
        ) {
            txn.rollback().await?;
            return Ok(Recorded::Duplicate);
        }
        execute(&txn, &request, &plan, now).await?;
        txn.commit().await?;
        Ok(Recorded::Applied(plan))
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
