//! A ReBIT error as an actix-web response: `{ver, timestamp, txnid, errorCode, errorMsg}` with the
//! code's HTTP status. A 5xx says "internal error" and nothing more; the cause is logged once.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use aa_core::rebit::error::{ErrorCode, ErrorResponse};
use aa_core::validate::Invalid;

/// An error answer to a ReBIT request. `ver` and `txnid` echo the request where known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RebitError {
    pub code: ErrorCode,
    pub message: String,
    pub ver: Option<String>,
    pub txnid: Option<String>,
}

impl std::fmt::Display for RebitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl RebitError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            ver: None,
            txnid: None,
        }
    }

    /// An internal failure: logged here with its cause, answered with a bare 500.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(ErrorCode::InternalError, "internal error")
    }

    /// Echoes the request's `ver` and `txnid` in the answer.
    pub fn echo(mut self, ver: Option<&str>, txnid: Option<&str>) -> Self {
        self.ver = ver.filter(|v| !v.is_empty()).map(str::to_owned);
        self.txnid = txnid.filter(|t| !t.is_empty()).map(str::to_owned);
        self
    }

    /// Echoes `ver` and `txnid` read leniently from a raw JSON body.
    pub fn echo_body(self, body: &[u8]) -> Self {
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
        self.echo(ver.as_deref(), txnid.as_deref())
    }

    /// The body sent for this error.
    pub fn body(&self) -> ErrorResponse {
        let status = self.status_code();
        let message = if status.is_server_error() {
            "internal error".to_owned()
        } else {
            self.message.clone()
        };
        let ver = match self.ver.as_deref() {
            Some(v @ ("1.1.2" | "1.1.3" | "2.0.0")) => v.to_owned(),
            _ => "2.0.0".to_owned(),
        };
        let txnid = self
            .txnid
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        ErrorResponse::new(ver, txnid, self.code, message)
    }
}

impl From<Invalid> for RebitError {
    fn from(invalid: Invalid) -> Self {
        Self::new(invalid.code, invalid.message)
    }
}

impl ResponseError for RebitError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code()).json(self.body())
    }
}
