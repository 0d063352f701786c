//! `POST /customer/otp {"handle"}` -> `{"otpRef"}`: a login OTP for the handle's mobile,
//! handed to `otp.delivery` (the log in local and sandbox set-ups, an SMS gateway through the
//! queue in production) and, with the sandbox on, readable at `GET /sandbox/otp/{ref}`. Sends
//! are rate limited per handle and per client address (429 with `Retry-After`).

use aa_runtime::otp_delivery::OtpMessage;
use aa_runtime::rate_limit::Action;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::error::CustomerError;
use super::views::limited_handle;
use crate::persistence::records::NewOtpRecord;
use crate::state::AppState;
use aa_runtime::clock::millis;

#[derive(Debug, Deserialize)]
pub struct OtpRequest {
    pub handle: String,
}

#[tracing::instrument(name = "customer otp", skip_all)]
pub async fn request(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<OtpRequest>,
) -> Result<HttpResponse, CustomerError> {
    let otp_ref = send(&req, &state, &body.handle).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "otpRef": otp_ref })))
}

/// Sends a login OTP to `handle`'s mobile (rate limited); its reference. The customer API's
/// and the consent manager's log-in both start here.
pub async fn send(
    req: &HttpRequest,
    state: &AppState,
    handle: &str,
) -> Result<String, CustomerError> {
    let handle = limited_handle(req, state, handle, Action::OtpSend).await?;
    let pepper = state.auth.pepper.expose().as_bytes();
    let otp = aa_core::otp::generate(pepper).map_err(|e| CustomerError::internal(&e))?;
    let now = state.now();
    let otp_ref = uuid::Uuid::new_v4().to_string();
    let expires_at = millis(now + state.auth.otp_ttl);
    state
        .store
        .insert_otp(NewOtpRecord {
            otp_ref: otp_ref.clone(),
            handle: handle.to_string(),
            code_hash: otp.hash.clone(),
            sandbox_code: state.auth.otp_sandbox.then(|| otp.code.clone()),
            created_at: millis(now),
            expires_at,
        })
        .await?;
    let message = OtpMessage {
        reference: otp_ref.clone(),
        recipient: handle.mobile().to_owned(),
        code: otp.code.clone(),
        expires_at_ms: expires_at,
    };
    state
        .auth
        .otp_delivery
        .send(&message)
        .await
        .map_err(|e| CustomerError::internal(&e))?;
    Ok(otp_ref)
}
