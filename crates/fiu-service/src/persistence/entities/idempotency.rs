//! `fiu_idempotency`: the subject each `txnid` of a caller on a ReBIT endpoint was first used
//! for (the consent handle of a `Consent/Notification`, the session of an `FI/Notification`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fiu_idempotency")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub caller: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub endpoint: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub txnid: String,
    #[sea_orm(column_type = "Text")]
    pub subject: String,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
