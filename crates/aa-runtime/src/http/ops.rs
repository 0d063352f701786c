//! Endpoints every role serves outside the signed ReBIT calls: `GET /Heartbeat` (ReBIT),
//! `GET /health/live` (the process answers) and `GET /health/ready` (its database answers, asked
//! through the role's state: [`Readiness`]).

use std::future::Future;

use actix_web::{web, HttpResponse};

use aa_core::rebit::{HeartbeatResponse, HeartbeatStatus};
use aa_core::timefmt;

use crate::store::StoreError;

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

/// A role's state, as `GET /health/ready` asks it whether its database answers.
pub trait Readiness: 'static {
    fn ping(&self) -> impl Future<Output = Result<(), StoreError>>;
}

/// `GET /health/ready`: `UP` when the database answers, else 503 `DOWN` (the cause logged).
pub async fn ready<S: Readiness>(state: web::Data<S>) -> HttpResponse {
    match state.ping().await {
        Ok(()) => live().await,
        Err(error) => {
            tracing::warn!(%error, "not ready: the database does not answer");
            HttpResponse::ServiceUnavailable().json(serde_json::json!({ "status": "DOWN" }))
        }
    }
}
