//! The idempotency table: a request is claimed under (caller, endpoint, txnid) before it acts,
//! its answer stored once it succeeds, and the claim released when it fails (a refused request
//! had no effect, so it is evaluated afresh when sent again).

use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TryInsertResult};

use super::entities::answered_txn;
use super::{Store, StoreError};

/// Which request: who sent it, to which endpoint, under which txnid.
#[derive(Debug, Clone, Copy)]
pub struct TxnKey<'a> {
    pub caller_id: &'a str,
    pub endpoint: &'a str,
    pub txnid: &'a str,
}

/// A stored claim or answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnsweredTxn {
    pub digest: String,
    /// `None` while the first request is being processed.
    pub status: Option<u16>,
    pub answer: Option<String>,
    pub claimed_at_ms: i64,
}

fn by_key(key: TxnKey<'_>) -> sea_orm::sea_query::Condition {
    sea_orm::sea_query::Condition::all()
        .add(answered_txn::Column::CallerId.eq(key.caller_id))
        .add(answered_txn::Column::Endpoint.eq(key.endpoint))
        .add(answered_txn::Column::Txnid.eq(key.txnid))
}

impl Store {
    /// Claims `key` for a request with `digest`; false when it is already claimed or answered.
    pub async fn claim_txn(
        &self,
        key: TxnKey<'_>,
        digest: &str,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let inserted = answered_txn::Entity::insert(answered_txn::ActiveModel {
            caller_id: Set(key.caller_id.to_owned()),
            endpoint: Set(key.endpoint.to_owned()),
            txnid: Set(key.txnid.to_owned()),
            digest: Set(digest.to_owned()),
            status: Set(None),
            answer: Set(None),
            claimed_at_ms: Set(now_ms),
            created_at_ms: Set(now_ms),
        })
        .on_conflict_do_nothing()
        .exec_without_returning(&self.db)
        .await?;
        Ok(matches!(inserted, TryInsertResult::Inserted(n) if n > 0))
    }

    /// The claim or answer under `key`.
    pub async fn answered_txn(&self, key: TxnKey<'_>) -> Result<Option<AnsweredTxn>, StoreError> {
        Ok(answered_txn::Entity::find()
            .filter(by_key(key))
            .one(&self.db)
            .await?
            .map(|row| AnsweredTxn {
                digest: row.digest,
                status: row.status.and_then(|s| u16::try_from(s).ok()),
                answer: row.answer,
                claimed_at_ms: row.claimed_at_ms,
            }))
    }

    /// Takes over a claim left unanswered since `claimed_at_ms` (its request died); false when
    /// another request took it first.
    pub async fn take_over_txn(
        &self,
        key: TxnKey<'_>,
        claimed_at_ms: i64,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let result = answered_txn::Entity::update_many()
            .col_expr(answered_txn::Column::ClaimedAtMs, Expr::value(now_ms))
            .filter(by_key(key))
            .filter(answered_txn::Column::Status.is_null())
            .filter(answered_txn::Column::ClaimedAtMs.eq(claimed_at_ms))
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Records the answer of a claimed request (`answer` `None`: computed again on replay).
    pub async fn answer_txn(
        &self,
        key: TxnKey<'_>,
        status: u16,
        answer: Option<String>,
    ) -> Result<(), StoreError> {
        answered_txn::Entity::update_many()
            .col_expr(answered_txn::Column::Status, Expr::value(i32::from(status)))
            .col_expr(answered_txn::Column::Answer, Expr::value(answer))
            .filter(by_key(key))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Forgets the claim of a request that was refused.
    pub async fn release_txn(&self, key: TxnKey<'_>) -> Result<(), StoreError> {
        answered_txn::Entity::delete_many()
            .filter(by_key(key))
            .filter(answered_txn::Column::Status.is_null())
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Forgets every answer recorded before `before_ms`; returns how many.
    pub async fn purge_answered_txns(&self, before_ms: i64) -> Result<u64, StoreError> {
        Ok(answered_txn::Entity::delete_many()
            .filter(answered_txn::Column::CreatedAtMs.lt(before_ms))
            .exec(&self.db)
            .await?
            .rows_affected)
    }
}
