//! The error of the services' own JSON APIs (the AA's customer API, the FIU's app API, the FIP's
//! bank back office): `{"error": "<code>", "message": "..."}` with its HTTP status.
//!
//! The same two kinds as [`super::RebitError`]: a public error's message is sent whatever the
//! status; an internal one (or an upstream failure, 502) says only "internal error", keeps its
//! cause and logs it once, where the response is built. A 401 carries
//! `WWW-Authenticate: Bearer`: all three APIs take bearer tokens.

use std::borrow::Cow;
use std::fmt;

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};

use super::error::INTERNAL_MESSAGE;

/// What is logged for a hidden cause, and how loudly.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Hidden {
    /// Our own failure: logged as an error.
    Internal(String),
    /// A counterparty did not answer usably: logged as a warning.
    Upstream(String),
}

/// An error answer of a service's JSON API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppError {
    pub status: StatusCode,
    pub code: Cow<'static, str>,
    pub message: String,
    hidden: Option<Hidden>,
    /// `Retry-After` (seconds) of a 429.
    retry_after: Option<u64>,
}

impl AppError {
    /// A public error: `message` is sent.
    pub fn new(
        status: StatusCode,
        code: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code: code.into(),
            message: message.into(),
            hidden: None,
            retry_after: None,
        }
    }

    /// 429 `too_many_requests`, answered with `Retry-After: <seconds>`.
    pub fn too_many_requests(message: impl Into<String>, retry_after_seconds: u64) -> Self {
        Self {
            retry_after: Some(retry_after_seconds),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", message)
        }
    }

    /// 400 with a code naming what is wrong.
    pub fn bad_request(code: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 400 `invalid_request`.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::bad_request("invalid_request", message)
    }

    /// 401 with a code naming what is missing or wrong.
    pub fn unauthorized(code: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }

    /// 404 `not_found`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 409 `conflict`.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }

    /// 500 `internal_error`, "internal error"; `cause` is logged when the answer is built.
    pub fn internal(cause: &dyn fmt::Display) -> Self {
        Self {
            hidden: Some(Hidden::Internal(cause.to_string())),
            ..Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                INTERNAL_MESSAGE,
            )
        }
    }

    /// 502 `code`, "internal error": a counterparty did not answer usably; `cause` is logged
    /// (as a warning) when the answer is built.
    pub fn bad_gateway(code: impl Into<Cow<'static, str>>, cause: &dyn fmt::Display) -> Self {
        Self {
            hidden: Some(Hidden::Upstream(cause.to_string())),
            ..Self::new(StatusCode::BAD_GATEWAY, code, INTERNAL_MESSAGE)
        }
    }

    /// The cause of an internal or upstream error, for the log.
    pub fn cause(&self) -> Option<&str> {
        match &self.hidden {
            Some(Hidden::Internal(c) | Hidden::Upstream(c)) => Some(c),
            None => None,
        }
    }

    /// The body sent for this error.
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({ "error": self.code, "message": self.message })
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.cause() {
            Some(cause) => write!(f, "{}: {cause}", self.code),
            None => write!(f, "{}: {}", self.code, self.message),
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    /// Builds the answer; the one place a hidden cause is logged.
    fn error_response(&self) -> HttpResponse {
        match &self.hidden {
            Some(Hidden::Internal(cause)) => tracing::error!(error = %cause, "internal error"),
            Some(Hidden::Upstream(cause)) => {
                tracing::warn!(error = %cause, error.code = %self.code, "upstream failure")
            }
            None => {}
        }
        let mut response = HttpResponse::build(self.status);
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        if let Some(seconds) = self.retry_after {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        response.json(self.body())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn an_internal_app_error_says_only_internal_error_and_keeps_its_cause() {
        let error = AppError::internal(&"constraint failed: consents.handle");
        let response = error.error_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            error.body(),
            serde_json::json!({"error": "internal_error", "message": "internal error"})
        );
        assert_eq!(error.cause(), Some("constraint failed: consents.handle"));
    }

    #[test]
    fn a_public_app_error_sends_its_message_and_a_401_asks_for_a_bearer_token() {
        let error = AppError::unauthorized("unauthorized", "send Authorization: Bearer <token>");
        let response = error.error_response();
        assert_eq!(
            response.headers().get(header::WWW_AUTHENTICATE).unwrap(),
            "Bearer"
        );
        assert_eq!(
            error.body()["message"],
            "send Authorization: Bearer <token>"
        );
    }

    #[test]
    fn a_429_says_when_to_try_again() {
        let response = AppError::too_many_requests("slow down", 42).error_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers().get(header::RETRY_AFTER).unwrap(), "42");
    }

    #[test]
    fn a_bad_gateway_hides_the_upstream_cause() {
        let error = AppError::bad_gateway("aa_unavailable", &"connection refused to AA-1");
        assert_eq!(error.status_code(), StatusCode::BAD_GATEWAY);
        assert_eq!(error.body()["message"], "internal error");
        assert_eq!(error.body()["error"], "aa_unavailable");
    }
}
