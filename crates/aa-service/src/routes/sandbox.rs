//! `GET /sandbox/otp/{ref}`: the clear login OTP, for scripts and demos. Mounted only with
//! `otp.sandbox_endpoint: true` (refused in production); unauthenticated by design.

use actix_web::{web, HttpResponse};

use super::app::error::CustomerError;
use crate::state::AppState;

pub async fn otp(
    state: web::Data<AppState>,
    otp_ref: web::Path<String>,
) -> Result<HttpResponse, CustomerError> {
    let otp_ref = otp_ref.into_inner();
    match state.store.sandbox_code(&otp_ref).await? {
        Some(code) => {
            Ok(HttpResponse::Ok().json(serde_json::json!({ "ref": otp_ref, "otp": code })))
        }
        None => Err(CustomerError::not_found(
            "no unused OTP with this reference",
        )),
    }
}
