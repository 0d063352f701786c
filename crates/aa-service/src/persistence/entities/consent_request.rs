//! `consent_requests`: one row per consent handle an FIU asked for.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consent_requests")]
pub struct Model {
    /// The consent handle.
    #[sea_orm(primary_key, auto_increment = false)]
    pub handle: String,
    pub fiu_id: String,
    pub customer_handle: String,
    /// The FIU's `txnid`, reused in the notifications about this request.
    pub txnid: String,
    /// The requested terms (the request's `ConsentDetail`) as JSON text.
    #[sea_orm(column_type = "Text")]
    pub detail: String,
    /// `PENDING`, `ACTIVE`, `REJECTED` or `EXPIRED`.
    pub status: String,
    pub created_at: i64,
    pub decided_at: Option<i64>,
    /// The terms' `consentExpiry` in epoch milliseconds (0 if unreadable), for the scheduler.
    pub expires_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
