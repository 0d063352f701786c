//! `GET /health/ready`: the service can serve, meaning its database answers.

use actix_web::{web, HttpResponse};

use crate::state::AppState;

pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    match state.store.ping().await {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({ "status": "UP" })),
        Err(error) => {
            tracing::warn!(%error, "not ready: the database does not answer");
            HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "DOWN" }))
        }
    }
}
