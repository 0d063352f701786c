//! `otps`: login OTPs, stored hashed. `sandbox_code` holds the clear code only when the
//! sandbox endpoint is switched on (local set-ups), and is NULL otherwise.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "otps")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub otp_ref: String,
    pub handle: String,
    pub code_hash: String,
    pub sandbox_code: Option<String>,
    pub attempts: i32,
    pub consumed: bool,
    pub created_at: i64,
    pub expires_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
