//! `POST /Consent` (FIU): a consent request for one of this AA's customers. Answers a new
//! consent handle, PENDING until the customer decides in the AA. A repeated request (same FIU,
//! same `txnid`, same terms) answers the same handle; same `txnid` with other terms is 409
//! `IdempotencyError`. Customers need not be registered yet: the request waits for them.

use aa_core::rebit::{ConsentsRequest, ConsentsResponse, CustomerRef, ErrorCode};
use aa_core::timefmt;
use aa_runtime::http::{FromFiu, RebitError, Verified};
use actix_web::{web, HttpResponse};
use time::OffsetDateTime;

use super::{envelope, internal};
use crate::domain::consent_terms::ConsentTerms;
use crate::domain::status::RequestStatus;
use crate::persistence::records::ConsentRequestRecord;
use crate::state::AppState;
use aa_runtime::clock::millis;

#[tracing::instrument(name = "POST /Consent", skip_all, fields(txn.id = %request.body.txnid, peer.id = %request.caller.entity_id, consent.handle))]
pub async fn create(
    state: web::Data<AppState>,
    request: Verified<ConsentsRequest, FromFiu>,
) -> Result<HttpResponse, RebitError> {
    let body = request.body;
    let version = envelope(&body.ver, &body.timestamp, &body.txnid)?;
    let fiu = request.caller.entity_id;
    let now = OffsetDateTime::now_utc();
    let terms = ConsentTerms::parse(body.consent_detail.clone(), &fiu, state.aa_id(), now)?;
    let detail = serde_json::to_string(&terms.detail).map_err(|e| RebitError::internal(&e))?;
    let customer = terms.customer.to_string();
    let handle = match state
        .store
        .consent_request_by_txnid(&fiu, &body.txnid)
        .await
        .map_err(internal)?
    {
        Some(existing) if existing.detail == detail => existing.handle,
        Some(_) => {
            return Err(RebitError::new(
                ErrorCode::IdempotencyError,
                "txnid was used for another consent request",
            ))
        }
        None => {
            let handle = uuid::Uuid::new_v4().to_string();
            state
                .store
                .insert_consent_request(&ConsentRequestRecord {
                    handle: handle.clone(),
                    fiu_id: fiu.clone(),
                    customer_handle: customer.clone(),
                    txnid: body.txnid.clone(),
                    detail,
                    status: RequestStatus::Pending,
                    created_at: millis(now),
                })
                .await
                .map_err(internal)?;
            handle
        }
    };
    tracing::Span::current().record("consent.handle", handle.as_str());
    tracing::info!("consent requested");
    Ok(HttpResponse::Ok().json(ConsentsResponse {
        ver: version.as_str().to_owned(),
        timestamp: timefmt::format_millis(now),
        txnid: body.txnid.clone(),
        customer: CustomerRef { id: customer },
        consent_handle: handle,
    }))
}
