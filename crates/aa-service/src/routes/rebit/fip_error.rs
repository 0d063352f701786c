//! How an FIP's failure in the FI data flow reaches the FIU: a ReBIT refusal (4xx) keeps the
//! FIP's `errorCode` and message (the codes of the FIP's and the AA's FI endpoints are the same
//! family); an FIP that cannot be reached, answers 5xx, or answers unsigned or out of schema is
//! 503 `ServiceUnavailable`.

use aa_core::http::{OutboundError, RebitError};
use aa_core::rebit::ErrorCode;

pub fn from_outbound(fip_id: &str, error: &OutboundError) -> RebitError {
    match error {
        OutboundError::Rebit { status, error, .. } if *status < 500 => {
            RebitError::new(error.error_code, format!("{fip_id}: {}", error.error_msg))
        }
        other => {
            tracing::warn!(peer.id = %fip_id, error = %other, "FIP call failed");
            RebitError::new(
                ErrorCode::ServiceUnavailable,
                format!("{fip_id} did not answer; try again later"),
            )
        }
    }
}
