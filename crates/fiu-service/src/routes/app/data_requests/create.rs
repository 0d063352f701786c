//! `POST /app/consents/{handle}/data-requests` with an optional body `{"from", "to"}`
//! (RFC 3339; default: each consent's whole `FIDataRange`): one session per `ACTIVE`, verified
//! artefact of the handle ([`crate::flows::data_request`]; its `sessionId` appears once the AA
//! answered). 201 with the request; 404 unknown handle; 409 `consent_not_active`
//! when no artefact is `ACTIVE` and verified; 400 `invalid_request` / `invalid_range`.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use crate::domain::data_request::Range;
use crate::flows::data_request;
use crate::routes::app::auth::AppCaller;
use crate::routes::app::error::AppError;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    from: String,
    to: String,
}

/// The range of the body, if there is one.
fn range(body: &[u8]) -> Result<Option<Range>, AppError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let body: Body = serde_json::from_slice(body).map_err(|_| {
        AppError::bad_request(
            "invalid_request",
            "the body is optional; when present it is {\"from\": RFC 3339, \"to\": RFC 3339}",
        )
    })?;
    Range::parse(&body.from, &body.to)
        .map(Some)
        .map_err(|e| AppError::bad_request("invalid_range", e.to_string()))
}

pub async fn create(
    _: AppCaller,
    state: web::Data<AppState>,
    handle: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let asked = range(&body)?;
    let queued = data_request::create(&state, &handle, asked).await?;
    let sessions: Vec<_> = queued
        .sessions
        .iter()
        .map(|s| {
            json!({
                "fipId": s.plan.fip_id,
                "consentId": s.consent_id,
                "sessionId": null,
                "status": "PENDING",
            })
        })
        .collect();
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/app/data-requests/{}", queued.id),
        ))
        .json(json!({
            "requestId": queued.id,
            "consentHandle": handle.as_str(),
            "status": "PENDING",
            "sessions": sessions,
        })))
}
