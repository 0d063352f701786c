//! `POST /customer/consents/{consentId}/pause|resume|revoke {}`: the customer changes one of
//! their consent artefacts. ACTIVE -> PAUSED, PAUSED -> ACTIVE, ACTIVE | PAUSED -> REVOKED;
//! anything else is 409 with nothing changed. In the same transaction as the status change, a
//! `POST /Consent/Notification` with the new status is queued for the FIU and for the
//! artefact's FIP.

use aa_core::rebit::ConsentStatus;
use actix_web::{web, HttpResponse};

use super::auth::Session;
use super::error::CustomerError;
use crate::domain::lifecycle::{self, CustomerAction, Parties};
use crate::persistence::records::ArtefactRecord;
use crate::state::AppState;

pub async fn pause(
    state: web::Data<AppState>,
    session: Session,
    consent_id: web::Path<String>,
) -> Result<HttpResponse, CustomerError> {
    answer(change(&state, &session, &consent_id, CustomerAction::Pause).await?)
}

pub async fn resume(
    state: web::Data<AppState>,
    session: Session,
    consent_id: web::Path<String>,
) -> Result<HttpResponse, CustomerError> {
    answer(change(&state, &session, &consent_id, CustomerAction::Resume).await?)
}

pub async fn revoke(
    state: web::Data<AppState>,
    session: Session,
    consent_id: web::Path<String>,
) -> Result<HttpResponse, CustomerError> {
    answer(change(&state, &session, &consent_id, CustomerAction::Revoke).await?)
}

fn answer((artefact, to): (ArtefactRecord, ConsentStatus)) -> Result<HttpResponse, CustomerError> {
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "consentId": artefact.consent_id,
        "consentHandle": artefact.consent_handle,
        "status": to.as_str(),
    })))
}

/// Applies `action` to the customer's artefact `consent_id`: the artefact as it was and its
/// new status. The customer API's and the consent manager's pause, resume and revoke.
#[tracing::instrument(name = "customer consent status", skip_all, fields(session.id = %session.id, consent.id = %consent_id, action = action.as_str()))]
pub async fn change(
    state: &AppState,
    session: &Session,
    consent_id: &str,
    action: CustomerAction,
) -> Result<(ArtefactRecord, ConsentStatus), CustomerError> {
    let artefact = state
        .store
        .artefact(consent_id.trim())
        .await?
        .filter(|a| a.customer_handle == session.customer.handle)
        .ok_or_else(|| CustomerError::not_found("no consent with this id"))?;
    let from = artefact
        .status
        .parse::<ConsentStatus>()
        .map_err(|e| CustomerError::internal(&e))?;
    let to = action
        .apply(from)
        .map_err(|refused| CustomerError::conflict(refused.to_string()))?;
    let notices = lifecycle::artefact_notices(
        state.aa_id(),
        Parties {
            consent_id: &artefact.consent_id,
            consent_handle: &artefact.consent_handle,
            fiu_id: &artefact.fiu_id,
            fip_id: &artefact.fip_id,
        },
        to,
    );
    if !state
        .store
        .change_artefact_status(&artefact.consent_id, from, to, notices)
        .await?
    {
        return Err(CustomerError::conflict(
            "the consent's status changed meanwhile; read it again",
        ));
    }
    state.waker.wake();
    tracing::info!(
        from = from.as_str(),
        to = to.as_str(),
        "consent status changed"
    );
    Ok((artefact, to))
}
