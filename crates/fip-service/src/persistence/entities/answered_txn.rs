//! `answered_txns`: one row per (caller, endpoint, txnid) a ReBIT request was accepted under:
//! a keyed digest of its body, and, once answered, the answer to replay.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "answered_txns")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub caller_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub endpoint: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub txnid: String,
    /// `aa_core::otp::hash` of the body without its `timestamp` (salted HMAC-SHA256).
    pub digest: String,
    /// The answer's HTTP status; `None` while the request is being processed.
    pub status: Option<i32>,
    /// The answer's JSON body; `None` for endpoints whose answers are computed again on replay.
    pub answer: Option<String>,
    pub claimed_at_ms: i64,
    pub created_at_ms: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
