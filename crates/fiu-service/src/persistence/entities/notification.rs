//! `fiu_notifications`: every consent notification accepted, once. `dedupe_key` is unique, so a
//! notification delivered twice (an outbox retry) is recognised and changes nothing.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fiu_notifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(unique)]
    pub dedupe_key: String,
    pub aa_id: String,
    pub txnid: String,
    pub handle: String,
    pub consent_id: Option<String>,
    pub status: String,
    /// Whether it changed anything (false: a stale or repeated status).
    pub applied: bool,
    pub received_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
