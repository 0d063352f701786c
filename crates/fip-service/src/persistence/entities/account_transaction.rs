//! `account_transactions`: statement lines, `seq` in time order per account.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "account_transactions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i32,
    pub txn_id: String,
    pub txn_type: String,
    pub mode: String,
    pub amount_paise: i64,
    pub balance_paise: i64,
    pub at_ms: i64,
    pub value_date: String,
    pub narration: String,
    pub reference: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
