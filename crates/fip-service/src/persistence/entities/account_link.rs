//! `account_links`: an account linked to a customer address at an AA (`linkRefNumber`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account_links")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub link_ref_number: String,
    pub account_id: String,
    pub aa_id: String,
    pub customer_address: String,
    pub link_request_ref: String,
    /// `LINKED` or `DELINKED`.
    pub status: String,
    pub linked_at_ms: i64,
    pub delinked_at_ms: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
