//! `fi_sessions`: one FI data session per FIU `POST /FI/request`, with the FIP's session id it
//! maps to once the FIP accepted the request.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fi_sessions")]
pub struct Model {
    /// The AA's `sessionId`, given to the FIU.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub consent_id: String,
    pub fiu_id: String,
    pub fip_id: String,
    /// The FIU's `txnid` of `POST /FI/request` (also used towards the FIP).
    pub fiu_txnid: String,
    /// The FIP's `sessionId`, once the FIP accepted the request.
    pub fip_session_id: Option<String>,
    /// `REQUESTED`, `ACTIVE`, `COMPLETED`, `EXPIRED` or `FAILED`.
    pub status: String,
    /// `FIDataRange` as the FIU sent it.
    pub data_from: String,
    pub data_to: String,
    /// Why the session failed (for the log and operators; never FI data).
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
