//! `fiu_fi_accounts`: one account of a session: its FI status as the AA reported it, and once
//! fetched, its decrypted and parsed FI document sealed under the consent's data key (or why
//! it could not be had).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fiu_fi_accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// `fiu_fi_sessions.id`.
    pub session_row: String,
    pub link_ref_number: String,
    pub masked_acc_number: Option<String>,
    pub fi_type: Option<String>,
    /// `FIStatus` as notified: `PENDING`, `READY`, `DENIED`, `DELIVERED`, `TIMEOUT`.
    pub fi_status: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub error: Option<String>,
    /// The account as JSON (`aa_core::fi_data::Account`), sealed.
    #[sea_orm(column_type = "Blob", nullable)]
    pub sealed_data: Option<Vec<u8>>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
