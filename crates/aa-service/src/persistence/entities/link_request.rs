//! `link_requests`: an account-link request sent to an FIP, awaiting the customer's OTP
//! (`TOKEN`) or the FIP's link notification (`DIRECT`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "link_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub customer_id: String,
    pub fip_id: String,
    pub ref_number: String,
    /// JSON array of the accRefNumbers being linked.
    pub acc_ref_numbers: String,
    pub completed: bool,
    /// `TOKEN` or `DIRECT` (the FIP's `AccLinkResponse.AuthenticatorType`).
    pub authenticator: String,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
