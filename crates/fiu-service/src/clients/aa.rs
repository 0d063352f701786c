//! The ReBIT calls the FIU makes to an AA, over `aa_core`'s signed client (which signs every
//! request, sends our `client_api_key`, and verifies the AA's signature on every answer):
//! `POST /Consent`, `POST /Consent/handle` and `POST /Consent/fetch` (or the 1.1.x
//! `GET /Consent/handle/{handle}` and `GET /Consent/{id}`), `POST /FI/request`, and
//! `POST /FI/fetch` (or the 1.1.x `GET /FI/fetch/{sessionId}`), each with a fresh envelope.
//! Every answer is held to the AA's 2.0.0 schema for the call by the signed client (one that
//! breaks it is `OutboundError::Schema`, [`AaCallError::bad_answer`]), then checked against its
//! request by [`crate::domain::answers`] (`ver`,
//! `timestamp`, `txnid`, the identifiers it echoes or makes up) before it is returned.

use aa_core::rebit::{
    ConsentArtefact, ConsentDetail, ConsentFetchRequest, ConsentHandleRequest,
    ConsentHandleResponse, ConsentHandleState, ConsentProof, ConsentsRequest, ConsentsResponse,
    ErrorCode, FiDataRange, FiFetchRequest, FiFetchResponse, FiRequest, FiResponse, FipFi,
    KeyMaterial,
};
use aa_core::timefmt;
use aa_core::validate::ApiVersion;
use aa_runtime::clock::Clock;
use aa_runtime::http::{OutboundError, SignedClient};

pub use super::aa_error::AaCallError;
use crate::configuration::FetchMethod;
pub use crate::domain::answers::MAX_ID_LEN;
use crate::domain::answers::{self, Refused};

/// Calls AAs as this FIU; envelopes are stamped by `clock`.
#[derive(Debug, Clone)]
pub struct AaClient {
    client: SignedClient,
    clock: Clock,
    consent_calls: FetchMethod,
}

impl AaClient {
    /// A client whose consent calls fall back to the 1.1.x GETs (`post_then_get`).
    pub fn new(client: SignedClient, clock: Clock) -> Self {
        Self {
            client,
            clock,
            consent_calls: FetchMethod::PostThenGet,
        }
    }

    /// How `POST /Consent/handle` and `POST /Consent/fetch` are made: the 2.0.0 POST, the
    /// 1.1.x GET (`GET /Consent/handle/{handle}`, `GET /Consent/{id}`), or the POST and the GET
    /// when the AA does not serve the POST (404, 405, 501).
    pub fn with_consent_calls(mut self, method: FetchMethod) -> Self {
        self.consent_calls = method;
        self
    }

    /// The `ver` the FIU's requests carry (the signed client's: 2.0.0, or 2.1.0 when
    /// `identity.outbound_version` says so); a POST's answer must carry it too.
    fn ver(&self) -> &'static str {
        self.client.version().as_str()
    }

    fn timestamp(&self) -> String {
        timefmt::format_millis(self.clock.now())
    }

    /// Checks an answer with `check`, naming `aa_id` when it is refused.
    fn checked<T>(
        aa_id: &str,
        answer: T,
        check: impl FnOnce(&T) -> Result<(), Refused>,
    ) -> Result<T, AaCallError> {
        check(&answer).map_err(|refused| {
            tracing::warn!(peer.id = aa_id, %refused, "an AA's answer was refused");
            AaCallError::Answer {
                aa: aa_id.to_owned(),
                refused,
            }
        })?;
        Ok(answer)
    }

    /// `POST /Consent`: asks the AA for a consent; returns the consent handle.
    pub async fn request_consent(
        &self,
        aa_id: &str,
        txnid: &str,
        detail: ConsentDetail,
    ) -> Result<String, AaCallError> {
        let customer = detail.customer.id.clone().unwrap_or_default();
        let request = ConsentsRequest {
            ver: self.ver().to_owned(),
            timestamp: self.timestamp(),
            txnid: txnid.to_owned(),
            consent_detail: detail,
        };
        let answer: ConsentsResponse = self.client.post(aa_id, "/Consent", &request).await?;
        let now = self.clock.now();
        let answer = Self::checked(aa_id, answer, |a| {
            answers::envelope(
                Some((self.ver(), txnid)),
                &a.ver,
                &a.timestamp,
                &a.txnid,
                now,
            )?;
            answers::echoed("Customer.id", &customer, &a.customer.id)?;
            answers::usable("ConsentHandle", &a.consent_handle)
        })?;
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
            ver: self.ver().to_owned(),
            timestamp: self.timestamp(),
            txnid: txnid.clone(),
            consent_handle: handle.to_owned(),
        };
        let path = format!("/Consent/handle/{}", path_segment(handle));
        let (answer, sent) = match self.consent_calls {
            FetchMethod::Get => (self.client.get(aa_id, &path).await?, None),
            method => match self.client.post(aa_id, "/Consent/handle", &request).await {
                Ok(answer) => (answer, Some((self.ver(), txnid.as_str()))),
                Err(error) if method == FetchMethod::PostThenGet && not_served(&error) => {
                    tracing::info!(
                        peer.id = aa_id,
                        "POST /Consent/handle is not served; trying the 1.1.x GET"
                    );
                    (self.client.get(aa_id, &path).await?, None)
                }
                Err(error) => return Err(error.into()),
            },
        };
        let answer: ConsentHandleResponse = answer;
        let now = self.clock.now();
        let answer = Self::checked(aa_id, answer, |a| {
            answers::envelope(sent, &a.ver, &a.timestamp, &a.txnid, now)?;
            answers::echoed("ConsentHandle", handle, &a.consent_handle)?;
            match a.consent_status.id.as_deref() {
                Some(id) => answers::usable("consent id", id),
                None => Ok(()),
            }
        })?;
        Ok(answer.consent_status)
    }

    /// `POST /Consent/fetch`: the signed consent artefact (its signature and terms verified
    /// by the caller). Its `ver`, `consentId` and `createTimestamp` are checked; not its
    /// `txnid`, which the spec does not say echoes the fetch's (nor has it a `timestamp`).
    pub async fn fetch_artefact(
        &self,
        aa_id: &str,
        consent_id: &str,
    ) -> Result<ConsentArtefact, AaCallError> {
        let request = ConsentFetchRequest {
            ver: self.ver().to_owned(),
            timestamp: self.timestamp(),
            txnid: uuid::Uuid::new_v4().to_string(),
            consent_id: consent_id.to_owned(),
        };
        let path = format!("/Consent/{}", path_segment(consent_id));
        let (answer, posted) = match self.consent_calls {
            FetchMethod::Get => (self.client.get(aa_id, &path).await?, false),
            method => match self.client.post(aa_id, "/Consent/fetch", &request).await {
                Ok(answer) => (answer, true),
                Err(error) if method == FetchMethod::PostThenGet && not_served(&error) => {
                    tracing::info!(
                        peer.id = aa_id,
                        "POST /Consent/fetch is not served; trying the 1.1.x GET"
                    );
                    (self.client.get(aa_id, &path).await?, false)
                }
                Err(error) => return Err(error.into()),
            },
        };
        let answer: ConsentArtefact = answer;
        let now = self.clock.now();
        Self::checked(aa_id, answer, |a| {
            // The POST's answer speaks the request's version; the GET's any we speak.
            let version_ok = if posted {
                a.ver == self.ver()
            } else {
                ApiVersion::parse(&a.ver).is_ok()
            };
            if !version_ok {
                return Err(Refused::Version {
                    found: a.ver.clone(),
                    sent: if posted {
                        self.ver()
                    } else {
                        "2.1.0, 2.0.0, 1.1.3 or 1.1.2"
                    }
                    .to_owned(),
                });
            }
            answers::echoed("consentId", consent_id, &a.consent_id)?;
            answers::created(&a.create_timestamp, now)
        })
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
            ver: self.ver().to_owned(),
            timestamp: self.timestamp(),
            txnid: txnid.to_owned(),
            fi_data_range: range,
            consent,
            key_material,
        };
        let answer: FiResponse = self.client.post(aa_id, "/FI/request", &request).await?;
        let now = self.clock.now();
        let answer = Self::checked(aa_id, answer, |a| {
            answers::envelope(
                Some((self.ver(), txnid)),
                &a.ver,
                &a.timestamp,
                &a.txnid,
                now,
            )?;
            answers::echoed("consentId", &consent_id, &a.consent_id)?;
            answers::usable("sessionId", &a.session_id)
        })?;
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
            ver: self.ver().to_owned(),
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
                let now = self.clock.now();
                let sent = Some((self.ver(), txnid.as_str()));
                let answer = Self::checked(aa_id, answer, |a| {
                    answers::envelope(sent, &a.ver, &a.timestamp, &a.txnid, now)
                })?;
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
        let now = self.clock.now();
        let answer = Self::checked(aa_id, answer, |a| {
            answers::envelope(None, &a.ver, &a.timestamp, &a.txnid, now)
        })?;
        Ok(answer.fi)
    }
}

/// The AA does not serve the route at all (as a 1.1.x AA answers the 2.0.0 POST); a 404
/// `NoDataFound` is the route's own answer (the data is not ready), not a missing route.
fn not_served(error: &OutboundError) -> bool {
    match error {
        OutboundError::Rebit { error, .. } if error.error_code == ErrorCode::NoDataFound => false,
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
