//! `GET /app/consents/{handle}/data-requests`: the handle's data requests, newest first,
//! `{"dataRequests": [{"requestId", "status", "trigger", "createdAt"}]}`; 404 unknown handle.

use aa_core::timefmt;
use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::clients::aa::MAX_ID_LEN;
use crate::domain::data_request::request_status;
use crate::routes::app::auth::AppCaller;
use crate::routes::app::error::AppError;
use crate::state::AppState;

#[tracing::instrument(name = "list_data_requests", skip_all, fields(consent.handle = %handle))]
pub async fn list(
    _: AppCaller,
    state: web::Data<AppState>,
    handle: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let handle = handle.into_inner();
    let not_found = || AppError::not_found(format!("no consent request with handle {handle:?}"));
    if handle.len() > MAX_ID_LEN {
        return Err(not_found());
    }
    let internal = |e: crate::persistence::StoreError| AppError::internal(&e);
    state
        .store
        .consent_request(&handle)
        .await
        .map_err(internal)?
        .ok_or_else(not_found)?;
    let requests = state.store.data_requests(&handle).await.map_err(internal)?;
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
