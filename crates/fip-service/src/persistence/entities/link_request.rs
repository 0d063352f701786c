//! `link_requests`: an AA's request to link accounts, waiting for the customer's OTP.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "link_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub ref_number: String,
    pub aa_id: String,
    pub customer_address: String,
    pub customer_id: String,
    /// `aa_core::otp` hash; never the OTP itself.
    pub otp_hash: String,
    pub expires_at_ms: i64,
    pub attempts: i32,
    /// `PENDING`, `LINKED` or `LOCKED`.
    pub status: String,
    pub txnid: String,
    pub created_at_ms: i64,
    pub completed_at_ms: Option<i64>,
    /// `TOKEN` or `DIRECT` (`AccLinkResponse.AuthenticatorType`).
    pub authenticator: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
