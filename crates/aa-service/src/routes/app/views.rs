//! What several customer calls share: the view of a linked account, what a link request waits
//! for, the stored terms of a consent request, the lookup of a customer's pending request, and
//! the rate-limited handle of the log-in calls. Not a handler: handlers use it, never each
//! other.

use aa_core::rebit::{AuthenticatorType, ConsentDetail};
use aa_runtime::rate_limit::Action;
use serde::Serialize;

use super::auth::Session;
use super::error::CustomerError;
use crate::domain::handle::CustomerHandle;
use crate::domain::status::{AccountState, RequestStatus};
use crate::persistence::records::{AccountRecord, ConsentRequestRecord};
use crate::state::AppState;

/// A linked account as the customer API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct AccountView {
    #[serde(rename = "fipId")]
    pub fip_id: String,
    #[serde(rename = "linkRefNumber")]
    pub link_ref_number: String,
    #[serde(rename = "maskedAccNumber")]
    pub masked_acc_number: String,
    #[serde(rename = "fiType")]
    pub fi_type: String,
    #[serde(rename = "accType")]
    pub acc_type: String,
}

impl AccountView {
    /// The view of a linked account; `None` for one that is not linked.
    pub fn linked(record: &AccountRecord) -> Option<Self> {
        match (&record.state, &record.link_ref_number) {
            (AccountState::Linked, Some(link_ref)) => Some(Self {
                fip_id: record.fip_id.clone(),
                link_ref_number: link_ref.clone(),
                masked_acc_number: record.masked_acc_number.clone(),
                fi_type: record.fi_type.clone(),
                acc_type: record.acc_type.clone(),
            }),
            _ => None,
        }
    }
}

/// What a link request waits for, as the customer API says it: the customer's OTP (`TOKEN`) or
/// the customer's confirmation at the bank (`DIRECT`).
pub fn awaiting(authenticator: AuthenticatorType) -> &'static str {
    match authenticator {
        AuthenticatorType::Token => "AWAITING_OTP",
        AuthenticatorType::Direct => "AWAITING_BANK_CONFIRMATION",
    }
}

/// Reads the stored terms of a request.
pub fn terms_of(record: &ConsentRequestRecord) -> Result<ConsentDetail, CustomerError> {
    serde_json::from_str(&record.detail).map_err(|e| CustomerError::internal(&e))
}

/// The pending request `handle` of this customer, or the customer API's error.
pub async fn pending_request(
    state: &AppState,
    session: &Session,
    handle: &str,
) -> Result<ConsentRequestRecord, CustomerError> {
    let record = state
        .store
        .consent_request(handle)
        .await?
        .filter(|r| r.customer_handle == session.customer.handle)
        .ok_or_else(|| CustomerError::not_found("no consent request with this handle"))?;
    if record.status != RequestStatus::Pending {
        return Err(CustomerError::conflict(format!(
            "the consent request is {} already",
            record.status.as_str()
        )));
    }
    Ok(record)
}

/// The client address a customer call is counted under by the rate limits: the peer's IP
/// address as the socket sees it (never a forwarded-for header, which any client can set).
fn client_address(req: &actix_web::HttpRequest) -> String {
    req.peer_addr()
        .map(|addr| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The handle of a log-in call (`otp`, `session`), parsed, once `action` is within its rate
/// limits for the handle and for the client address.
pub async fn limited_handle(
    req: &actix_web::HttpRequest,
    state: &AppState,
    handle: &str,
    action: Action,
) -> Result<CustomerHandle, CustomerError> {
    let handle = CustomerHandle::parse(handle, state.aa_id())
        .map_err(|e| CustomerError::bad_request("invalid_handle", e.to_string()))?;
    state
        .auth
        .limiter
        .hit(action, &handle.to_string(), &client_address(req))
        .await
        .map_err(|e| e.into_app_error())?;
    Ok(handle)
}
