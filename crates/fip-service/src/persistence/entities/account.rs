//! `accounts`: deposit, term deposit and recurring deposit accounts. `summary` holds the
//! FI-type-specific `Summary` figures (JSON, named as the FI schemas name them).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub customer_id: String,
    #[sea_orm(unique)]
    pub account_number: String,
    #[sea_orm(unique)]
    pub acc_ref_number: String,
    pub masked_acc_number: String,
    pub fi_type: String,
    pub acc_type: String,
    pub currency: String,
    pub branch: String,
    pub ifsc: String,
    pub micr: Option<String>,
    pub opening_date: String,
    pub status: String,
    pub nominee: String,
    pub summary: Json,
    pub history_until: String,
    pub created_at_ms: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
