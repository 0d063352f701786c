//! `GET /customer/fips` -> `[{"id","name"}]`: the FIPs of the registry.

use aa_core::registry::Role;
use actix_web::{web, HttpResponse};

use super::auth::Session;
use crate::state::AppState;

pub async fn list(state: web::Data<AppState>, _session: Session) -> HttpResponse {
    let fips: Vec<_> = state
        .identity
        .registry
        .current()
        .with_role(Role::Fip)
        .map(|e| serde_json::json!({ "id": e.id, "name": e.name }))
        .collect();
    HttpResponse::Ok().json(fips)
}
