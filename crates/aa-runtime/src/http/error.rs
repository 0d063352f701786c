//! A ReBIT error as an actix-web response: `{ver, timestamp, txnid, errorCode, errorMsg}` with the
//! code's HTTP status.
//!
//! Two kinds, as crates.io writes its error policy:
//! - public ([`RebitError::new`]): the message is for the caller and is sent as it is, whatever
//!   the status (a 503 "try again later" tells the caller what to do);
//! - internal ([`RebitError::internal`]): the body says only "internal error"; the cause stays
//!   inside the error and is logged once, where the response is built (`error_response`), never
//!   where the error is made, so a failure passed up through several layers is logged one time.
//!
//! `ver` and `txnid` are echoed by the framework: the verified-body extractor records the
//! request's ([`Echo`]) and the ReBIT scope's middleware fills them into any error answer.

use actix_web::body::BoxBody;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use aa_core::rebit::error::{ErrorCode, ErrorResponse};
use aa_core::validate::Invalid;

/// The message an internal error's body carries, and nothing more.
pub const INTERNAL_MESSAGE: &str = "internal error";

/// An error answer to a ReBIT request. `ver` and `txnid` echo the request where known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RebitError {
    pub code: ErrorCode,
    /// What the caller is told (always "internal error" for an internal error).
    pub message: String,
    pub ver: Option<String>,
    pub txnid: Option<String>,
    /// The cause of an internal error: logged, never sent. `None` for a public error.
    cause: Option<String>,
    /// A 429 (rate limited) and its `Retry-After` seconds. The spec lists no 429 and no code
    /// for it: the body keeps the spec's `ErrorResponse` shape with `code`.
    retry_after: Option<u64>,
}

impl std::fmt::Display for RebitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.cause {
            Some(cause) => write!(f, "{}: {cause}", self.code.as_str()),
            None => write!(f, "{}: {}", self.code.as_str(), self.message),
        }
    }
}

/// The `ver` and `txnid` of the request being answered, as recorded in the request's extensions
/// by the verified-body extractors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Echo {
    pub ver: Option<String>,
    pub txnid: Option<String>,
}

impl Echo {
    /// `ver` and `txnid` read leniently from a raw JSON body (absent or not strings: `None`).
    pub fn from_body(body: &[u8]) -> Self {
        #[derive(serde::Deserialize)]
        struct Envelope {
            ver: Option<serde_json::Value>,
            txnid: Option<serde_json::Value>,
        }
        let envelope: Option<Envelope> = serde_json::from_slice(body).ok();
        let text = |v: Option<serde_json::Value>| v.and_then(|v| v.as_str().map(str::to_owned));
        let (ver, txnid) = envelope
            .map(|e| (text(e.ver), text(e.txnid)))
            .unwrap_or_default();
        Self { ver, txnid }
    }
}

impl RebitError {
    /// A public error: `message` is sent to the caller, 5xx included.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            ver: None,
            txnid: None,
            cause: None,
            retry_after: None,
        }
    }

    /// 429 Too Many Requests with `Retry-After: <seconds>` and the spec's error body under
    /// `code` (the specs define no code for rate limiting; `ServiceUnavailable`, their code
    /// for "try again later", is the one every peer knows).
    pub fn too_many_requests(
        code: ErrorCode,
        message: impl Into<String>,
        retry_after_seconds: u64,
    ) -> Self {
        Self {
            retry_after: Some(retry_after_seconds),
            ..Self::new(code, message)
        }
    }

    /// An internal failure: answered with a bare 500 "internal error"; `cause` is kept and
    /// logged once when the response is built.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        Self {
            cause: Some(cause.to_string()),
            ..Self::new(ErrorCode::InternalError, INTERNAL_MESSAGE)
        }
    }

    /// Whether this is an internal error (its cause is logged, not sent).
    pub fn is_internal(&self) -> bool {
        self.cause.is_some()
    }

    /// The cause of an internal error, for the log.
    pub fn cause(&self) -> Option<&str> {
        self.cause.as_deref()
    }

    /// Echoes the request's `ver` and `txnid` in the answer.
    pub fn echo(mut self, ver: Option<&str>, txnid: Option<&str>) -> Self {
        self.ver = ver.filter(|v| !v.is_empty()).map(str::to_owned);
        self.txnid = txnid.filter(|t| !t.is_empty()).map(str::to_owned);
        self
    }

    /// Echoes `ver` and `txnid` read leniently from a raw JSON body.
    pub fn echo_body(self, body: &[u8]) -> Self {
        let echo = Echo::from_body(body);
        self.echo(echo.ver.as_deref(), echo.txnid.as_deref())
    }

    /// Fills in `ver` and `txnid` from the request where the error does not set them itself.
    pub fn echo_missing(mut self, echo: &Echo) -> Self {
        let known = |v: &Option<String>| v.as_deref().filter(|v| !v.is_empty()).map(str::to_owned);
        if self.ver.is_none() {
            self.ver = known(&echo.ver);
        }
        if self.txnid.is_none() {
            self.txnid = known(&echo.txnid);
        }
        self
    }

    /// The body sent for this error: a known `ver` is echoed, else 2.0.0; a missing `txnid` is
    /// a fresh UUID.
    pub fn body(&self) -> ErrorResponse {
        let ver = match self.ver.as_deref() {
            Some(v @ ("1.1.2" | "1.1.3" | "2.0.0" | "2.1.0")) => v.to_owned(),
            _ => "2.0.0".to_owned(),
        };
        let txnid = self
            .txnid
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        ErrorResponse::new(ver, txnid, self.code, self.message.clone())
    }

    /// The response for this error, without logging (the middleware re-renders an error that
    /// `error_response` already logged, to echo the request).
    pub fn render(&self) -> HttpResponse<BoxBody> {
        let mut response = HttpResponse::build(self.status_code());
        if let Some(seconds) = self.retry_after {
            response.insert_header((actix_web::http::header::RETRY_AFTER, seconds.to_string()));
        }
        response.json(self.body())
    }
}

impl From<Invalid> for RebitError {
    fn from(invalid: Invalid) -> Self {
        Self::new(invalid.code, invalid.message)
    }
}

impl ResponseError for RebitError {
    fn status_code(&self) -> StatusCode {
        if self.retry_after.is_some() {
            return StatusCode::TOO_MANY_REQUESTS;
        }
        StatusCode::from_u16(self.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// Builds the answer; this is the one place an internal error's cause is logged.
    fn error_response(&self) -> HttpResponse {
        if let Some(cause) = &self.cause {
            tracing::error!(error = %cause, "internal error");
        }
        self.render()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn sent(error: &RebitError) -> serde_json::Value {
        serde_json::to_value(error.body()).unwrap()
    }

    #[test]
    fn a_public_503_sends_its_message() {
        let error = RebitError::new(ErrorCode::ServiceUnavailable, "try again later");
        assert_eq!(error.status_code(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(sent(&error)["errorMsg"], "try again later");
        assert!(!error.is_internal());
    }

    #[test]
    fn a_429_keeps_the_spec_body_and_says_when_to_try_again() {
        let error = RebitError::too_many_requests(ErrorCode::ServiceUnavailable, "wait", 7);
        let response = error.render();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            response
                .headers()
                .get(actix_web::http::header::RETRY_AFTER)
                .unwrap(),
            "7"
        );
        assert_eq!(sent(&error)["errorCode"], "ServiceUnavailable");
        assert_eq!(sent(&error)["errorMsg"], "wait");
    }

    #[test]
    fn an_internal_error_sends_only_internal_error_and_keeps_its_cause() {
        let error = RebitError::internal(&"database is locked: table consents");
        let body = serde_json::to_string(&error.body()).unwrap();
        assert_eq!(sent(&error)["errorMsg"], "internal error");
        assert_eq!(sent(&error)["errorCode"], "InternalError");
        assert!(!body.contains("database"), "{body}");
        assert_eq!(error.cause(), Some("database is locked: table consents"));
        assert_eq!(error.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn echo_missing_fills_only_what_the_error_does_not_set() {
        let echo = Echo {
            ver: Some("1.1.3".into()),
            txnid: Some("t-1".into()),
        };
        let filled = RebitError::new(ErrorCode::InvalidRequest, "x").echo_missing(&echo);
        assert_eq!(sent(&filled)["ver"], "1.1.3");
        assert_eq!(sent(&filled)["txnid"], "t-1");
        let own = RebitError::new(ErrorCode::InvalidRequest, "x")
            .echo(Some("1.1.2"), Some("own"))
            .echo_missing(&echo);
        assert_eq!(sent(&own)["ver"], "1.1.2");
        assert_eq!(sent(&own)["txnid"], "own");
    }

    #[test]
    fn an_unknown_ver_is_answered_as_2_0_0_and_a_missing_txnid_is_fresh() {
        let echo = Echo::from_body(br#"{"ver":"9.9","txnid":7}"#);
        let body = sent(&RebitError::new(ErrorCode::InvalidRequest, "x").echo_missing(&echo));
        assert_eq!(body["ver"], "2.0.0");
        assert!(uuid::Uuid::parse_str(body["txnid"].as_str().unwrap()).is_ok());
    }
}
