//! How an FIP's failure in the FI data flow reaches the FIU: a ReBIT refusal (4xx) keeps the
//! FIP's `errorCode` and message (the codes of the FIP's and the AA's FI endpoints are the same
//! family), except the codes about the AA's own call (API key, signature, version), which are
//! the AA's problem, not the FIU's; an FIP that cannot be reached, answers 5xx, unsigned, out
//! of schema or not to what was asked is 503 `ServiceUnavailable`. The log names the FIP and
//! the failure, never the answer's content.

use aa_core::rebit::ErrorCode;
use aa_runtime::http::{OutboundError, RebitError};

use crate::clients::fip::FipError;

/// The FIU's answer for a failed call to `fip_id`.
pub fn to_fiu(fip_id: &str, error: &FipError) -> RebitError {
    let error = match error {
        FipError::Call(error) => error,
        FipError::Misfit(why) => {
            tracing::warn!(peer.id = %fip_id, why, "FIP's answer does not fit the request");
            return RebitError::new(
                ErrorCode::ServiceUnavailable,
                "the FIP's answer does not fit the request",
            );
        }
    };
    match error {
        // The FIP refusing the AA itself (key, signature, version) is not the FIU's fault.
        OutboundError::Rebit { error, .. }
            if matches!(
                error.error_code,
                ErrorCode::Unauthorized
                    | ErrorCode::SignatureDoesNotMatch
                    | ErrorCode::InvalidSecurity
                    | ErrorCode::NoSuchVersion
                    | ErrorCode::InvalidURI
            ) =>
        {
            tracing::warn!(peer.id = %fip_id, error = %error.error_code, "FIP refused the AA's call");
            unavailable(fip_id)
        }
        OutboundError::Rebit { status, error, .. } if *status < 500 => {
            RebitError::new(error.error_code, format!("{fip_id}: {}", error.error_msg))
        }
        // A schema error's text may quote the answer (ciphertext, key material): not logged.
        OutboundError::Schema { .. } => {
            tracing::warn!(peer.id = %fip_id, "FIP answered out of schema");
            unavailable(fip_id)
        }
        other => {
            tracing::warn!(peer.id = %fip_id, error = %other, "FIP call failed");
            unavailable(fip_id)
        }
    }
}

/// The reason an FIP failure is recorded with (session `last_error`, the accounts' description
/// the FIU is told): the rule an answer broke, or the code and message the FIU would have been
/// answered. Logged as [`to_fiu`] logs it; never the answer's content.
pub fn reason(fip_id: &str, error: &FipError) -> String {
    let refusal = to_fiu(fip_id, error);
    match error {
        FipError::Misfit(why) => format!("the FIP's answer does not fit the request: {why}"),
        FipError::Call(OutboundError::Schema { .. }) => {
            "the FIP's answer does not match the schema".to_owned()
        }
        _ => format!("{}: {}", refusal.code.as_str(), refusal.message),
    }
}

fn unavailable(fip_id: &str) -> RebitError {
    RebitError::new(
        ErrorCode::ServiceUnavailable,
        format!("{fip_id} did not answer; try again later"),
    )
}
