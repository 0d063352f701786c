//! `POST /customer/consents/{handle}/reject {}`: the customer rejects a pending consent
//! request; a REJECTED `POST /Consent/Notification` (with the consent handle, as no consent id
//! exists) is queued for the FIU in the same transaction.

use aa_core::rebit::ConsentNotificationStatus;
use actix_web::{web, HttpResponse};

use super::auth::Session;
use super::error::CustomerError;
use super::views::pending_request;
use crate::domain::messages;
use crate::persistence::records::NewOutboxMessage;
use crate::state::AppState;

#[tracing::instrument(name = "customer reject", skip_all, fields(session.id = %session.id, consent.handle = %handle))]
pub async fn reject(
    state: web::Data<AppState>,
    session: Session,
    handle: web::Path<String>,
) -> Result<HttpResponse, CustomerError> {
    reject_request(&state, &session, &handle).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "consentHandle": handle.as_str(),
        "status": "REJECTED",
    })))
}

/// Rejects the customer's pending request `handle`. The customer API's and the consent
/// manager's rejection.
pub async fn reject_request(
    state: &AppState,
    session: &Session,
    handle: &str,
) -> Result<(), CustomerError> {
    let request = pending_request(state, session, handle).await?;
    let notification = messages::consent_notification(
        state.aa_id(),
        &request.txnid,
        &request.handle,
        None,
        ConsentNotificationStatus::Rejected,
    );
    let body = serde_json::to_vec(&notification).map_err(|e| CustomerError::internal(&e))?;
    let message = NewOutboxMessage {
        callee: request.fiu_id.clone(),
        path: "/Consent/Notification".to_owned(),
        body,
    };
    let now = state.now_millis();
    if !state
        .store
        .reject_consent(&request.handle, vec![message], now)
        .await?
    {
        return Err(CustomerError::conflict(
            "the consent request was decided meanwhile",
        ));
    }
    state.waker.wake();
    tracing::info!("consent rejected");
    Ok(())
}
