//! One INFO line per request: method, path (never the query or the body), status and time.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

/// Mount with `.wrap(actix_web::middleware::from_fn(access_log))`.
pub async fn access_log(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().to_string();
    let path = req.path().to_owned();
    let response = next.call(req).await;
    let elapsed_ms = started.elapsed().as_millis() as u64;
    match &response {
        Ok(res) => tracing::info!(
            http.method = %method,
            http.path = %path,
            http.status = res.status().as_u16(),
            elapsed_ms,
            "request"
        ),
        Err(error) => tracing::info!(
            http.method = %method,
            http.path = %path,
            http.status = error.as_response_error().status_code().as_u16(),
            elapsed_ms,
            "request"
        ),
    }
    response
}
