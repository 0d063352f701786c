//! `POST /customer/link/verify {"fipId","refNumber","otp"}` -> `{"accounts":[...]}`: forwards
//! the FIP's OTP (ReBIT `POST /Accounts/link/verify`) and records the linkRefNumbers the FIP
//! assigns. A wrong or expired OTP comes back as the FIP's code (`InvalidLinkToken`,
//! `LinkTokenExpired`) with status 400. A DIRECT link request takes no OTP (the customer
//! confirms it with the bank): 409 `direct_link`, and the FIP is not asked.

use aa_core::rebit::{AuthenticatorType, LinkStatus};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::auth::Session;
use super::error::CustomerError;
use super::fip_error;
use super::views::AccountView;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct VerifyRequest {
    #[serde(rename = "fipId")]
    pub fip_id: String,
    #[serde(rename = "refNumber")]
    pub ref_number: String,
    pub otp: String,
}

#[tracing::instrument(name = "customer link verify", skip_all, fields(session.id = %session.id, peer.id = %body.fip_id))]
pub async fn verify(
    state: web::Data<AppState>,
    session: Session,
    body: web::Json<VerifyRequest>,
) -> Result<HttpResponse, CustomerError> {
    let accounts = verify_link(&state, &session, &body).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "accounts": accounts })))
}

/// Forwards the FIP's OTP of a link request and records the accounts linked: those accounts.
/// The customer API's and the consent manager's link confirmation.
pub async fn verify_link(
    state: &AppState,
    session: &Session,
    body: &VerifyRequest,
) -> Result<Vec<AccountView>, CustomerError> {
    let fip_id = body.fip_id.trim();
    let request = state
        .store
        .find_link_request(&session.customer.id, fip_id, body.ref_number.trim())
        .await?
        .ok_or_else(|| CustomerError::not_found("no link request with this refNumber"))?;
    if request.completed {
        return Err(CustomerError::conflict("this link request is complete"));
    }
    if request.authenticator == AuthenticatorType::Direct {
        return Err(CustomerError::new(
            StatusCode::CONFLICT,
            "direct_link",
            "this link is confirmed at the bank (authenticatorType DIRECT), not with an OTP; \
             the account is linked once the bank tells the AA",
        ));
    }
    let details = state
        .fip()
        .verify_link(fip_id, &request.ref_number, body.otp.trim())
        .await
        .map_err(|e| fip_error::from_fip(fip_id, &e))?;
    // Only accounts of this request, for this customer, that the FIP says are linked.
    let linked: Vec<(String, String)> = details
        .into_iter()
        .filter(|d| d.status == LinkStatus::Linked)
        .filter(|d| d.customer_address == session.customer.handle)
        .filter(|d| request.acc_ref_numbers.contains(&d.acc_ref_number))
        .map(|d| (d.acc_ref_number, d.link_ref_number))
        .collect();
    let now = state.now_millis();
    let accounts = state
        .store
        .complete_link(&session.customer.id, &request, &linked, now)
        .await?;
    tracing::info!(linked = accounts.len(), "accounts linked");
    Ok(accounts.iter().filter_map(AccountView::linked).collect())
}
