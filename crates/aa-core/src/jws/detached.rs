//! `x-jws-signature`: detached JWS over the exact HTTP body bytes.
//!
//! We sign with RFC 7797 unencoded payload, header bytes exactly
//! `{"alg":"RS256","kid":"<kid>","b64":false,"crit":["b64"]}`, signing input
//! `base64url(header) "." body`, output `header..signature`. On receive we also accept `b64:false`
//! without `crit` (the ReBIT FAQ's style) and the RFC 7515 appendix F form (`b64` absent, signing
//! input uses `base64url(body)`).

use super::header::{self, Header};
use super::{b64url, b64url_decode, JwsError, SigningKey, VerifyingKey};

/// The protected header we send, as bytes. `kid` is JSON-escaped.
pub fn protected_header(kid: &str) -> String {
    let kid = serde_json::Value::String(kid.to_owned()).to_string();
    format!(r#"{{"alg":"RS256","kid":{kid},"b64":false,"crit":["b64"]}}"#)
}

/// Signs `body` and returns the `x-jws-signature` value.
pub fn sign(key: &SigningKey, body: &[u8]) -> String {
    let header = b64url(protected_header(key.kid()).as_bytes());
    let mut input = Vec::with_capacity(header.len() + 1 + body.len());
    input.extend_from_slice(header.as_bytes());
    input.push(b'.');
    input.extend_from_slice(body);
    let signature = key.sign(&input);
    format!("{header}..{}", b64url(&signature))
}

/// The parts of a detached JWS, checked for shape but not yet for the signature.
#[derive(Debug, Clone)]
pub struct Parsed<'a> {
    pub header: Header,
    header_segment: &'a str,
    signature: Vec<u8>,
}

/// Splits and checks a detached JWS: three segments, an empty middle one, a header we accept.
pub fn parse(jws: &str) -> Result<Parsed<'_>, JwsError> {
    let jws = jws.trim();
    let mut parts = jws.split('.');
    let (Some(header_segment), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwsError::Malformed("expected three dot-separated segments"));
    };
    if !payload.is_empty() {
        return Err(JwsError::PayloadNotDetached);
    }
    let header = header::parse(header_segment)?;
    let signature = b64url_decode(signature)?;
    if signature.is_empty() {
        return Err(JwsError::Malformed("signature is empty"));
    }
    Ok(Parsed {
        header,
        header_segment,
        signature,
    })
}

impl Parsed<'_> {
    /// Verifies against `body` with the key of `keys` its `kid` names, or with any of them if
    /// it names none; returns the key that verified.
    pub fn verify_among<'k>(
        &self,
        keys: &'k [VerifyingKey],
        body: &[u8],
    ) -> Result<&'k VerifyingKey, JwsError> {
        match self.header.kid.as_deref() {
            Some(kid) => {
                let key = keys
                    .iter()
                    .find(|k| k.kid() == kid)
                    .ok_or_else(|| JwsError::UnknownKey(kid.to_owned()))?;
                self.verify(key, body).map(|()| key)
            }
            None => keys
                .iter()
                .find(|key| self.verify(key, body).is_ok())
                .ok_or(JwsError::BadSignature),
        }
    }

    /// Verifies against `body` with `key` (which the caller chose by `self.header.kid`).
    pub fn verify(&self, key: &VerifyingKey, body: &[u8]) -> Result<(), JwsError> {
        let mut input = Vec::with_capacity(self.header_segment.len() + 1 + body.len() * 4 / 3 + 4);
        input.extend_from_slice(self.header_segment.as_bytes());
        input.push(b'.');
        if self.header.b64 {
            input.extend_from_slice(b64url(body).as_bytes());
        } else {
            input.extend_from_slice(body);
        }
        key.verify(&input, &self.signature)
    }
}

/// Parses `jws`, looks its `kid` up with `resolve`, and verifies it against `body`.
/// Returns the header on success. A header without `kid` is refused here: a caller that knows
/// which entity signed uses [`verify_among`].
pub fn verify<'k>(
    jws: &str,
    body: &[u8],
    resolve: impl FnOnce(&str) -> Option<&'k VerifyingKey>,
) -> Result<Header, JwsError> {
    let parsed = parse(jws)?;
    let kid = parsed.header.required_kid()?;
    let key = resolve(kid).ok_or_else(|| JwsError::UnknownKey(kid.to_owned()))?;
    parsed.verify(key, body)?;
    Ok(parsed.header)
}

/// Verifies `jws` over `body` with one of `keys`, the keys of the one entity that signed: the
/// key its `kid` names, or, for a header without `kid` (RFC 7515 makes it optional, and some
/// signers leave it out), whichever of them verifies.
pub fn verify_among(jws: &str, body: &[u8], keys: &[VerifyingKey]) -> Result<Header, JwsError> {
    let parsed = parse(jws)?;
    parsed.verify_among(keys, body)?;
    Ok(parsed.header)
}
