//! `link_request_accounts`: the accounts a link request names.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "link_request_accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub ref_number: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
