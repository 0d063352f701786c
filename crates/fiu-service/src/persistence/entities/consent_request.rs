//! `fiu_consent_requests`: one row per consent request sent to an AA, keyed by the handle the
//! AA returned.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fiu_consent_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub handle: String,
    pub aa_id: String,
    pub customer: String,
    pub template: String,
    /// The `txnid` of our `POST /Consent` (AAs may echo it in notifications).
    pub txnid: String,
    /// A [`crate::domain::status::ConsentState`] name.
    pub status: String,
    /// [`crate::domain::terms::ConsentTerms`] as JSON.
    #[sea_orm(column_type = "Text")]
    pub terms: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// When the AA was last asked for this handle's status (poll fallback).
    pub checked_at: i64,
    /// Why the last status poll failed (migration 5); cleared when a poll is made.
    #[sea_orm(column_type = "Text", nullable)]
    pub poll_error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
