//! `GET /health/live` (the process answers) and `GET /health/ready` (the database answers).
//! `GET /Heartbeat` is `aa_runtime::http::ops::heartbeat`, mounted in the signed scope.

use actix_web::{web, HttpResponse};

use crate::state::AppState;

pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    match state.store.ping().await {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({ "status": "UP" })),
        Err(error) => {
            tracing::error!(%error, "readiness check failed");
            HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "DOWN" }))
        }
    }
}
