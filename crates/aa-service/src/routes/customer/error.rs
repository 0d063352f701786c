//! The customer API's error: `{"error": "<code>", "message": "..."}` with 400, 401, 404, 409,
//! or 502 when an FIP could not be reached. A 5xx of our own says "internal error" only; the
//! cause is logged once, where it happened.

use actix_web::http::StatusCode;
use actix_web::{error, HttpResponse, ResponseError};

use crate::persistence::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
}

impl std::fmt::Display for CustomerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl CustomerError {
    pub fn new(status: StatusCode, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.into(),
            message: message.into(),
        }
    }

    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::bad_request("invalid_request", message)
    }

    pub fn unauthorized(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }

    /// An internal failure: the cause is logged here, the answer says nothing of it.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "internal error",
        )
    }
}

impl From<StoreError> for CustomerError {
    fn from(e: StoreError) -> Self {
        Self::internal(&e)
    }
}

impl ResponseError for CustomerError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let message = if self.status.is_server_error() && self.status != StatusCode::BAD_GATEWAY {
            "internal error"
        } else {
            self.message.as_str()
        };
        HttpResponse::build(self.status)
            .json(serde_json::json!({ "error": self.code, "message": message }))
    }
}

/// JSON bodies that do not parse answer 400 `invalid_request` in the customer API's shape.
pub fn json_config() -> actix_web::web::JsonConfig {
    actix_web::web::JsonConfig::default().error_handler(|e, _| {
        let message = match &e {
            error::JsonPayloadError::ContentType => "send Content-Type: application/json".into(),
            other => format!("the body does not fit this call: {other}"),
        };
        CustomerError::invalid(message).into()
    })
}

/// Query strings that do not parse answer 400 `invalid_request`.
pub fn query_config() -> actix_web::web::QueryConfig {
    actix_web::web::QueryConfig::default()
        .error_handler(|e, _| CustomerError::invalid(e.to_string()).into())
}
