//! The ReBIT calls the FIU makes to an AA, over `aa_core`'s signed client (which signs every
//! request, sends our `client_api_key`, and verifies the AA's signature on every answer):
//! `POST /Consent`, `POST /Consent/handle` and `POST /Consent/fetch`, `POST /FI/request`, and
//! `POST /FI/fetch` (or the 1.1.x `GET /FI/fetch/{sessionId}`), each with a fresh envelope;
//! where the spec says the answer echoes the request, its `txnid` and identifiers are checked.

use aa_core::rebit::{
    ConsentArtefact, ConsentDetail, ConsentFetchRequest, ConsentHandleRequest,
    ConsentHandleResponse, ConsentHandleState, ConsentProof, ConsentsRequest, ConsentsResponse,
    FiDataRange, FiFetchRequest, FiFetchResponse, FiRequest, FiResponse, FipFi, KeyMaterial,
};
use aa_core::timefmt;
use aa_runtime::clock::Clock;
use aa_runtime::http::{OutboundError, SignedClient};

use crate::configuration::FetchMethod;

/// The API version the FIU speaks to AAs.
pub const VERSION: &str = "2.0.0";

/// Longest consent handle or consent id the FIU accepts (they are primary keys).
pub const MAX_ID_LEN: usize = 255;

/// Why a call to an AA failed.
#[derive(Debug, thiserror::Error)]
pub enum AaCallError {
    #[error(transparent)]
    Outbound(#[from] OutboundError),
    #[error("{aa} answered with txnid {found:?} to a request with another txnid")]
    TxnidMismatch { aa: String, found: String },
    #[error("{aa} answered with an unusable {what}")]
    BadAnswer { aa: String, what: &'static str },
}

impl AaCallError {
    /// Worth trying again later: the AA was unreachable, failed, or its answer did not verify.
    pub fn is_retryable(&self) -> bool {
        match self {
            AaCallError::Outbound(e) => e.is_retryable(),
            AaCallError::TxnidMismatch { .. } | AaCallError::BadAnswer { .. } => false,
        }
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

/// A usable identifier: present, not blank, not absurdly long.
fn usable_id(id: &str) -> bool {
    !id.trim().is_empty() && id.len() <= MAX_ID_LEN
}

/// Calls AAs as this FIU; envelopes are stamped by `clock`.
#[derive(Debug, Clone)]
pub struct AaClient {
    client: SignedClient,
    clock: Clock,
}

impl AaClient {
    pub fn new(client: SignedClient, clock: Clock) -> Self {
        Self { client, clock }
    }

    fn timestamp(&self) -> String {
        timefmt::format_millis(self.clock.now())
    }

    fn check_txnid(aa_id: &str, sent: &str, found: &str) -> Result<(), AaCallError> {
        if sent == found {
            Ok(())
        } else {
            Err(AaCallError::TxnidMismatch {
                aa: aa_id.to_owned(),
                found: found.to_owned(),
            })
        }
    }

    /// `POST /Consent`: asks the AA for a consent; returns the consent handle.
    pub async fn request_consent(
        &self,
        aa_id: &str,
        txnid: &str,
        detail: ConsentDetail,
    ) -> Result<String, AaCallError> {
        let request = ConsentsRequest {
            ver: VERSION.to_owned(),
            timestamp: self.timestamp(),
            txnid: txnid.to_owned(),
            consent_detail: detail,
        };
        let answer: ConsentsResponse = self.client.post(aa_id, "/Consent", &request).await?;
        Self::check_txnid(aa_id, txnid, &answer.txnid)?;
        if !usable_id(&answer.consent_handle) {
            return Err(AaCallError::BadAnswer {
                aa: aa_id.to_owned(),
                what: "ConsentHandle",
            });
        }
        Ok(answer.consent_handle)
    }

    /// `POST /Consent/handle`: where a consent request stands.
    pub async fn consent_status(
        &self,
        aa_id: &str,
        handle: &str,
    ) -> Result<ConsentHandleState, AaCallError> {
        let txnid = uuid::Uuid::new_v4().to_string();
        let request = ConsentHandleRequest {
            ver: VERSION.to_owned(),
            timestamp: self.timestamp(),
            txnid: txnid.clone(),
            consent_handle: handle.to_owned(),
        };
        let answer: ConsentHandleResponse =
            self.client.post(aa_id, "/Consent/handle", &request).await?;
        Self::check_txnid(aa_id, &txnid, &answer.txnid)?;
        if answer.consent_handle != handle {
            return Err(AaCallError::BadAnswer {
                aa: aa_id.to_owned(),
                what: "ConsentHandle",
            });
        }
        if answer
            .consent_status
            .id
            .as_deref()
            .is_some_and(|id| !usable_id(id))
        {
            return Err(AaCallError::BadAnswer {
                aa: aa_id.to_owned(),
                what: "consent id",
            });
        }
        Ok(answer.consent_status)
    }

    /// `POST /Consent/fetch`: the signed consent artefact (verified by the caller). Its
    /// `txnid` is not checked: the spec does not say the artefact echoes the fetch's.
    pub async fn fetch_artefact(
        &self,
        aa_id: &str,
        consent_id: &str,
    ) -> Result<ConsentArtefact, AaCallError> {
        let request = ConsentFetchRequest {
            ver: VERSION.to_owned(),
            timestamp: self.timestamp(),
            txnid: uuid::Uuid::new_v4().to_string(),
            consent_id: consent_id.to_owned(),
        };
        Ok(self.client.post(aa_id, "/Consent/fetch", &request).await?)
    }

    /// `POST /FI/request`: asks for the FI data of `consent_id`; returns the AA's session id.
    pub async fn request_fi(
        &self,
        aa_id: &str,
        txnid: &str,
        consent: ConsentProof,
        range: FiDataRange,
        key_material: KeyMaterial,
    ) -> Result<String, AaCallError> {
        let consent_id = consent.id.clone();
        let request = FiRequest {
            ver: VERSION.to_owned(),
            timestamp: self.timestamp(),
            txnid: txnid.to_owned(),
            fi_data_range: range,
            consent,
            key_material,
        };
        let answer: FiResponse = self.client.post(aa_id, "/FI/request", &request).await?;
        Self::check_txnid(aa_id, txnid, &answer.txnid)?;
        if answer.consent_id != consent_id {
            return Err(AaCallError::BadAnswer {
                aa: aa_id.to_owned(),
                what: "consentId",
            });
        }
        if !usable_id(&answer.session_id) {
            return Err(AaCallError::BadAnswer {
                aa: aa_id.to_owned(),
                what: "sessionId",
            });
        }
        Ok(answer.session_id)
    }

    /// Fetches a session's encrypted FI: `POST /FI/fetch` (2.0.0) or the 1.1.x
    /// `GET /FI/fetch/{sessionId}`, as `method` says.
    pub async fn fetch_fi(
        &self,
        aa_id: &str,
        session_id: &str,
        method: FetchMethod,
    ) -> Result<Vec<FipFi>, AaCallError> {
        if method == FetchMethod::Get {
            return self.fetch_fi_get(aa_id, session_id).await;
        }
        let txnid = uuid::Uuid::new_v4().to_string();
        let request = FiFetchRequest {
            ver: VERSION.to_owned(),
            timestamp: self.timestamp(),
            txnid: txnid.clone(),
            session_id: session_id.to_owned(),
            fip_id: None,
            link_ref_number: None,
        };
        match self
            .client
            .post::<_, FiFetchResponse>(aa_id, "/FI/fetch", &request)
            .await
        {
            Ok(answer) => {
                Self::check_txnid(aa_id, &txnid, &answer.txnid)?;
                Ok(answer.fi)
            }
            Err(error) if method == FetchMethod::PostThenGet && not_served(&error) => {
                tracing::info!(
                    peer.id = aa_id,
                    "POST /FI/fetch is not served; trying the 1.1.x GET"
                );
                self.fetch_fi_get(aa_id, session_id).await
            }
            Err(error) => Err(error.into()),
        }
    }

    async fn fetch_fi_get(&self, aa_id: &str, session_id: &str) -> Result<Vec<FipFi>, AaCallError> {
        let path = format!("/FI/fetch/{}", path_segment(session_id));
        let answer: FiFetchResponse = self.client.get(aa_id, &path).await?;
        Ok(answer.fi)
    }
}

/// The AA does not serve the route at all (as a 1.1.x AA answers the 2.0.0 POST).
fn not_served(error: &OutboundError) -> bool {
    match error {
        OutboundError::Rebit { status, .. } | OutboundError::Status { status, .. } => {
            matches!(status, 404 | 405 | 501)
        }
        _ => false,
    }
}

/// `text` as one URL path segment: unreserved characters kept, the rest percent-encoded.
fn path_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use aa_core::rebit::{ErrorCode, ErrorResponse};

    fn answered(status: u16, code: ErrorCode) -> AaCallError {
        let error = ErrorResponse::new("2.0.0", "t", code, "consent not at the FIP yet");
        AaCallError::Outbound(OutboundError::Rebit {
            entity: "AA-1".into(),
            status,
            error: Box::new(error),
        })
    }

    #[test]
    fn a_503_from_the_aa_is_tried_again_and_a_4xx_is_a_refusal() {
        // The FI request and fetch jobs retry (with the queue's backoff) what is retryable
        // and fail the session with the refusal otherwise.
        let busy = answered(503, ErrorCode::ServiceUnavailable);
        assert!(busy.is_retryable());
        assert_eq!(busy.refusal(), None);
        let refused = answered(400, ErrorCode::InvalidConsentId);
        assert!(!refused.is_retryable());
        assert!(refused
            .refusal()
            .is_some_and(|r| r.starts_with("InvalidConsentId")));
    }

    #[test]
    fn a_session_id_is_one_path_segment() {
        assert_eq!(path_segment("a1-b_2.c~"), "a1-b_2.c~");
        assert_eq!(path_segment("a/b?c"), "a%2Fb%3Fc");
    }
}
