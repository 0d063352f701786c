//! The request boundary every role wraps its whole `App` in ([`observe`]):
//!
//! - a request id: `x-request-id` is taken when sane (1 to 128 visible ASCII characters), else
//!   a fresh UUID; it is echoed on the response and every log line of the request carries it
//!   (the `request` span);
//! - one access log line per request: request id, method, endpoint (the route pattern, never
//!   the raw path or its query), status, caller entity and role (as the verified extractors
//!   proved them), `txnid` (as they recorded it for the echo) and latency. Never a body, a
//!   header value, a key or a token;
//! - a refused request (any 4xx) is that line at WARN, with the error code and reason of the
//!   `RebitError` or `AppError` answered, logged here at the boundary rather than where the
//!   error was made; quoted values in a reason (a parser quoting the body) are blanked;
//! - the request metrics (`aa_http_requests_total`, `aa_http_request_duration_seconds`).

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::HttpMessage;
use tracing::Instrument;

use super::error::Echo;
use super::inbound::Caller;
use super::{AppError, RebitError};

/// The request id header, accepted and echoed.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The id of the request being served, in its extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

/// Longest reason written to the log.
const MAX_REASON_CHARS: usize = 300;

/// 1 to 128 visible ASCII characters.
pub fn sane_request_id(value: &str) -> bool {
    (1..=128).contains(&value.len()) && value.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

/// Mount with `.wrap(actix_web::middleware::from_fn(aa_runtime::http::access::observe))`,
/// outermost, so that it sees every answer, the admin and ReBIT routes' included.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let id = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| sane_request_id(v))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));
    // Read before the call: the request must not be cloned while it is being routed.
    let endpoint = req
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = req.method().to_string();
    let span = tracing::info_span!("request", request.id = %id);
    let line = Line {
        id: &id,
        endpoint: &endpoint,
        method: &method,
        started,
    };
    match next.call(req).instrument(span.clone()).await {
        Ok(response) => {
            let mut response = response.map_into_boxed_body();
            if let Ok(value) = HeaderValue::from_str(&id) {
                response
                    .headers_mut()
                    .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
            }
            let _in_request = span.enter();
            let extensions = response.request().extensions();
            let (code, reason) = refusal(&response);
            line.record(
                response.status().as_u16(),
                extensions.get::<Caller>(),
                extensions.get::<Echo>(),
                &code,
                &reason,
            );
            drop(extensions);
            Ok(response)
        }
        Err(error) => {
            // A middleware failed before an answer existed; actix renders it further out.
            let _in_request = span.enter();
            let status = error.as_response_error().status_code().as_u16();
            line.record(status, None, None, "-", "-");
            Err(error)
        }
    }
}

/// What the access line says about the request, known before it is served.
struct Line<'a> {
    id: &'a str,
    endpoint: &'a str,
    method: &'a str,
    started: Instant,
}

impl Line<'_> {
    /// The access line (WARN for a refusal) and the request metrics.
    fn record(
        &self,
        status: u16,
        caller: Option<&Caller>,
        echo: Option<&Echo>,
        code: &str,
        reason: &str,
    ) {
        let elapsed = self.started.elapsed();
        let (id, endpoint, method) = (self.id, self.endpoint, self.method);
        let role = caller.map_or("none".to_owned(), |c| c.role.as_str().to_lowercase());
        let entity = caller.map_or("-", |c| c.entity_id.as_str());
        let txnid = echo.and_then(|e| e.txnid.as_deref()).unwrap_or("-");
        let elapsed_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
        crate::metrics::http_request(endpoint, method, status, &role, elapsed);
        // One line either way; the level is part of each call site, hence the macro.
        macro_rules! access_line {
            ($level:expr, $($extra:tt)+) => {
                tracing::event!(
                    $level,
                    request.id = %id,
                    http.method = %method,
                    http.endpoint = %endpoint,
                    http.status = status,
                    caller.id = %entity,
                    caller.role = %role,
                    txn.id = %txnid,
                    elapsed_ms,
                    $($extra)+
                )
            };
        }
        if (400..500).contains(&status) {
            access_line!(
                tracing::Level::WARN,
                error.code = %code,
                error.reason = %reason,
                "request refused"
            );
        } else {
            access_line!(tracing::Level::INFO, "request");
        }
    }
}

/// The code and (scrubbed) reason of the error a 4xx answered with.
fn refusal(response: &ServiceResponse<BoxBody>) -> (String, String) {
    let Some(error) = response.response().error() else {
        return ("-".to_owned(), "-".to_owned());
    };
    if let Some(e) = error.as_error::<RebitError>() {
        return (e.code.as_str().to_owned(), scrub(&e.message));
    }
    if let Some(e) = error.as_error::<AppError>() {
        return (e.code.to_string(), scrub(&e.message));
    }
    ("-".to_owned(), "-".to_owned())
}

/// `reason` with the text between quotes or backticks blanked (a JSON parser's message quotes
/// the offending value, which came from the body) and clipped.
pub fn scrub(reason: &str) -> String {
    let mut out = String::with_capacity(reason.len());
    let mut open: Option<char> = None;
    for c in reason.chars().take(MAX_REASON_CHARS) {
        match open {
            Some(quote) if c == quote => {
                out.push('…');
                out.push(c);
                open = None;
            }
            Some(_) => {}
            None => {
                out.push(c);
                if c == '"' || c == '`' {
                    open = Some(c);
                }
            }
        }
    }
    if open.is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_id_is_sane_only_when_short_and_visible_ascii() {
        assert!(sane_request_id("abc-123_X.y"));
        assert!(sane_request_id(&"a".repeat(128)));
        assert!(!sane_request_id(&"a".repeat(129)));
        assert!(!sane_request_id(""));
        assert!(!sane_request_id("has space"));
        assert!(!sane_request_id("é"));
    }

    #[test]
    fn quoted_values_are_blanked_from_a_reason() {
        assert_eq!(
            scrub(r#"invalid type: string "123456", expected u32 at line 1"#),
            r#"invalid type: string "…", expected u32 at line 1"#
        );
        assert_eq!(
            scrub("invalid type: integer `123456`, expected a string"),
            "invalid type: integer `…`, expected a string"
        );
        assert_eq!(scrub("wrong OTP"), "wrong OTP");
        assert_eq!(scrub(r#"cut "open"#), r#"cut "…"#);
    }
}
