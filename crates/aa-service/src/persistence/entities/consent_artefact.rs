//! `consent_artefacts`: signed consents, one per FIP of an approved consent request.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consent_artefacts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub consent_id: String,
    pub consent_handle: String,
    pub fiu_id: String,
    pub fip_id: String,
    pub customer_handle: String,
    /// The compact JWS whose payload is the SignedConsentDetail.
    #[sea_orm(column_type = "Text")]
    pub signed_consent: String,
    /// `ACTIVE`, `PAUSED`, `REVOKED` or `EXPIRED`.
    pub status: String,
    /// `createTimestamp` as sent (`yyyy-MM-ddTHH:mm:ss.SSSZ`).
    pub create_timestamp: String,
    pub use_count: i32,
    pub last_used_at: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
