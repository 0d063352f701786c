//! Errors of the app API: `{"error": "<code>", "message": "..."}` with 400, 401, 404, 409, 410
//! or 502/500.
//! A 5xx says "internal error" and nothing more; the cause is logged once, where it is made.

use std::fmt;

use actix_web::http::header;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl AppError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    /// 401: no bearer token, or the wrong one.
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send Authorization: Bearer <app API token>",
        )
    }

    /// 400 with a code naming what is wrong.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 409 with a code naming the conflict.
    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    /// 410 `DataGone`: the data asked for was purged (the ReBIT code for purged data).
    pub fn data_gone(message: impl Into<String>) -> Self {
        Self::new(StatusCode::GONE, "DataGone", message)
    }

    /// 502: the AA could not be reached or did not answer properly; the cause is logged here.
    pub fn bad_gateway(cause: &dyn fmt::Display) -> Self {
        tracing::warn!(error = %cause, "the AA did not answer usably");
        Self::new(StatusCode::BAD_GATEWAY, "aa_unavailable", "internal error")
    }

    /// 500; the cause is logged here.
    pub fn internal(cause: &dyn fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error",
        )
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let message = if self.status.is_server_error() {
            "internal error"
        } else {
            self.message.as_str()
        };
        let mut response = HttpResponse::build(self.status);
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        response.json(serde_json::json!({ "error": self.code, "message": message }))
    }
}
