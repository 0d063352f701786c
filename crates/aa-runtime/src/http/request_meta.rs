//! Requests that arrive through the SahamatiNet Router carry `x-request-meta`
//! ([`aa_core::request_meta`]) naming the entity the router forwarded them to. Such a request is
//! accepted like any other (the router passes the caller's API key and `x-jws-signature`
//! through, and both are verified as usual); the header itself must read, and must name this
//! service's entity: a request meant for someone else is refused with 400 `InvalidRequest`
//! rather than acted on. A request without the header (a direct call) is not affected.

use actix_web::HttpRequest;

use super::{InboundAuth, RebitError};
use aa_core::rebit::error::ErrorCode;
use aa_core::request_meta::{RequestMeta, HEADER};

/// Checks `x-request-meta`, where present, against the entity `auth` serves.
pub(crate) fn check(req: &HttpRequest, auth: &InboundAuth) -> Result<(), RebitError> {
    let Some(value) = req.headers().get(HEADER) else {
        return Ok(());
    };
    let invalid = |message: String| RebitError::new(ErrorCode::InvalidRequest, message);
    let value = value
        .to_str()
        .map_err(|_| invalid(format!("{HEADER} is not ASCII")))?;
    let meta = RequestMeta::decode(value).map_err(|e| invalid(e.to_string()))?;
    match auth.entity_id.as_deref() {
        Some(ours) if ours != meta.recipient_id => Err(invalid(format!(
            "{HEADER} names recipient {:?}, but this is {ours:?}",
            meta.recipient_id
        ))),
        _ => Ok(()),
    }
}
