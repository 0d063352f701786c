//! `accounts`: accounts a customer discovered at an FIP, and their link state.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub customer_id: String,
    pub fip_id: String,
    pub acc_ref_number: String,
    pub masked_acc_number: String,
    pub fi_type: String,
    pub acc_type: String,
    pub link_ref_number: Option<String>,
    /// `DISCOVERED`, `LINKED` or `DELINKED`.
    pub status: String,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
