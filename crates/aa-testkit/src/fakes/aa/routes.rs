//! The fake AA's handlers: the FIU-facing consent and FI routes, the FIP-facing
//! notifications, and the middleware that re-signs chosen answers with the wrong key.

use std::sync::{Arc, Mutex};

use aa_core::jws::{compact, detached};
use aa_core::rebit::{
    AccountLinkStatusNotification, ConsentFetchRequest, ConsentHandleRequest, ConsentsRequest,
    ErrorCode, FiFetchRequest, FiRequest, FiStatusNotification, NotificationResponse,
};
use aa_core::registry::Role;
use aa_core::timefmt;
use aa_runtime::http::{RebitError, Verified};
use actix_web::body::{to_bytes, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

use super::{AaInbox, FakeAa, FiSession, State};

/// Outermost middleware: re-signs the answers of the paths of [`FakeAa::sign_badly`] with
/// the wrong key.
pub(crate) async fn resign_badly(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let fake = req.app_data::<web::Data<FakeAa>>().cloned();
    let path = req.path().to_owned();
    let response = next.call(req).await?;
    let Some(fake) = fake.filter(|f| f.state().badly_signed.contains(&path)) else {
        return Ok(response.map_into_boxed_body());
    };
    let (request, response) = response.into_parts();
    let (mut response, body) = response.into_parts();
    let bytes = to_bytes(body)
        .await
        .map_err(|_| actix_web::error::ErrorInternalServerError("body"))?;
    let signature = detached::sign(&fake.wrong_key, &bytes);
    response.headers_mut().insert(
        HeaderName::from_static("x-jws-signature"),
        HeaderValue::from_str(&signature).unwrap(),
    );
    let response = response.set_body(bytes).map_into_boxed_body();
    Ok(ServiceResponse::new(request, response))
}

fn fail(code: ErrorCode, message: &str, ver: &str, txnid: &str) -> RebitError {
    RebitError::new(code, message).echo(Some(ver), Some(txnid))
}

pub(crate) async fn consent(
    request: Verified<ConsentsRequest>,
    fake: web::Data<FakeAa>,
) -> Result<HttpResponse, RebitError> {
    request.caller.require_role(&[Role::Fiu])?;
    let body = request.body;
    let customer = body.consent_detail.customer.id.clone().unwrap_or_default();
    if customer.starts_with("0000") {
        return Err(fail(
            ErrorCode::InvalidCustomerAddress,
            "no such customer",
            &body.ver,
            &body.txnid,
        ));
    }
    let handle = uuid::Uuid::new_v4().to_string();
    let mut state = fake.state();
    state
        .requests
        .push((request.caller.entity_id.clone(), body.clone()));
    state.consents.insert(handle.clone(), body.clone());
    Ok(HttpResponse::Ok().json(json!({
        "ver": body.ver,
        "timestamp": timefmt::now_millis(),
        "txnid": body.txnid,
        "Customer": {"id": customer},
        "ConsentHandle": handle,
    })))
}

pub(crate) async fn consent_handle(
    request: Verified<ConsentHandleRequest>,
    fake: web::Data<FakeAa>,
) -> Result<HttpResponse, RebitError> {
    let body = request.body;
    let state = fake.state();
    if !state.consents.contains_key(&body.consent_handle) {
        return Err(fail(
            ErrorCode::InvalidConsentHandle,
            "unknown handle",
            &body.ver,
            &body.txnid,
        ));
    }
    let status = match state.approvals.get(&body.consent_handle) {
        Some(ids) => json!({"id": ids[0], "status": "READY"}),
        None => json!({"status": "PENDING"}),
    };
    Ok(HttpResponse::Ok().json(json!({
        "ver": body.ver,
        "timestamp": timefmt::now_millis(),
        "txnid": body.txnid,
        "ConsentHandle": body.consent_handle,
        "ConsentStatus": status,
    })))
}

pub(crate) async fn consent_fetch(
    request: Verified<ConsentFetchRequest>,
    fake: web::Data<FakeAa>,
) -> Result<HttpResponse, RebitError> {
    request.caller.require_role(&[Role::Fiu])?;
    let body = request.body;
    let mut state = fake.state();
    state.fetches += 1;
    if state.failing_fetches > 0 {
        state.failing_fetches -= 1;
        return Err(fail(
            ErrorCode::ServiceUnavailable,
            "try later",
            &body.ver,
            &body.txnid,
        ));
    }
    let Some(approved) = state.artefacts.get(&body.consent_id) else {
        return Err(fail(
            ErrorCode::InvalidConsentId,
            "unknown consent",
            &body.ver,
            &body.txnid,
        ));
    };
    let asked = &state.consents[&approved.handle].consent_detail;
    let mut detail = serde_json::to_value(asked).unwrap();
    detail["Customer"] = json!({"id": asked.customer.id});
    detail["DataProvider"] = json!({"id": approved.fip_id, "type": "FIP"});
    detail["Accounts"] = approved
        .accounts
        .iter()
        .map(|(link, masked, fi_type)| {
            json!({
                "fiType": fi_type, "fipId": approved.fip_id, "accType": "SAVINGS",
                "linkRefNumber": link, "maskedAccNumber": masked
            })
        })
        .collect();
    if let Some(tamper) = &state.tamper {
        tamper(&mut detail);
    }
    let key = state.artefact_key.as_ref().unwrap_or(&fake.aa_key);
    let signed = compact::sign(key, &serde_json::to_vec(&detail).unwrap());
    if let Some(approved) = state.artefacts.get_mut(&body.consent_id) {
        approved.signed = Some(signed.clone());
    }
    Ok(HttpResponse::Ok().json(json!({
        "ver": body.ver,
        "txnid": body.txnid,
        "consentId": body.consent_id,
        "status": "ACTIVE",
        "createTimestamp": timefmt::now_millis(),
        "signedConsent": signed,
        "ConsentUse": {"logUri": "mailto:consent-log@aa-1.example", "count": 0, "lastUseDateTime": timefmt::now_millis()},
    })))
}

pub(crate) async fn fi_request(
    request: Verified<FiRequest>,
    fake: web::Data<FakeAa>,
) -> Result<HttpResponse, RebitError> {
    request.caller.require_role(&[Role::Fiu])?;
    let body = request.body;
    let mut state = fake.state();
    let Some(approved) = state.artefacts.get(&body.consent.id) else {
        return Err(fail(
            ErrorCode::InvalidConsentId,
            "unknown consent",
            &body.ver,
            &body.txnid,
        ));
    };
    let expected = approved
        .signed
        .as_deref()
        .and_then(|jws| jws.rsplit('.').next())
        .unwrap_or_default();
    if body.consent.digital_signature != expected {
        return Err(fail(
            ErrorCode::SignatureDoesNotMatch,
            "digitalSignature is not the consent's",
            &body.ver,
            &body.txnid,
        ));
    }
    let session_id = uuid::Uuid::new_v4().to_string();
    state.fi_sessions.push(FiSession {
        session_id: session_id.clone(),
        request: body.clone(),
    });
    Ok(HttpResponse::Ok().json(json!({
        "ver": body.ver,
        "timestamp": timefmt::now_millis(),
        "txnid": body.txnid,
        "consentId": body.consent.id,
        "sessionId": session_id,
    })))
}

/// The `FI` answer for a session, or the refusal.
fn fi_answer(state: &State, session_id: &str, ver: &str, txnid: &str) -> Result<Value, RebitError> {
    if state.refused_fetches.iter().any(|s| s == session_id)
        || !state.fi_sessions.iter().any(|s| s.session_id == session_id)
    {
        return Err(fail(
            ErrorCode::InvalidSessionId,
            "no such session",
            ver,
            txnid,
        ));
    }
    // As the AA does while the FIP is still preparing the data: 404 NoDataFound.
    let Some(fi) = state.fi_data.get(session_id).cloned() else {
        return Err(fail(
            ErrorCode::NoDataFound,
            "the data is not ready",
            ver,
            txnid,
        ));
    };
    Ok(json!({
        "ver": ver,
        "timestamp": timefmt::now_millis(),
        "txnid": txnid,
        "FI": fi,
    }))
}

pub(crate) async fn fi_fetch(
    request: Verified<FiFetchRequest>,
    fake: web::Data<FakeAa>,
) -> Result<HttpResponse, RebitError> {
    request.caller.require_role(&[Role::Fiu])?;
    let body = request.body;
    let held = {
        let mut state = fake.state();
        if state.no_post_fetch {
            return Ok(HttpResponse::NotFound().finish());
        }
        state.fi_fetch_posts += 1;
        state.hold_fetches
    };
    if held {
        fake.fetch_gate.acquire().await.unwrap().forget();
    }
    let answer = fi_answer(&fake.state(), &body.session_id, &body.ver, &body.txnid)?;
    Ok(HttpResponse::Ok().json(answer))
}

/// The 1.1.x GET: the fake only checks a signature header is there.
pub(crate) async fn fi_fetch_get(
    req: actix_web::HttpRequest,
    session: web::Path<String>,
    fake: web::Data<FakeAa>,
) -> Result<HttpResponse, RebitError> {
    let txnid = uuid::Uuid::new_v4().to_string();
    if req.headers().get("x-jws-signature").is_none() {
        return Err(fail(
            ErrorCode::SignatureDoesNotMatch,
            "unsigned",
            "1.1.2",
            &txnid,
        ));
    }
    let mut state = fake.state();
    state.fi_fetch_gets += 1;
    let answer = fi_answer(&state, &session, "1.1.2", &txnid)?;
    Ok(HttpResponse::Ok().json(answer))
}

pub(crate) async fn link_notification(
    request: Verified<AccountLinkStatusNotification>,
    inbox: web::Data<Arc<Mutex<AaInbox>>>,
) -> Result<HttpResponse, RebitError> {
    let mut inbox = inbox.lock().unwrap();
    if inbox.refused < inbox.to_refuse {
        inbox.refused += 1;
        return Err(RebitError::new(ErrorCode::ServiceUnavailable, "try later"));
    }
    assert_eq!(request.caller.entity_id, "FIP-1");
    inbox
        .notifications
        .push(serde_json::from_slice(&request.raw).unwrap());
    Ok(HttpResponse::Ok().json(NotificationResponse {
        ver: request.body.ver.clone(),
        timestamp: timefmt::now_millis(),
        txnid: request.body.txnid.clone(),
        response: "OK".to_owned(),
    }))
}

pub(crate) async fn fi_notification(
    request: Verified<FiStatusNotification>,
    inbox: web::Data<Arc<Mutex<AaInbox>>>,
) -> Result<HttpResponse, RebitError> {
    assert_eq!(request.caller.entity_id, "FIP-1");
    inbox
        .lock()
        .unwrap()
        .fi_notifications
        .push(serde_json::from_slice(&request.raw).unwrap());
    Ok(HttpResponse::Ok().json(NotificationResponse {
        ver: request.body.ver.clone(),
        timestamp: timefmt::now_millis(),
        txnid: request.body.txnid.clone(),
        response: "OK".to_owned(),
    }))
}
