//! `POST /app/consents` `{"customer": "9999999999@AA-1", "template": "wealth-monthly"}`: asks
//! the customer's AA for a consent on the template's terms ([`crate::flows::consent_request`])
//! and answers `{"consentHandle", "status": "PENDING"}` with 201 Created.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::flows::consent_request;
use crate::routes::app::auth::AppCaller;
use crate::routes::app::error::AppError;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct CreateConsent {
    pub customer: String,
    pub template: String,
}

pub async fn create(
    _: AppCaller,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let body: CreateConsent = serde_json::from_slice(&body).map_err(|e| {
        AppError::bad_request(
            "invalid_request",
            format!("body must be {{\"customer\", \"template\"}}: {e}"),
        )
    })?;
    let handle = consent_request::request(&state, &body.customer, &body.template).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/app/consents/{handle}")))
        .json(serde_json::json!({ "consentHandle": handle, "status": "PENDING" })))
}
