//! `GET /app/consents/{handle}`: the request, its status and its artefacts (see
//! [`super::view`]), refreshed from the AA first when no notification came
//! ([`crate::flows::consent_poll`]).

use actix_web::{web, HttpResponse};

use super::view;
use crate::flows::consent_poll;
use crate::routes::app::auth::AppCaller;
use crate::routes::app::error::AppError;
use crate::state::AppState;

#[tracing::instrument(name = "get_consent", skip_all, fields(consent.handle = %handle))]
pub async fn get(
    _: AppCaller,
    state: web::Data<AppState>,
    handle: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (request, artefacts) = consent_poll::current(&state, &handle).await?;
    let redirect = state
        .store
        .latest_redirect(&handle)
        .await
        .map_err(|e| AppError::internal(&e))?;
    Ok(HttpResponse::Ok().json(view::consent(&request, &artefacts, redirect.as_ref())))
}
