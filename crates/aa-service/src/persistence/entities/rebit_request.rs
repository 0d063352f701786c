//! `rebit_requests`: one answered ReBIT notification per (caller, endpoint, txnid).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rebit_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The caller's entity id (from its API key).
    pub caller: String,
    /// The path served, e.g. `/FI/Notification`.
    pub endpoint: String,
    pub txnid: String,
    /// The request body as JSON, less its `timestamp`.
    #[sea_orm(column_type = "Text")]
    pub request: String,
    /// The JSON answer given.
    #[sea_orm(column_type = "Text")]
    pub answer: String,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
