//! Response signing: middleware (for `actix_web::middleware::from_fn`) that signs the exact
//! bytes of every response with the service's key and sets `x-jws-signature`. Error bodies are
//! signed like any other, so a caller can always tell who answered.

use std::sync::Arc;

use actix_web::body::{to_bytes, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;

use super::JWS_HEADER;
use aa_core::jws::{detached, SigningKey};

/// The key responses are signed with; register it with `App::app_data(web::Data::new(...))`.
#[derive(Debug, Clone)]
pub struct ResponseSigner(pub Arc<SigningKey>);

/// Signs every response body. Mount with
/// `.wrap(actix_web::middleware::from_fn(aa_runtime::http::sign_responses))`.
pub async fn sign_responses(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let signer = req.app_data::<web::Data<ResponseSigner>>().cloned();
    let response = next.call(req).await?;
    let Some(signer) = signer else {
        return Ok(response.map_into_boxed_body());
    };
    let (request, response) = response.into_parts();
    let (mut response, body) = response.into_parts();
    let bytes = match to_bytes(body).await {
        Ok(bytes) => bytes,
        Err(_) => {
            tracing::error!("response body could not be collected for signing");
            return Err(actix_web::error::ErrorInternalServerError("internal error"));
        }
    };
    let signature = detached::sign(&signer.0, &bytes);
    if let Ok(value) = HeaderValue::from_str(&signature) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(JWS_HEADER), value);
    }
    let response = response.set_body(bytes).map_into_boxed_body();
    Ok(ServiceResponse::new(request, response))
}
