//! Compact JWS (`header.payload.signature`) for signed consent artefacts. We sign with header
//! `{"alg":"RS256","kid":"<kid>"}`; the third segment is what `FI/request` carries as
//! `Consent.digitalSignature`.

use super::header::{self, Header};
use super::{b64url, b64url_decode, JwsError, SigningKey, VerifyingKey};

/// The protected header we send.
pub fn protected_header(kid: &str) -> String {
    let kid = serde_json::Value::String(kid.to_owned()).to_string();
    format!(r#"{{"alg":"RS256","kid":{kid}}}"#)
}

/// Signs `payload` (the ConsentDetail JSON bytes) as a compact JWS.
pub fn sign(key: &SigningKey, payload: &[u8]) -> String {
    let mut jws = b64url(protected_header(key.kid()).as_bytes());
    jws.push('.');
    jws.push_str(&b64url(payload));
    let signature = key.sign(jws.as_bytes());
    jws.push('.');
    jws.push_str(&b64url(&signature));
    jws
}

/// A verified compact JWS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub header: Header,
    /// The payload bytes.
    pub payload: Vec<u8>,
    /// The signature segment, as sent (base64url).
    pub signature_segment: String,
}

/// The `kid` a compact JWS names, to choose the key before verifying.
pub fn kid(jws: &str) -> Result<String, JwsError> {
    let segment = jws
        .trim()
        .split('.')
        .next()
        .ok_or(JwsError::Malformed("empty JWS"))?;
    Ok(header::parse(segment)?.required_kid()?.to_owned())
}

/// The third segment of a compact JWS, as `digitalSignature` carries it.
pub fn signature_segment(jws: &str) -> Option<&str> {
    let mut parts = jws.trim().split('.');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(_), Some(_), Some(sig), None) if !sig.is_empty() => Some(sig),
        _ => None,
    }
}

/// Verifies a compact JWS and returns its payload.
///
/// The signing input is the first two segments as sent. A header with `b64:false` whose payload
/// segment is nonetheless base64url (as some signers emit) is accepted and decoded.
pub fn verify<'k>(
    jws: &str,
    resolve: impl FnOnce(&str) -> Option<&'k VerifyingKey>,
) -> Result<Verified, JwsError> {
    let jws = jws.trim();
    let mut parts = jws.split('.');
    let (Some(header_segment), Some(payload_segment), Some(signature_segment), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwsError::Malformed("expected three dot-separated segments"));
    };
    if payload_segment.is_empty() {
        return Err(JwsError::Malformed("payload is empty"));
    }
    let header = header::parse(header_segment)?;
    let signature = b64url_decode(signature_segment)?;
    let kid = header.required_kid()?;
    let key = resolve(kid).ok_or_else(|| JwsError::UnknownKey(kid.to_owned()))?;
    let signed_len = header_segment.len() + 1 + payload_segment.len();
    key.verify(&jws.as_bytes()[..signed_len], &signature)?;
    let payload = if !header.b64 && payload_segment.starts_with('{') {
        payload_segment.as_bytes().to_vec()
    } else {
        b64url_decode(payload_segment)?
    };
    Ok(Verified {
        header,
        payload,
        signature_segment: signature_segment.to_owned(),
    })
}
