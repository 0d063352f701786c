//! `consents`: consent artefacts received from AAs, with their verified signed detail.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub consent_id: String,
    pub aa_id: String,
    pub customer_address: String,
    /// `ACTIVE`, `PAUSED`, `REVOKED` or `EXPIRED`.
    pub status: String,
    /// The compact JWS as received (compared with `FI/request`'s `digitalSignature`).
    pub signed_consent: String,
    pub signature: String,
    /// The verified `SignedConsentDetail`.
    pub detail: Json,
    pub consent_start_ms: i64,
    pub consent_expiry_ms: i64,
    pub create_timestamp: String,
    pub txnid: String,
    pub received_at_ms: i64,
    pub updated_at_ms: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
