//! The ReBIT API the AA serves to FIUs (`client_api_key`) and FIPs (`fip_api_key`): consents
//! and the FI data flow (`FI/request`, `FI/Notification`, `FI/fetch`). Bodies
//! arrive through `aa_runtime::http::Verified` (API key, signature, binding, caller role, then
//! parse); the envelope is checked with `aa_core::validate::envelope`. The ReBIT scope
//! (`aa_runtime::http::RebitScope`) echoes `ver` and `txnid` into every error answer and signs
//! every answer; handlers return plain errors.

pub mod consent_fetch;
pub mod consent_handle;
pub mod consent_notification;
pub mod consent_request;
pub mod fi_fetch;
pub mod fi_notification;
pub mod fi_request;
pub mod link_notification;

use aa_core::rebit::NotificationResponse;
use aa_core::validate::{self, ApiVersion};
use aa_runtime::http::RebitError;

use crate::persistence::StoreError;
use crate::state::AppState;

/// Checks a request's envelope against the state's clock (the scope echoes the request's `ver`
/// and `txnid` into errors).
pub fn envelope(
    state: &AppState,
    ver: &str,
    timestamp: &str,
    txnid: &str,
) -> Result<ApiVersion, RebitError> {
    validate::envelope(Some(ver), Some(timestamp), Some(txnid), state.now())
        .map_err(RebitError::from)
}

/// A required string field: absent or empty (after trimming) is 400 `InvalidRequest`.
pub fn required<'a>(field: &str, value: &'a str) -> Result<&'a str, RebitError> {
    validate::required(field, Some(value)).map_err(RebitError::from)
}

/// A required identifier the AA issued as a UUID (consent handle, consent id, session id): empty
/// or not a UUID is 400 `InvalidRequest`.
pub fn uuid_field<'a>(field: &str, value: &'a str) -> Result<&'a str, RebitError> {
    let value = required(field, value)?;
    validate::uuid(field, Some(value)).map_err(RebitError::from)?;
    Ok(value)
}

/// The `OK` answer to a notification, stamped by the state's clock.
pub fn acknowledged(state: &AppState, ver: &str, txnid: &str) -> NotificationResponse {
    NotificationResponse {
        ver: ver.to_owned(),
        timestamp: state.timestamp(),
        txnid: txnid.to_owned(),
        response: "OK".to_owned(),
    }
}

/// A database failure as a ReBIT answer: a bare 500, the cause logged when it is answered.
pub fn internal(e: StoreError) -> RebitError {
    RebitError::internal(&e)
}
