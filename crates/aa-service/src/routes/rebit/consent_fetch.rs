//! `POST /Consent/fetch` (2.0.0) and `GET /Consent/{id}` (1.1.x): the signed consent artefact,
//! to the FIU it was made for or the FIP it names (the spec admits both keys). Anyone else,
//! and unknown ids, get `InvalidConsentId`.

use aa_core::rebit::{ConsentFetchRequest, ConsentStatus, ErrorCode};
use aa_core::registry::Role;
use aa_runtime::http::{Caller, FromFiuOrFip, RebitError, Verified, VerifiedUri};
use actix_web::{web, HttpResponse};

use super::{envelope, internal, uuid_field};
use crate::domain::messages::{self, ArtefactView};
use crate::state::AppState;

/// The artefact body for `consent_id`, if `caller` may see it.
async fn artefact_for(
    state: &AppState,
    caller: &Caller,
    consent_id: &str,
    ver: &str,
    txnid: &str,
) -> Result<HttpResponse, RebitError> {
    let consent_id = uuid_field("consentId", consent_id)?;
    let record = state
        .store
        .artefact(consent_id)
        .await
        .map_err(internal)?
        .filter(|a| match caller.role {
            Role::Fiu => a.fiu_id == caller.entity_id,
            Role::Fip => a.fip_id == caller.entity_id,
            Role::Aa => false,
        })
        .ok_or_else(|| RebitError::new(ErrorCode::InvalidConsentId, "unknown consentId"))?;
    let status = record
        .status
        .parse::<ConsentStatus>()
        .map_err(|e| RebitError::internal(&e))?;
    let view = ArtefactView {
        consent_id: &record.consent_id,
        status,
        create_timestamp: &record.create_timestamp,
        signed_consent: &record.signed_consent,
        use_count: record.use_count,
        last_used_at: record.last_used_at.as_deref(),
    };
    Ok(HttpResponse::Ok().json(messages::artefact(view, ver, txnid)))
}

#[tracing::instrument(name = "POST /Consent/fetch", skip_all, fields(txn.id = %request.body.txnid, peer.id = %request.caller.entity_id, consent.id = %request.body.consent_id))]
pub async fn post(
    state: web::Data<AppState>,
    request: Verified<ConsentFetchRequest, FromFiuOrFip>,
) -> Result<HttpResponse, RebitError> {
    let body = request.body;
    let version = envelope(&state, &body.ver, &body.timestamp, &body.txnid)?;
    artefact_for(
        &state,
        &request.caller,
        &body.consent_id,
        version.as_str(),
        &body.txnid,
    )
    .await
}

/// The 1.1.x form: no body, so the answer carries `ver` 1.1.2 and a fresh `txnid`.
#[tracing::instrument(name = "GET /Consent", skip_all, fields(peer.id = %request.caller.entity_id, consent.id = %consent_id))]
pub async fn get(
    state: web::Data<AppState>,
    request: VerifiedUri<FromFiuOrFip>,
    consent_id: web::Path<String>,
) -> Result<HttpResponse, RebitError> {
    artefact_for(
        &state,
        &request.caller,
        &consent_id,
        "1.1.2",
        &request.txnid,
    )
    .await
}
