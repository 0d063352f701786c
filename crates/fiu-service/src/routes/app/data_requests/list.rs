//! `GET /app/consents/{handle}/data-requests`: the handle's data requests, newest first,
//! `{"dataRequests": [{"requestId", "status", "trigger", "createdAt"}]}`; 404 unknown handle.

use aa_core::timefmt;
use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::domain::data_request::request_status;
use crate::flows::known_consent;
use crate::routes::app::auth::AppCaller;
use crate::routes::app::error::AppError;
use crate::state::AppState;

#[tracing::instrument(name = "list_data_requests", skip_all, fields(consent.handle = %handle))]
pub async fn list(
    _: AppCaller,
    state: web::Data<AppState>,
    handle: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    known_consent(&state, &handle).await?;
    let requests = state
        .store
        .data_requests(&handle)
        .await
        .map_err(|e| AppError::internal(&e))?;
    let list: Vec<_> = requests
        .iter()
        .map(|(request, sessions)| {
            json!({
                "requestId": request.id,
                "status": request_status(sessions),
                "trigger": request.trigger,
                "createdAt": timefmt::format_millis(request.created_at),
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "dataRequests": list })))
}
