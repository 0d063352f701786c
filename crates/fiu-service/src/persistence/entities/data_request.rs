//! `fiu_data_requests`: one row per FIU data request on a consent handle (made by the app API,
//! or automatically once an artefact is `ACTIVE` and verified). Its status is not stored: it
//! follows from its sessions.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fiu_data_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub handle: String,
    pub aa_id: String,
    /// `AUTO` or `APP`.
    pub trigger: String,
    /// The range asked for (RFC 3339); unset: each consent's whole `FIDataRange`.
    pub data_from: Option<String>,
    pub data_to: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
