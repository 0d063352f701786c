//! `POST /customer/otp {"handle"}` -> `{"otpRef"}`: a login OTP for the handle's mobile. The
//! code is delivered to the log (`otp.ref`, `otp.code`: the documented local delivery) and,
//! with the sandbox on, to `GET /sandbox/otp/{ref}`.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::error::CustomerError;
use crate::domain::handle::CustomerHandle;
use crate::persistence::records::NewOtpRecord;
use crate::state::AppState;
use aa_runtime::clock::millis;

#[derive(Debug, Deserialize)]
pub struct OtpRequest {
    pub handle: String,
}

#[tracing::instrument(name = "customer otp", skip_all)]
pub async fn request(
    state: web::Data<AppState>,
    body: web::Json<OtpRequest>,
) -> Result<HttpResponse, CustomerError> {
    let handle = CustomerHandle::parse(&body.handle, state.aa_id())
        .map_err(|e| CustomerError::bad_request("invalid_handle", e.to_string()))?;
    let pepper = state.auth.pepper.expose().as_bytes();
    let otp = aa_core::otp::generate(pepper).map_err(|e| CustomerError::internal(&e))?;
    let now = state.now();
    let otp_ref = uuid::Uuid::new_v4().to_string();
    state
        .store
        .insert_otp(NewOtpRecord {
            otp_ref: otp_ref.clone(),
            handle: handle.to_string(),
            code_hash: otp.hash.clone(),
            sandbox_code: state.auth.otp_sandbox.then(|| otp.code.clone()),
            created_at: millis(now),
            expires_at: millis(now + state.auth.otp_ttl),
        })
        .await?;
    // The documented local delivery of the OTP (docs/SERVICES.md, "OTP delivery").
    tracing::info!("otp.ref" = %otp_ref, otp.code = %otp.code, "login OTP for the customer's mobile");
    Ok(HttpResponse::Ok().json(serde_json::json!({ "otpRef": otp_ref })))
}
