//! `GET /app/consents`: the latest consent requests, newest first (at most 100).

use actix_web::{web, HttpResponse};
use serde_json::Value;

use super::view;
use crate::routes::app::auth::AppCaller;
use crate::routes::app::error::AppError;
use crate::state::AppState;

pub async fn list(_: AppCaller, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let requests = state
        .store
        .consent_requests(100)
        .await
        .map_err(|e| AppError::internal(&e))?;
    let body: Vec<Value> = requests.iter().map(view::summary).collect();
    Ok(HttpResponse::Ok().json(body))
}
