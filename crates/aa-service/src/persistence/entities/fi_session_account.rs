//! `fi_session_accounts`: each account of an FI session and its `FIStatus`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fi_session_accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub session_id: String,
    pub link_ref_number: String,
    pub masked_acc_number: String,
    /// `PENDING`, `READY`, `DENIED`, `DELIVERED` or `TIMEOUT`.
    pub fi_status: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
