//! How an FIP's failure reaches the customer: a ReBIT refusal keeps the FIP's `errorCode`
//! (e.g. `InvalidLinkToken`) as the error code, with status 400 (429 `too_many_requests` when
//! the FIP rate limits); an FIP that cannot be reached
//! or answers unsigned, 5xx or not to what was asked is 502 `fip_unavailable`.

use aa_runtime::http::OutboundError;
use actix_web::http::StatusCode;

use super::error::CustomerError;
use crate::clients::fip::FipError;

/// The customer-facing error for a failed call to `fip_id`.
pub fn from_fip(fip_id: &str, error: &FipError) -> CustomerError {
    match error {
        // The FIP's rate limit (its linking endpoints): the customer is told to wait.
        FipError::Call(OutboundError::Rebit {
            status: 429, error, ..
        }) => CustomerError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            format!("{fip_id}: {}", error.error_msg),
        ),
        FipError::Call(OutboundError::Rebit { status, error, .. }) if *status < 500 => {
            CustomerError::new(
                StatusCode::BAD_REQUEST,
                error.error_code.as_str(),
                format!("{fip_id}: {}", error.error_msg),
            )
        }
        FipError::Misfit(why) => {
            tracing::warn!(peer.id = %fip_id, why, "FIP's answer does not fit the request");
            CustomerError::new(
                StatusCode::BAD_GATEWAY,
                "fip_unavailable",
                format!("{fip_id} did not answer as asked ({why}); try again later"),
            )
        }
        other => {
            tracing::warn!(peer.id = %fip_id, error = %other, "FIP call failed");
            CustomerError::new(
                StatusCode::BAD_GATEWAY,
                "fip_unavailable",
                format!("{fip_id} did not answer; try again later"),
            )
        }
    }
}

/// Checks that `fip_id` is an FIP of the registry.
pub fn known_fip(
    registry: &aa_core::registry::Registry,
    fip_id: &str,
) -> Result<(), CustomerError> {
    match registry.entity(fip_id) {
        Some(entity) if entity.role == aa_core::registry::Role::Fip => Ok(()),
        _ => Err(CustomerError::not_found(format!("no FIP {fip_id:?}"))),
    }
}
