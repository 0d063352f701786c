//! The fake AA's answer tampering: a successful JSON answer of a chosen route is changed by the
//! test's closure before it is signed (so the signature verifies), as an AA that answers with
//! a wrong `ver`, `txnid`, customer or KeyMaterial would.

use actix_web::body::{to_bytes, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderValue, CONTENT_LENGTH};
use actix_web::middleware::Next;
use actix_web::web;
use serde_json::Value;

use super::FakeAa;

/// Innermost middleware (inside `sign_responses`): applies [`FakeAa::alter_answers`].
pub(crate) async fn alter_answers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let fake = req.app_data::<web::Data<FakeAa>>().cloned();
    let path = req.path().to_owned();
    let response = next.call(req).await?;
    let Some(fake) = fake.filter(|f| f.state().alterations.contains_key(&path)) else {
        return Ok(response.map_into_boxed_body());
    };
    if !response.status().is_success() {
        return Ok(response.map_into_boxed_body());
    }
    let (request, response) = response.into_parts();
    let (mut response, body) = response.into_parts();
    let bytes = to_bytes(body)
        .await
        .map_err(|_| actix_web::error::ErrorInternalServerError("body"))?;
    let mut value: Value = serde_json::from_slice(&bytes)
        .map_err(|_| actix_web::error::ErrorInternalServerError("not JSON"))?;
    if let Some(change) = fake.state().alterations.get(&path) {
        change(&mut value);
    }
    let bytes = serde_json::to_vec(&value).unwrap();
    response.headers_mut().insert(
        CONTENT_LENGTH,
        HeaderValue::from_str(&bytes.len().to_string()).unwrap(),
    );
    let response = response.set_body(bytes).map_into_boxed_body();
    Ok(ServiceResponse::new(request, response))
}
