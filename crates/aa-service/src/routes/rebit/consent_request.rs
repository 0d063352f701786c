//! `POST /Consent` (FIU): a consent request for one of this AA's customers. Answers a new
//! consent handle, PENDING until the customer decides in the AA. Served once per (FIU, txnid)
//! by `aa_runtime::idempotency` (`Endpoint::Consent`): the same txnid and body again gets the
//! stored answer (the same handle), another body 409 `IdempotencyError`, one in flight 503; the
//! request and its answer commit together. Customers need not be registered yet: the request
//! waits for them.

use aa_core::rebit::{ConsentsRequest, ConsentsResponse, CustomerRef, ErrorCode};
use aa_runtime::http::{FromFiu, RebitError, Verified};
use aa_runtime::idempotency::Endpoint;
use actix_web::{web, HttpResponse};

use super::{envelope, internal};
use crate::domain::consent_terms::ConsentTerms;
use crate::domain::status::RequestStatus;
use crate::persistence::records::ConsentRequestRecord;
use crate::state::{AppState, Claimed};

#[tracing::instrument(name = "POST /Consent", skip_all, fields(txn.id = %request.body.txnid, peer.id = %request.caller.entity_id, consent.handle))]
pub async fn create(
    state: web::Data<AppState>,
    request: Verified<ConsentsRequest, FromFiu>,
) -> Result<HttpResponse, RebitError> {
    let body = &request.body;
    let version = envelope(&state, &body.ver, &body.timestamp, &body.txnid)?;
    let fiu = &request.caller.entity_id;
    let now = state.now();
    let terms = ConsentTerms::parse(body.consent_detail.clone(), fiu, state.aa_id(), now)?;
    let detail = serde_json::to_string(&terms.detail).map_err(|e| RebitError::internal(&e))?;
    let customer = terms.customer.to_string();
    let mut claim = match state
        .claim(
            &request.caller,
            Endpoint::Consent,
            &body.txnid,
            &request.raw,
        )
        .await?
    {
        Claimed::Fresh(claim) => claim,
        Claimed::Answered(answer) => return Ok(answer),
    };
    let result = async {
        // Kept for good by the request itself, past the idempotency key's day.
        if state
            .store
            .consent_request_by_txnid(fiu, &body.txnid)
            .await
            .map_err(internal)?
            .is_some()
        {
            return Err(RebitError::new(
                ErrorCode::IdempotencyError,
                "txnid was used for another consent request",
            ));
        }
        let handle = uuid::Uuid::new_v4().to_string();
        let record = ConsentRequestRecord {
            handle: handle.clone(),
            fiu_id: fiu.clone(),
            customer_handle: customer.clone(),
            txnid: body.txnid.clone(),
            detail,
            status: RequestStatus::Pending,
            created_at: aa_runtime::clock::millis(now),
        };
        state
            .store
            .insert_consent_request(claim.transaction().await?, &record)
            .await
            .map_err(internal)?;
        tracing::Span::current().record("consent.handle", handle.as_str());
        tracing::info!("consent requested");
        Ok(ConsentsResponse {
            ver: version.as_str().to_owned(),
            timestamp: state.timestamp(),
            txnid: body.txnid.clone(),
            customer: CustomerRef { id: customer },
            consent_handle: handle,
        })
    }
    .await;
    claim.finish(result).await
}
