//! `outbox`: notifications written in the same transaction as the state change they announce,
//! delivered by `aa_runtime::outbox::run`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub callee: String,
    pub path: String,
    /// The exact JSON bytes to send (UTF-8).
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub attempts: i32,
    /// `PENDING`, `DELIVERED` or `FAILED`.
    pub status: String,
    /// When the message is next due (also the lease: a claim pushes it forward).
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
