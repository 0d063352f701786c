//! `fiu_fi_sessions`: one ReBIT `POST /FI/request` of a data request, for one consent artefact
//! (one FIP): the AA's `sessionId` once it answered, the session's state, and the FIU's
//! ephemeral private key, sealed under the consent's data key until the data is fetched.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fiu_fi_sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub request_id: String,
    pub handle: String,
    pub consent_id: String,
    pub aa_id: String,
    pub fip_id: String,
    /// The AA's `sessionId`, once `POST /FI/request` was answered.
    pub session_id: Option<String>,
    /// A [`crate::domain::data_request::SessionState`] name.
    pub status: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub error: Option<String>,
    pub data_from: String,
    pub data_to: String,
    /// The `txnid` of our `POST /FI/request`.
    pub txnid: Option<String>,
    /// The ephemeral private key and nonce, sealed (`aa_core::seal`); cleared once fetched.
    #[sea_orm(column_type = "Blob", nullable)]
    pub sealed_key: Option<Vec<u8>>,
    pub key_expiry: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Until when the session's data may be kept (migration 3); `None`: no bound known.
    pub purge_at: Option<i64>,
    /// The [`crate::domain::retention::PurgeRule`] that set `purge_at`, or that purged it.
    pub purge_rule: Option<String>,
    /// When the session's data was purged.
    pub purged_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
