//! `POST /customer/accounts/delink {"fipId","linkRefNumber"}` -> `{"fipId","linkRefNumber",
//! "status":"DELINKED"}`: ends a link. The AA asks the FIP first (ReBIT `POST /Accounts/delink`,
//! signed); once the FIP confirms `DELINKED`, the account is stored `DELINKED`, leaves the
//! customer's account list and is left out of every later data request (`POST /FI/request`
//! marks it `DENIED`). An account already delinked (by the customer or by the FIP's
//! `Account/link/Notification`) answers the same without asking the FIP again; an account the
//! customer has not linked at that FIP is 404. A consent of the customer that named the account
//! and has no linked account left becomes `REVOKED` with the delink, and its FIU and FIP are told
//! as after a customer's revoke (`flows::delink`).

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::auth::Session;
use super::error::CustomerError;
use super::fip_error;
use crate::domain::status::AccountState;
use crate::flows;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct DelinkRequest {
    #[serde(rename = "fipId")]
    pub fip_id: String,
    #[serde(rename = "linkRefNumber")]
    pub link_ref_number: String,
}

fn delinked(fip_id: &str, link_ref: &str) -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({
        "fipId": fip_id,
        "linkRefNumber": link_ref,
        "status": AccountState::Delinked.as_str(),
    }))
}

#[tracing::instrument(name = "customer delink", skip_all, fields(session.id = %session.id, peer.id = %body.fip_id))]
pub async fn delink(
    state: web::Data<AppState>,
    session: Session,
    body: web::Json<DelinkRequest>,
) -> Result<HttpResponse, CustomerError> {
    let (fip_id, link_ref) = (body.fip_id.trim(), body.link_ref_number.trim());
    delink_account(&state, &session, fip_id, link_ref).await?;
    Ok(delinked(fip_id, link_ref))
}

/// Ends the link of the customer's account `link_ref` at `fip_id` (the FIP asked first); an
/// account delinked already is done. The customer API's and the consent manager's delink.
pub async fn delink_account(
    state: &AppState,
    session: &Session,
    fip_id: &str,
    link_ref: &str,
) -> Result<(), CustomerError> {
    if fip_id.is_empty() || link_ref.is_empty() {
        return Err(CustomerError::invalid(
            "fipId and linkRefNumber are required",
        ));
    }
    let account = state
        .store
        .account_by_link(&session.customer.id, fip_id, link_ref)
        .await?
        .ok_or_else(|| {
            CustomerError::not_found("no account with this linkRefNumber at this FIP")
        })?;
    match account.state {
        AccountState::Delinked => return Ok(()),
        AccountState::Discovered => {
            return Err(CustomerError::not_found("this account is not linked"))
        }
        AccountState::Linked => {}
    }
    state
        .fip()
        .delink(fip_id, &session.customer.handle, link_ref)
        .await
        .map_err(|e| fip_error::from_fip(fip_id, &e))?;
    if flows::delink::record(state, &session.customer, fip_id, link_ref)
        .await?
        .is_none()
    {
        return Err(CustomerError::unauthorized(
            "unauthorized",
            "this customer was deregistered meanwhile",
        ));
    }
    tracing::info!("account delinked");
    Ok(())
}
