//! `fi_sessions`: an AA's `POST /FI/request` (`PENDING` until its `fi_prepare` job on the
//! runtime queue prepared it, then `READY`, or `FAILED`; at the end `EXPIRED`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fi_sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub session_id: String,
    pub consent_id: String,
    pub aa_id: String,
    pub txnid: String,
    /// `PENDING`, `READY`, `FAILED` or `EXPIRED`.
    pub status: String,
    /// The requested `FIDataRange`, as sent.
    pub range_from: String,
    pub range_to: String,
    pub from_ms: i64,
    pub to_ms: i64,
    /// The FIU's `KeyMaterial` (JSON): a public key and a nonce, nothing secret.
    pub key_material: String,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
