//! `customers`: the bank's customers, identified by mobile number.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(unique)]
    pub mobile: String,
    pub pan: Option<String>,
    pub name: String,
    pub dob: String,
    pub email: Option<String>,
    pub address: Option<String>,
    pub landline: Option<String>,
    pub ckyc_compliance: bool,
    pub created_at_ms: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
