//! The JOSE protected header: parsed strictly enough to refuse what we do not understand.

use serde_json::Value;

use super::{b64url_decode, JwsError};

/// What a verified header tells the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The key the signer names. RFC 7515 makes `kid` optional; a header without one is
    /// verified against the keys of the entity the caller otherwise proves it is
    /// ([`super::detached::verify_among`]).
    pub kid: Option<String>,
    /// `false` for RFC 7797 unencoded payloads; `true` (the default) for standard JWS.
    pub b64: bool,
}

impl Header {
    /// The `kid`, for a caller that can choose a key by it only.
    pub fn required_kid(&self) -> Result<&str, JwsError> {
        self.kid
            .as_deref()
            .ok_or(JwsError::Malformed("kid is missing"))
    }
}

/// Decodes and checks a protected header segment: alg RS256 only, `kid` a non-empty string if
/// present, `b64` a boolean,
/// and every `crit` entry one we understand (only `b64`).
pub fn parse(segment: &str) -> Result<Header, JwsError> {
    let bytes = b64url_decode(segment)?;
    let value: Value =
        serde_json::from_slice(&bytes).map_err(|_| JwsError::Malformed("header is not JSON"))?;
    let object = value
        .as_object()
        .ok_or(JwsError::Malformed("header is not a JSON object"))?;
    match object.get("alg") {
        Some(Value::String(alg)) if alg == "RS256" => {}
        Some(Value::String(alg)) => return Err(JwsError::UnsupportedAlgorithm(alg.clone())),
        Some(_) => return Err(JwsError::Malformed("alg is not a string")),
        None => return Err(JwsError::Malformed("alg is missing")),
    }
    let kid = match object.get("kid") {
        None => None,
        Some(Value::String(kid)) if !kid.is_empty() => Some(kid.clone()),
        Some(_) => return Err(JwsError::Malformed("kid is not a non-empty string")),
    };
    let b64 = match object.get("b64") {
        None => true,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(JwsError::Malformed("b64 is not a boolean")),
    };
    if let Some(crit) = object.get("crit") {
        let entries = crit
            .as_array()
            .filter(|a| !a.is_empty())
            .ok_or(JwsError::Malformed("crit is not a non-empty array"))?;
        for entry in entries {
            match entry.as_str() {
                Some("b64") if object.contains_key("b64") => {}
                Some("b64") => return Err(JwsError::Malformed("crit names b64 but b64 is absent")),
                Some(other) => return Err(JwsError::UnknownCritical(other.to_owned())),
                None => return Err(JwsError::Malformed("crit entry is not a string")),
            }
        }
    }
    Ok(Header { kid, b64 })
}
