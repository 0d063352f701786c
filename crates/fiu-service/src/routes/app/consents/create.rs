//! `POST /app/consents` `{"customer": "9999999999@AA-1", "template": "wealth-monthly",
//! "returnTo"?: "https://lender.example/after"}`: asks the customer's AA for a consent on the
//! template's terms ([`crate::flows::consent_request`]) and answers `{"consentHandle", "status":
//! "PENDING", "redirectUrl"}` with 201 Created; `redirectUrl` is the link to the AA's consent
//! manager ([`crate::flows::redirection`]), `null` when redirection to that AA is not set up.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::flows::{consent_request, redirection};
use crate::routes::app::auth::AppCaller;
use crate::routes::app::error::AppError;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct CreateConsent {
    pub customer: String,
    pub template: String,
    /// Where the browser goes after the AA's consent manager sends it back.
    #[serde(default, rename = "returnTo")]
    pub return_to: Option<String>,
}

pub async fn create(
    _: AppCaller,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let body: CreateConsent = serde_json::from_slice(&body).map_err(|e| {
        AppError::bad_request(
            "invalid_request",
            format!("body must be {{\"customer\", \"template\", \"returnTo\"?}}: {e}"),
        )
    })?;
    redirection::check_return_to(body.return_to.as_deref())?;
    let handle = consent_request::request(&state, &body.customer, &body.template).await?;
    let request = crate::flows::known_consent(&state, &handle).await?;
    let link = redirection::link(
        &state,
        &handle,
        &request.aa_id,
        &request.customer,
        body.return_to.as_deref(),
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/app/consents/{handle}")))
        .json(serde_json::json!({
            "consentHandle": handle,
            "status": "PENDING",
            "redirectUrl": link,
        })))
}
