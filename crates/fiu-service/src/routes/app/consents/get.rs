//! `GET /app/consents/{handle}`: the request, its status and its artefacts (see
//! [`super::view`]), refreshed from the AA first when [`super::refresh::due`].

use actix_web::{web, HttpResponse};

use super::{refresh, view};
use crate::clients::aa::MAX_ID_LEN;
use crate::routes::app::auth::AppCaller;
use crate::routes::app::error::AppError;
use crate::state::AppState;

#[tracing::instrument(name = "get_consent", skip_all, fields(consent.handle = %handle))]
pub async fn get(
    _: AppCaller,
    state: web::Data<AppState>,
    handle: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let handle = handle.into_inner();
    let not_found = || AppError::not_found(format!("no consent request with handle {handle:?}"));
    if handle.len() > MAX_ID_LEN {
        return Err(not_found());
    }
    let internal = |e: crate::persistence::StoreError| AppError::internal(&e);
    let store = &state.store;
    let mut request = store
        .consent_request(&handle)
        .await
        .map_err(internal)?
        .ok_or_else(not_found)?;
    let mut artefacts = store.artefacts(&handle).await.map_err(internal)?;
    let now = state.clock.now();
    if refresh::due(&state, &request, &artefacts, now) {
        refresh::run(&state, &request, now).await;
        request = store
            .consent_request(&handle)
            .await
            .map_err(internal)?
            .ok_or_else(not_found)?;
        artefacts = store.artefacts(&handle).await.map_err(internal)?;
    }
    Ok(HttpResponse::Ok().json(view::consent(&request, &artefacts)))
}
