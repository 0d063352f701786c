//! The app API's bearer token: an extractor that lets a handler run only for a request with
//! `Authorization: Bearer <app_api.token>` (read and compared by `aa_runtime::http::bearer`).

use std::future::{ready, Ready};

use aa_runtime::http::bearer::bearer_is;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};

use super::error::AppError;
use crate::state::AppState;

/// Proof that the request carried the app API token.
#[derive(Debug, Clone, Copy)]
pub struct AppCaller;

impl FromRequest for AppCaller {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(state) = req.app_data::<web::Data<AppState>>() else {
            return ready(Err(AppError::internal(&"AppState is not registered")));
        };
        ready(if bearer_is(req, &state.app_token) {
            Ok(AppCaller)
        } else {
            Err(AppError::unauthorized(
                "unauthorized",
                "send Authorization: Bearer <app API token>",
            ))
        })
    }
}
