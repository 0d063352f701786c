//! `fiu_redirects`: the links to AAs' consent managers (Sahamati redirection), by the `txnid`
//! sealed into `ecreq`, and the outcome sealed into `ecres`, recorded once.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fiu_redirects")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub txnid: String,
    pub handle: String,
    pub aa_id: String,
    pub customer: String,
    /// The opaque `sessionid` the AA must return unchanged.
    pub session_id: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub return_to: Option<String>,
    pub created_at: i64,
    /// `approved`, `rejected` or `failed`, once the browser came back.
    pub outcome: Option<String>,
    /// The guidelines' `errorcode` of `ecres`.
    pub error_code: Option<i32>,
    pub returned_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
