//! Why a call to an AA failed, and what each party is told about it: whether to try again,
//! the AA's refusal, an answer that was not used, and the lender's app's summary.

use aa_runtime::http::OutboundError;

use crate::domain::answers::Refused;

/// Why a call to an AA failed.
#[derive(Debug, thiserror::Error)]
pub enum AaCallError {
    #[error(transparent)]
    Outbound(#[from] OutboundError),
    /// The answer did not fit the request ([`crate::domain::answers`]).
    #[error("{aa} answered badly: {refused}")]
    Answer { aa: String, refused: Refused },
}

impl AaCallError {
    /// Worth trying again later: the AA was unreachable, failed, or its answer did not verify.
    pub fn is_retryable(&self) -> bool {
        match self {
            AaCallError::Outbound(e) => e.is_retryable(),
            AaCallError::Answer { .. } => false,
        }
    }

    /// What the lender's app is told: the failure's category, naming the AA and, where the AA
    /// answered, its status and ReBIT code. Never a body, a key or an address.
    pub fn summary(&self) -> String {
        match self {
            AaCallError::Answer { aa, refused } => format!("{aa} answered badly: {refused}"),
            AaCallError::Outbound(error) => match error {
                OutboundError::UnknownEntity(aa) => format!("{aa} is not in the registry"),
                OutboundError::NoApiKey(aa) => format!("there is no API key for {aa}"),
                OutboundError::NoToken { entity, cause } => {
                    format!("no access token to call {entity}: {cause}")
                }
                OutboundError::Transport { entity, cause, .. } => {
                    format!("{entity} could not be reached: {cause}")
                }
                OutboundError::ResponseSignature { entity, .. } => {
                    format!("{entity}'s answer is not signed by it; it was discarded")
                }
                OutboundError::Rebit {
                    entity,
                    status,
                    error,
                } => format!("{entity} answered {status} {}", error.error_code.as_str()),
                OutboundError::Status { entity, status } => {
                    format!("{entity} answered {status} without a ReBIT error body")
                }
                OutboundError::Schema { entity, message } => {
                    format!("{entity}'s answer does not fit the ReBIT schema: {message}")
                }
                OutboundError::Serialise(_) => "the request could not be serialised".to_owned(),
            },
        }
    }

    /// Why the AA's signed answer was not used, when it was not: it breaks the AA's 2.0.0
    /// schema for the call (the runtime's client refused it), or does not fit the request.
    pub fn bad_answer(&self) -> Option<String> {
        match self {
            AaCallError::Answer { refused, .. } => Some(refused.to_string()),
            AaCallError::Outbound(OutboundError::Schema { message, .. }) => Some(message.clone()),
            _ => None,
        }
    }

    /// The AA has no data for the session yet (404 `NoDataFound`, what a fetch answers while
    /// the FIP is still preparing it): a poll tries again later.
    pub fn not_ready(&self) -> bool {
        matches!(
            self,
            AaCallError::Outbound(OutboundError::Rebit { status: 404, error, .. })
                if error.error_code == aa_core::rebit::ErrorCode::NoDataFound
        )
    }

    /// The AA refused the request (a 4xx with a ReBIT error body): its code, for the caller.
    pub fn refusal(&self) -> Option<String> {
        match self {
            AaCallError::Outbound(OutboundError::Rebit { status, error, .. }) if *status < 500 => {
                Some(format!(
                    "{}: {}",
                    error.error_code.as_str(),
                    error.error_msg
                ))
            }
            _ => None,
        }
    }
}
