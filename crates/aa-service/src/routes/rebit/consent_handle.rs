//! `POST /Consent/handle` (2.0.0) and `GET /Consent/handle/{handle}` (1.1.x), FIU only: where
//! a consent request stands. PENDING; READY with a consent id once approved; FAILED once
//! rejected. Only the FIU that made the request may ask (`InvalidConsentHandle` otherwise).
//!
//! `ConsentStatus` has room for one id while the AA signs one artefact per FIP: READY carries
//! the first consent id (by FIP id); every id reaches the FIU in its own ACTIVE notification.

use aa_core::rebit::{ConsentHandleRequest, ConsentHandleResponse, ConsentHandleState, ErrorCode};
use aa_runtime::http::{FromFiu, RebitError, Verified, VerifiedUri};
use actix_web::{web, HttpResponse};

use super::{envelope, internal, uuid_field};
use crate::domain::status::RequestStatus;
use crate::state::AppState;

fn invalid_handle() -> RebitError {
    RebitError::new(ErrorCode::InvalidConsentHandle, "unknown consent handle")
}

/// The state of `handle` as the FIU `fiu` may see it.
async fn state_of(
    state: &AppState,
    fiu: &str,
    handle: &str,
) -> Result<ConsentHandleState, RebitError> {
    let handle = uuid_field("ConsentHandle", handle)?;
    let record = state
        .store
        .consent_request(handle)
        .await
        .map_err(internal)?
        .filter(|r| r.fiu_id == fiu)
        .ok_or_else(invalid_handle)?;
    let id = if record.status == RequestStatus::Active {
        state
            .store
            .artefacts_for(handle)
            .await
            .map_err(internal)?
            .into_iter()
            .next()
            .map(|a| a.consent_id)
    } else {
        None
    };
    Ok(ConsentHandleState {
        id,
        status: record.status.handle_status(),
    })
}

#[tracing::instrument(name = "POST /Consent/handle", skip_all, fields(txn.id = %request.body.txnid, peer.id = %request.caller.entity_id, consent.handle = %request.body.consent_handle))]
pub async fn post(
    state: web::Data<AppState>,
    request: Verified<ConsentHandleRequest, FromFiu>,
) -> Result<HttpResponse, RebitError> {
    let body = request.body;
    let version = envelope(&state, &body.ver, &body.timestamp, &body.txnid)?;
    let status = state_of(&state, &request.caller.entity_id, &body.consent_handle).await?;
    Ok(HttpResponse::Ok().json(ConsentHandleResponse {
        ver: version.as_str().to_owned(),
        timestamp: state.timestamp(),
        txnid: body.txnid.clone(),
        consent_handle: body.consent_handle.trim().to_owned(),
        consent_status: status,
    }))
}

/// The 1.1.x form: no body, so the answer carries `ver` 1.1.2 and a fresh `txnid`
/// (`VerifiedUri::txnid`, which error answers echo too).
#[tracing::instrument(name = "GET /Consent/handle", skip_all, fields(peer.id = %request.caller.entity_id, consent.handle = %handle))]
pub async fn get(
    state: web::Data<AppState>,
    request: VerifiedUri<FromFiu>,
    handle: web::Path<String>,
) -> Result<HttpResponse, RebitError> {
    let status = state_of(&state, &request.caller.entity_id, &handle).await?;
    Ok(HttpResponse::Ok().json(ConsentHandleResponse {
        ver: "1.1.2".to_owned(),
        timestamp: state.timestamp(),
        txnid: request.txnid.clone(),
        consent_handle: handle.trim().to_owned(),
        consent_status: status,
    }))
}
