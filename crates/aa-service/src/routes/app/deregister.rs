//! `POST /customer/deregister {}` -> `{"handle", "status": "DEREGISTERED"}`: the customer leaves
//! the AA (`flows::deregister`). Every open consent is revoked and every pending request
//! rejected (their FIUs and FIPs notified), every linked account is delinked at its FIP (queued,
//! retried), and the AA keeps nothing of the customer: the session ends with the call, and the
//! handle, consent handles and consent ids are unknown afterwards. A failure changes nothing and
//! may be retried with the same session; a second call racing the first answers the same.

use actix_web::{web, HttpResponse};

use super::auth::Session;
use super::error::CustomerError;
use crate::flows;
use crate::state::AppState;

#[tracing::instrument(name = "customer deregister", skip_all, fields(session.id = %session.id))]
pub async fn deregister(
    state: web::Data<AppState>,
    session: Session,
) -> Result<HttpResponse, CustomerError> {
    if flows::deregister::deregister(&state, &session.customer)
        .await?
        .is_none()
    {
        tracing::info!("customer deregistered by a concurrent call");
    }
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "handle": session.customer.handle,
        "status": "DEREGISTERED",
    })))
}
