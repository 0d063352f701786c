//! `POST /customer/link {"fipId","accounts":[accRefNumber...]}` -> `{"fipId","refNumber",
//! "authenticatorType","status"}`: asks the FIP to link discovered accounts (ReBIT `POST
//! /Accounts/link`). With `authenticatorType` `TOKEN` the FIP sends the customer an OTP, which
//! `link/verify` forwards (`status` `AWAITING_OTP`); with `DIRECT` the customer confirms with the
//! bank itself and the FIP tells the AA (`POST /Account/link/Notification` LINKED), so the link
//! awaits the bank (`status` `AWAITING_BANK_CONFIRMATION`) and no OTP is taken for it.

use aa_core::rebit::{AuthenticatorType, FipAccount};
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::auth::Session;
use super::error::CustomerError;
use super::fip_error;
use super::views;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct LinkRequest {
    #[serde(rename = "fipId")]
    pub fip_id: String,
    pub accounts: Vec<String>,
}

#[tracing::instrument(name = "customer link", skip_all, fields(session.id = %session.id, peer.id = %body.fip_id))]
pub async fn start(
    state: web::Data<AppState>,
    session: Session,
    body: web::Json<LinkRequest>,
) -> Result<HttpResponse, CustomerError> {
    let body = body.into_inner();
    let fip_id = body.fip_id.trim().to_owned();
    let (ref_number, authenticator) = start_link(&state, &session, &fip_id, body.accounts).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "fipId": fip_id,
        "refNumber": ref_number,
        "authenticatorType": authenticator,
        "status": views::awaiting(authenticator),
    })))
}

/// Asks the FIP to link the discovered accounts `accounts` (accRefNumbers) and records the link
/// request: the FIP's refNumber and how the link is confirmed. The customer API's and the
/// consent manager's linking.
pub async fn start_link(
    state: &AppState,
    session: &Session,
    fip_id: &str,
    accounts: Vec<String>,
) -> Result<(String, AuthenticatorType), CustomerError> {
    let body = LinkRequest {
        fip_id: fip_id.to_owned(),
        accounts,
    };
    fip_error::known_fip(&state.identity.registry.current(), fip_id)?;
    let mut refs: Vec<String> = Vec::new();
    for acc in body.accounts {
        let acc = acc.trim().to_owned();
        if !acc.is_empty() && !refs.contains(&acc) {
            refs.push(acc);
        }
    }
    if refs.is_empty() {
        return Err(CustomerError::invalid(
            "accounts must name at least one accRefNumber",
        ));
    }
    let known = state
        .store
        .accounts_by_ref(&session.customer.id, fip_id, &refs)
        .await?;
    if let Some(missing) = refs
        .iter()
        .find(|r| !known.iter().any(|k| k.acc_ref_number == **r))
    {
        return Err(CustomerError::not_found(format!(
            "account {missing} was not discovered at {fip_id}; discover first"
        )));
    }
    let mut accounts = Vec::with_capacity(known.len());
    for k in &known {
        let (Ok(fi_type), Ok(acc_type)) = (k.fi_type.parse(), k.acc_type.parse()) else {
            return Err(CustomerError::internal(&format!(
                "stored account {} has unknown types",
                k.acc_ref_number
            )));
        };
        accounts.push(FipAccount {
            fi_type,
            acc_type,
            acc_ref_number: k.acc_ref_number.clone(),
            masked_acc_number: k.masked_acc_number.clone(),
        });
    }
    let answer = state
        .fip()
        .link(fip_id, &session.customer.handle, accounts)
        .await
        .map_err(|e| fip_error::from_fip(fip_id, &e))?;
    let now = state.now_millis();
    state
        .store
        .insert_link_request(
            &session.customer.id,
            fip_id,
            &answer.ref_number,
            &refs,
            answer.authenticator_type,
            now,
        )
        .await?;
    Ok((answer.ref_number, answer.authenticator_type))
}
