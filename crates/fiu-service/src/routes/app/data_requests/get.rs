//! `GET /app/data-requests/{requestId}`: the request, its sessions (one per FIP) and their
//! accounts, each account's document unsealed for the answer ([`crate::flows::fi_data`]); 404
//! for an unknown id; 410 `DataGone` once the data of every session was purged
//! ([`crate::domain::retention`]).

use actix_web::{web, HttpResponse};

use crate::flows::fi_data;
use crate::routes::app::auth::AppCaller;
use crate::routes::app::error::AppError;
use crate::state::AppState;

#[tracing::instrument(name = "get_data_request", skip_all, fields(request.id = %id))]
pub async fn get(
    _: AppCaller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let opened = fi_data::open(&state, &id).await?;
    if let Some(gone) = opened.all_purged() {
        return Err(AppError::new(
            actix_web::http::StatusCode::GONE,
            "DataGone",
            gone,
        ));
    }
    Ok(HttpResponse::Ok().json(fi_data::json(&opened)))
}
