//! `fiu_consent_artefacts`: one row per consent id the FIU was told about, with the AA's status
//! for it and how far fetching and verifying its signed artefact got.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fiu_consent_artefacts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub consent_id: String,
    pub handle: String,
    pub aa_id: String,
    /// A [`crate::domain::status::ConsentState`] name.
    pub status: String,
    /// A [`crate::domain::status::FetchState`] name.
    pub fetch_state: String,
    pub fip_id: Option<String>,
    pub signer_kid: Option<String>,
    /// The compact JWS as received (verified artefacts only).
    #[sea_orm(column_type = "Text", nullable)]
    pub signed_consent: Option<String>,
    /// The signed ConsentDetail as JSON (verified artefacts only).
    #[sea_orm(column_type = "Text", nullable)]
    pub consent_detail: Option<String>,
    /// Why the artefact was refused or could not be fetched.
    #[sea_orm(column_type = "Text", nullable)]
    pub error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
