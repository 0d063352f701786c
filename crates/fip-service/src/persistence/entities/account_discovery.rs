//! `account_discoveries`: the customer an AA's discovery found for a customer address.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account_discoveries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub aa_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub customer_address: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub customer_id: String,
    pub discovered_at_ms: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
