//! Idempotency of the FIU's ReBIT endpoints, scoped by (caller, endpoint): a `txnid` is bound
//! to the subject it was first used for. The ReBIT AA spec asks AAs to reuse the FIU's `txnid`
//! in every notification of a flow (each status of one consent; each step of one FI session),
//! so a `txnid` names a flow, not one message: the same `txnid` about the same subject is the
//! same flow (its repeats change nothing, by the endpoint's own rules), while the same `txnid`
//! about another subject is a conflict (409 `IdempotencyError`). Bindings are kept for
//! [`TXNID_MEMORY`] (the purge sweep forgets older ones), far beyond the 15-minute window in
//! which a request's timestamp is accepted.

use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use time::OffsetDateTime;

use super::entities::idempotency;
use super::{Store, StoreError};
use aa_runtime::clock::millis;

/// How long a txnid stays bound to its subject.
pub const TXNID_MEMORY: time::Duration = time::Duration::days(1);

/// The ReBIT endpoints the FIU serves, as idempotency scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    ConsentNotification,
    FiNotification,
}

impl Endpoint {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ConsentNotification => "/Consent/Notification",
            Self::FiNotification => "/FI/Notification",
        }
    }
}

impl Store {
    /// Binds `txnid` of `caller` on `endpoint` to `subject` unless it is bound already;
    /// returns whether it is bound to `subject` (false: to another subject).
    pub async fn bind_txnid(
        &self,
        caller: &str,
        endpoint: Endpoint,
        txnid: &str,
        subject: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let row = idempotency::ActiveModel {
            caller: Set(caller.to_owned()),
            endpoint: Set(endpoint.as_str().to_owned()),
            txnid: Set(txnid.to_owned()),
            subject: Set(subject.to_owned()),
            created_at: Set(millis(now)),
        };
        idempotency::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([
                    idempotency::Column::Caller,
                    idempotency::Column::Endpoint,
                    idempotency::Column::Txnid,
                ])
                .do_nothing()
                .to_owned(),
            )
            .do_nothing()
            .exec_without_returning(self.db())
            .await?;
        // Of two writers racing, the first row stands: read it back.
        let bound = idempotency::Entity::find_by_id((
            caller.to_owned(),
            endpoint.as_str().to_owned(),
            txnid.to_owned(),
        ))
        .one(self.db())
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("txnid {txnid} binding vanished")))?;
        Ok(bound.subject == subject)
    }

    /// Forgets the bindings made before `cutoff`; returns how many. A notification replayed
    /// after that is applied again, which its endpoint's own rules make harmless.
    pub async fn forget_txnids_bound_before(
        &self,
        cutoff: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let result = idempotency::Entity::delete_many()
            .filter(idempotency::Column::CreatedAt.lt(millis(cutoff)))
            .exec(self.db())
            .await?;
        Ok(result.rows_affected)
    }
}
