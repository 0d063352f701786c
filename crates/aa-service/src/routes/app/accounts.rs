//! `GET /customer/accounts` -> `[{"fipId","linkRefNumber","maskedAccNumber","fiType",
//! "accType"}]`: the customer's linked accounts.

use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::auth::Session;
use super::error::CustomerError;
use crate::domain::status::AccountState;
use crate::persistence::records::AccountRecord;
use crate::state::AppState;

/// A linked account as the customer API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct AccountView {
    #[serde(rename = "fipId")]
    pub fip_id: String,
    #[serde(rename = "linkRefNumber")]
    pub link_ref_number: String,
    #[serde(rename = "maskedAccNumber")]
    pub masked_acc_number: String,
    #[serde(rename = "fiType")]
    pub fi_type: String,
    #[serde(rename = "accType")]
    pub acc_type: String,
}

impl AccountView {
    /// The view of a linked account; `None` for one that is not linked.
    pub fn linked(record: &AccountRecord) -> Option<Self> {
        match (&record.state, &record.link_ref_number) {
            (AccountState::Linked, Some(link_ref)) => Some(Self {
                fip_id: record.fip_id.clone(),
                link_ref_number: link_ref.clone(),
                masked_acc_number: record.masked_acc_number.clone(),
                fi_type: record.fi_type.clone(),
                acc_type: record.acc_type.clone(),
            }),
            _ => None,
        }
    }
}

pub async fn list(
    state: web::Data<AppState>,
    session: Session,
) -> Result<HttpResponse, CustomerError> {
    let accounts: Vec<AccountView> = state
        .store
        .linked_accounts(&session.customer.id)
        .await?
        .iter()
        .filter_map(AccountView::linked)
        .collect();
    Ok(HttpResponse::Ok().json(accounts))
}
