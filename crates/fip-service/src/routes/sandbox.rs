//! `GET /sandbox/otp/{ref}`: the latest OTP of a link request, unauthenticated, so that
//! scripts and demos can finish linking. Mounted only with `otp.sandbox_endpoint: true`, which
//! start-up refuses in production.

use actix_web::{web, HttpResponse};

use crate::sandbox_otps::SandboxOtps;

pub async fn otp(path: web::Path<String>, sandbox: web::Data<SandboxOtps>) -> HttpResponse {
    let reference = path.into_inner();
    match sandbox.get(&reference) {
        Some(otp) => HttpResponse::Ok().json(serde_json::json!({ "ref": reference, "otp": otp })),
        None => HttpResponse::NotFound().json(serde_json::json!({
            "error": "NotFound",
            "message": "no OTP was sent for this reference",
        })),
    }
}
