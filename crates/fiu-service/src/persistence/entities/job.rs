//! `fiu_jobs`: work done after answering, written in the same transaction as the change that
//! calls for it (fetching and verifying a consent artefact; asking for FI data; fetching it). A worker claims due jobs
//! with a lease, so replicas never run the same job at once and a crashed worker's job is
//! picked up again when its lease runs out.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fiu_jobs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// `fetch_artefact`, `fi_request` or `fi_fetch`.
    pub kind: String,
    pub aa_id: String,
    pub handle: String,
    pub consent_id: String,
    /// `PENDING`, `DONE` or `FAILED`.
    pub state: String,
    pub attempts: i32,
    pub due_at: i64,
    pub lease_until: Option<i64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// What an FI job is about: the `fiu_fi_sessions.id` (added by migration 2).
    pub subject: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
