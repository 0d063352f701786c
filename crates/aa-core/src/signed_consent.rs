//! Verifying a consent artefact's `signedConsent`: a compact JWS (RS256) that the AA which sent
//! it signed with a key the registry publishes for that AA. What a FIP checks on `POST /Consent`
//! and again on `FI/request`, with the spec's codes: a JWS that is malformed, signed with an
//! unregistered key, signed by another entity or not verifying is `SignatureDoesNotMatch`; a
//! payload that is not a consent detail is `InvalidConsentDetail`.

use crate::jws::compact;
use crate::rebit::{ErrorCode, SignedConsentDetail};
use crate::registry::Registry;
use crate::validate::Invalid;

/// A `signedConsent` that verified.
#[derive(Debug, Clone)]
pub struct SignedConsent {
    /// The consent detail, parsed.
    pub detail: SignedConsentDetail,
    /// The same payload as JSON, as signed (kept as sent).
    pub json: serde_json::Value,
    /// The JWS's signature segment (what `FI/request` carries as `digitalSignature`).
    pub signature: String,
}

fn bad_signature(message: impl Into<String>) -> Invalid {
    Invalid::new(ErrorCode::SignatureDoesNotMatch, message)
}

/// Verifies `jws` as signed by the entity `signer_id` with one of its registered keys.
pub fn verify(jws: &str, signer_id: &str, registry: &Registry) -> Result<SignedConsent, Invalid> {
    let kid = compact::kid(jws).map_err(|e| bad_signature(format!("signedConsent: {e}")))?;
    let (owner, key) = registry
        .by_kid(&kid)
        .ok_or_else(|| bad_signature("signedConsent is signed with an unregistered key"))?;
    if owner.id != signer_id {
        return Err(bad_signature(
            "signedConsent is not signed by the calling AA",
        ));
    }
    let verified = compact::verify(jws, |k| (k == kid).then_some(key))
        .map_err(|e| bad_signature(format!("signedConsent: {e}")))?;
    let not_a_detail = |e: serde_json::Error| {
        Invalid::new(
            ErrorCode::InvalidConsentDetail,
            format!("signedConsent does not hold a consent detail: {e}"),
        )
    };
    let detail: SignedConsentDetail =
        serde_json::from_slice(&verified.payload).map_err(not_a_detail)?;
    let json = serde_json::from_slice(&verified.payload).map_err(not_a_detail)?;
    Ok(SignedConsent {
        detail,
        json,
        signature: verified.signature_segment,
    })
}
