//! `GET /app/data-requests/{requestId}`: the request, its sessions (one per FIP) and their
//! accounts, each account's document unsealed for the answer (see [`super::view`]); 404 for an
//! unknown id; 410 `DataGone` once the data of every session was purged
//! ([`crate::domain::retention`]).

use actix_web::{web, HttpResponse};

use super::view;
use crate::clients::aa::MAX_ID_LEN;
use crate::routes::app::auth::AppCaller;
use crate::routes::app::error::AppError;
use crate::state::AppState;

#[tracing::instrument(name = "get_data_request", skip_all, fields(request.id = %id))]
pub async fn get(
    _: AppCaller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let not_found = || AppError::not_found(format!("no data request {id:?}"));
    if id.len() > MAX_ID_LEN {
        return Err(not_found());
    }
    let internal = |e: crate::persistence::StoreError| AppError::internal(&e);
    let store = &state.store;
    let request = store
        .data_request(&id)
        .await
        .map_err(internal)?
        .ok_or_else(not_found)?;
    let sessions = store.sessions_of(&request.id).await.map_err(internal)?;
    if let Some(gone) = view::all_purged(&sessions) {
        return Err(AppError::new(
            actix_web::http::StatusCode::GONE,
            "DataGone",
            gone,
        ));
    }
    let mut fips = Vec::with_capacity(sessions.len());
    for session in &sessions {
        let accounts = store.accounts_of(&session.id).await.map_err(internal)?;
        fips.push(view::session(&state, session, &accounts).await?);
    }
    Ok(HttpResponse::Ok().json(view::request(&request, &sessions, fips)))
}
