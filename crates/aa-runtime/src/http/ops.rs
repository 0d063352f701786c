//! Endpoints every role serves outside the signed ReBIT calls: `GET /Heartbeat` (ReBIT) and
//! `GET /health/live` (the process answers). Readiness depends on the service's database and is
//! the service's own.

use actix_web::HttpResponse;

use aa_core::rebit::{HeartbeatResponse, HeartbeatStatus};
use aa_core::timefmt;

/// `GET /Heartbeat`: the ReBIT `HeartbeatResponse` `{ver, timestamp, Status: UP}`.
pub async fn heartbeat() -> HttpResponse {
    HttpResponse::Ok().json(HeartbeatResponse {
        ver: "2.0.0".to_owned(),
        timestamp: timefmt::now_millis(),
        status: HeartbeatStatus::Up,
        error: None,
    })
}

/// `GET /health/live`.
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "UP" }))
}
