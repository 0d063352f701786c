//! The ReBIT calls the FIU makes to an AA, over `aa_core`'s signed client (which signs every
//! request, sends our `client_api_key`, and verifies the AA's signature on every answer):
//! `POST /Consent`, `POST /Consent/handle` and `POST /Consent/fetch`, each with a fresh
//! envelope; where the spec says the answer echoes the request, its `txnid` and identifiers
//! are checked.

use aa_core::http::{OutboundError, SignedClient};
use aa_core::rebit::{
    ConsentArtefact, ConsentDetail, ConsentFetchRequest, ConsentHandleRequest,
    ConsentHandleResponse, ConsentHandleState, ConsentsRequest, ConsentsResponse,
};
use aa_core::timefmt;

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

/// Calls AAs as this FIU.
#[derive(Debug, Clone)]
pub struct AaClient {
    client: SignedClient,
}

impl AaClient {
    pub fn new(client: SignedClient) -> Self {
        Self { client }
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
            timestamp: timefmt::now_millis(),
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
            timestamp: timefmt::now_millis(),
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
            timestamp: timefmt::now_millis(),
            txnid: uuid::Uuid::new_v4().to_string(),
            consent_id: consent_id.to_owned(),
        };
        Ok(self.client.post(aa_id, "/Consent/fetch", &request).await?)
    }
}
