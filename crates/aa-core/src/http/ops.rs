//! Endpoints every role serves outside the signed ReBIT calls: `GET /Heartbeat` (ReBIT) and
//! `GET /health/live` (the process answers). Readiness depends on the service's database and is
//! the service's own.

use actix_web::HttpResponse;

use crate::timefmt;

/// `GET /Heartbeat`: `{ver, timestamp, status: UP}`.
pub async fn heartbeat() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({
        "ver": "2.0.0",
        "timestamp": timefmt::now_millis(),
        "status": "UP",
    }))
}

/// `GET /health/live`.
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "UP" }))
}
