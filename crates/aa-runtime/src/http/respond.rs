//! The ReBIT answer boundary: middleware (for `actix_web::middleware::from_fn`) that echoes the
//! request's `ver` and `txnid` into every ReBIT error answer, then signs the exact bytes of
//! every response with the service's key and sets `x-jws-signature`. Error bodies are signed
//! like any other, so a caller can always tell who answered.
//!
//! It fails closed: without a registered [`ResponseSigner`] it answers 500 "internal error",
//! never an unsigned body. Services mount it through [`super::scope::RebitScope`], which cannot
//! be built without a signer.

use std::sync::Arc;

use actix_web::body::{to_bytes, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, ResponseError};

use super::error::Echo;
use super::{RebitError, JWS_HEADER};
use aa_core::jws::{detached, SigningKey};

/// The key responses are signed with; register it with `App::app_data(web::Data::new(...))`.
#[derive(Debug, Clone)]
pub struct ResponseSigner(pub Arc<SigningKey>);

/// Echoes and signs every response body. Mount with
/// `.wrap(actix_web::middleware::from_fn(aa_runtime::http::sign_responses))`, or better through
/// [`super::scope::RebitScope`].
pub async fn sign_responses(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(signer) = req.app_data::<web::Data<ResponseSigner>>().cloned() else {
        let error = RebitError::internal(&"a ReBIT route runs without a response signer");
        let response = error.error_response();
        return Ok(req.into_response(response));
    };
    let response = next.call(req).await?;
    let echoed = echoed_error(&response);
    let (request, response) = response.into_parts();
    let (mut response, body) = response.into_parts();
    let bytes = match echoed {
        Some(bytes) => bytes,
        None => match to_bytes(body).await {
            Ok(bytes) => bytes,
            Err(_) => {
                tracing::error!("response body could not be collected for signing");
                return Err(actix_web::error::ErrorInternalServerError("internal error"));
            }
        },
    };
    let signature = crate::metrics::time("jws_sign", || detached::sign(&signer.0, &bytes));
    if let Ok(value) = HeaderValue::from_str(&signature) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(JWS_HEADER), value);
    }
    let response = response.set_body(bytes).map_into_boxed_body();
    Ok(ServiceResponse::new(request, response))
}

/// The body of a ReBIT error answer with the request's `ver` and `txnid` filled in, when the
/// response is one. The error was logged when its response was built; this only re-renders it.
fn echoed_error<B>(response: &ServiceResponse<B>) -> Option<web::Bytes> {
    let error = response.response().error()?.as_error::<RebitError>()?;
    let echo = response
        .request()
        .extensions()
        .get::<Echo>()
        .cloned()
        .unwrap_or_default();
    let body = error.clone().echo_missing(&echo).body();
    serde_json::to_vec(&body).ok().map(web::Bytes::from)
}
