//! `GET /customer/link/{fipId}/{refNumber}` -> `{"fipId","refNumber","authenticatorType",
//! "status","accounts"}`: where one of the customer's link requests stands. `status` is what it
//! waits for (`AWAITING_OTP`, or `AWAITING_BANK_CONFIRMATION` for a DIRECT link the customer
//! confirms with the bank), or `LINKED` once complete; `accounts` are the request's accounts
//! linked so far, as `GET /customer/accounts` shows them. An app polls it after a DIRECT link.

use actix_web::{web, HttpResponse};

use super::auth::Session;
use super::error::CustomerError;
use super::views::{self, AccountView};
use crate::state::AppState;

#[tracing::instrument(name = "customer link status", skip_all, fields(session.id = %session.id))]
pub async fn show(
    state: web::Data<AppState>,
    session: Session,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, CustomerError> {
    let (fip_id, ref_number) = path.into_inner();
    let request = state
        .store
        .find_link_request(&session.customer.id, fip_id.trim(), ref_number.trim())
        .await?
        .ok_or_else(|| CustomerError::not_found("no link request with this refNumber"))?;
    let accounts: Vec<AccountView> = state
        .store
        .accounts_by_ref(
            &session.customer.id,
            &request.fip_id,
            &request.acc_ref_numbers,
        )
        .await?
        .iter()
        .filter_map(AccountView::linked)
        .collect();
    let status = if request.completed {
        "LINKED"
    } else {
        views::awaiting(request.authenticator)
    };
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "fipId": request.fip_id,
        "refNumber": request.ref_number,
        "authenticatorType": request.authenticator,
        "status": status,
        "accounts": accounts,
    })))
}
