//! The `idempotency_keys` table (the only sea-orm code of idempotency besides its migration):
//! one row per (caller, endpoint, txnid), claimed before the work starts, answered in the work's
//! transaction, released when the work is refused.

use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    TryInsertResult,
};

/// The table's entity.
pub mod entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "idempotency_keys")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub caller: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub endpoint: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub txnid: String,
        /// `aa_core::otp::hash` of what is compared (salted HMAC-SHA256), never the body.
        pub digest: String,
        /// The answer's HTTP status; `None` while the request is being processed.
        pub status: Option<i32>,
        /// The answer's JSON; `None` where the endpoint's answer is computed again on replay.
        pub answer: Option<String>,
        pub claimed_at_ms: i64,
        pub created_at_ms: i64,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

use entity::{ActiveModel, Column, Entity};

/// Which request: who sent it, to which endpoint, under which txnid.
#[derive(Debug, Clone, Copy)]
pub struct Key<'a> {
    pub caller: &'a str,
    pub endpoint: &'a str,
    pub txnid: &'a str,
}

/// A stored claim or answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub digest: String,
    pub status: Option<u16>,
    pub answer: Option<String>,
    pub claimed_at_ms: i64,
    pub created_at_ms: i64,
}

fn by_key(key: Key<'_>) -> Condition {
    Condition::all()
        .add(Column::Caller.eq(key.caller))
        .add(Column::Endpoint.eq(key.endpoint))
        .add(Column::Txnid.eq(key.txnid))
}

/// The claim of `key` made at `claimed_at_ms`, while it is unanswered.
fn open_claim(key: Key<'_>, claimed_at_ms: i64) -> Condition {
    by_key(key)
        .add(Column::Status.is_null())
        .add(Column::ClaimedAtMs.eq(claimed_at_ms))
}

/// Claims `key` for a request with `digest`; false when it is claimed or answered already.
pub async fn claim(
    db: &impl ConnectionTrait,
    key: Key<'_>,
    digest: &str,
    now_ms: i64,
) -> Result<bool, DbErr> {
    let inserted = Entity::insert(ActiveModel {
        caller: Set(key.caller.to_owned()),
        endpoint: Set(key.endpoint.to_owned()),
        txnid: Set(key.txnid.to_owned()),
        digest: Set(digest.to_owned()),
        status: Set(None),
        answer: Set(None),
        claimed_at_ms: Set(now_ms),
        created_at_ms: Set(now_ms),
    })
    .on_conflict_do_nothing()
    .exec_without_returning(db)
    .await?;
    Ok(matches!(inserted, TryInsertResult::Inserted(n) if n > 0))
}

/// The claim or answer under `key`.
pub async fn find(db: &impl ConnectionTrait, key: Key<'_>) -> Result<Option<Row>, DbErr> {
    Ok(Entity::find()
        .filter(by_key(key))
        .one(db)
        .await?
        .map(|row| Row {
            digest: row.digest,
            status: row.status.and_then(|s| u16::try_from(s).ok()),
            answer: row.answer,
            claimed_at_ms: row.claimed_at_ms,
            created_at_ms: row.created_at_ms,
        }))
}

/// Takes over a claim left unanswered since `claimed_at_ms`; false when another took it first.
pub async fn take_over(
    db: &impl ConnectionTrait,
    key: Key<'_>,
    claimed_at_ms: i64,
    now_ms: i64,
) -> Result<bool, DbErr> {
    let result = Entity::update_many()
        .col_expr(Column::ClaimedAtMs, Expr::value(now_ms))
        .filter(open_claim(key, claimed_at_ms))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records the answer of the claim made at `claimed_at_ms`; false when the claim is no longer
/// ours (it went stale and was taken over), so that the caller rolls its work back.
pub async fn answer(
    db: &impl ConnectionTrait,
    key: Key<'_>,
    claimed_at_ms: i64,
    status: u16,
    answer: Option<String>,
) -> Result<bool, DbErr> {
    let result = Entity::update_many()
        .col_expr(Column::Status, Expr::value(i32::from(status)))
        .col_expr(Column::Answer, Expr::value(answer))
        .filter(open_claim(key, claimed_at_ms))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Forgets the claim made at `claimed_at_ms` (its request was refused, or died before the work).
pub async fn release(
    db: &impl ConnectionTrait,
    key: Key<'_>,
    claimed_at_ms: i64,
) -> Result<(), DbErr> {
    Entity::delete_many()
        .filter(open_claim(key, claimed_at_ms))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets the expired key `key` (created before `before_ms`), so that it can be claimed anew.
pub async fn forget_expired(
    db: &impl ConnectionTrait,
    key: Key<'_>,
    before_ms: i64,
) -> Result<(), DbErr> {
    Entity::delete_many()
        .filter(by_key(key))
        .filter(Column::CreatedAtMs.lt(before_ms))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets every key created before `before_ms`; returns how many.
pub async fn purge(db: &impl ConnectionTrait, before_ms: i64) -> Result<u64, DbErr> {
    Ok(Entity::delete_many()
        .filter(Column::CreatedAtMs.lt(before_ms))
        .exec(db)
        .await?
        .rows_affected)
}
