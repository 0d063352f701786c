//! RS256 JWS as the ecosystem uses it.
//!
//! - [`detached`]: the `x-jws-signature` header (RFC 7797, unencoded payload, `header..signature`).
//! - [`compact`]: signed consent artefacts (`header.payload.signature`).
//! - [`keys`]: RSA signing and verifying keys from PEM (PKCS#8, PKCS#1, SPKI) and JWK.
//!
//! Only RS256 is accepted. Everything that arrives is verified against the exact bytes received,
//! before anything is parsed, and no input can make these functions panic.

pub mod compact;
pub mod detached;
pub mod header;
pub mod keygen;
pub mod keys;

pub use keys::{KeyError, SigningKey, VerifyingKey};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Why a JWS was refused. Messages are safe to return to the caller (they never echo the JWS).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwsError {
    #[error("malformed JWS: {0}")]
    Malformed(&'static str),
    #[error("algorithm {0:?} is not accepted; only RS256")]
    UnsupportedAlgorithm(String),
    #[error("critical header parameter {0:?} is not understood")]
    UnknownCritical(String),
    #[error("a detached signature must have an empty payload segment")]
    PayloadNotDetached,
    #[error("no signing key with kid {0:?}")]
    UnknownKey(String),
    #[error("signature does not verify")]
    BadSignature,
}

pub(crate) fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes base64url without padding, tolerating the padding some encoders still write.
pub(crate) fn b64url_decode(text: &str) -> Result<Vec<u8>, JwsError> {
    URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('=').as_bytes())
        .map_err(|_| JwsError::Malformed("segment is not base64url"))
}
