//! `fi_session_accounts`: one account of a fetch session, its `FIStatus`, and its prepared data
//! (the `encryptedFI` and this FIP's `KeyMaterial`) sealed under the consent's data key.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fi_session_accounts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub session_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub link_ref_number: String,
    pub masked_acc_number: String,
    /// `READY` or `DENIED`.
    pub fi_status: String,
    pub description: String,
    /// `aa_core::seal` envelope; `None` for a denied account.
    pub sealed: Option<Vec<u8>>,
    pub fetched_at_ms: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
