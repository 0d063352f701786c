//! `fiu_data_keys`: one data key per consent artefact, wrapped (sealed) under the master key
//! from the configuration. Everything the FIU seals for a consent is sealed under its key;
//! deleting the row shreds it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fiu_data_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub consent_id: String,
    pub key_id: String,
    /// The master key that wraps it (the envelope names it too).
    pub master_key_id: String,
    #[sea_orm(column_type = "Blob")]
    pub wrapped: Vec<u8>,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
