//! The SahamatiNet Router's `x-request-meta` header (router 2.1.0 files): the Base64 of a JSON
//! object naming the entity the router is to forward the call to, e.g.
//! `{"recipient-id": "SIMULATOR"}` (the files' example,
//! `eyJyZWNpcGllbnQtaWQiOiAiU0lNVUxBVE9SIn0K`, ends with a newline inside the Base64).
//!
//! [`RequestMeta::encode`] writes standard padded Base64 of compact JSON; [`RequestMeta::decode`]
//! is liberal in what the files leave open (padding or none, the URL-safe alphabet, white space
//! around the JSON, other members) and strict in what they say (a JSON object whose
//! `recipient-id` is a non-empty string).

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;

/// The header's name.
pub const HEADER: &str = "x-request-meta";

/// What the header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestMeta {
    /// The entity id the call is for.
    pub recipient_id: String,
}

/// Why a header value is not a request meta; the message is safe to send back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("x-request-meta {0}")]
pub struct BadRequestMeta(&'static str);

impl RequestMeta {
    pub fn for_recipient(recipient_id: &str) -> Self {
        Self {
            recipient_id: recipient_id.to_owned(),
        }
    }

    /// The header value.
    pub fn encode(&self) -> String {
        let json = serde_json::json!({ "recipient-id": self.recipient_id });
        STANDARD.encode(json.to_string())
    }

    /// Reads a header value.
    pub fn decode(value: &str) -> Result<Self, BadRequestMeta> {
        let value = value.trim();
        let bytes = [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
            .iter()
            .find_map(|engine| engine.decode(value).ok())
            .ok_or(BadRequestMeta("is not Base64"))?;
        let json: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|_| BadRequestMeta("is not Base64 of JSON"))?;
        let object = json
            .as_object()
            .ok_or(BadRequestMeta("is not Base64 of a JSON object"))?;
        match object
            .get("recipient-id")
            .and_then(serde_json::Value::as_str)
        {
            Some(id) if !id.trim().is_empty() => Ok(Self::for_recipient(id.trim())),
            Some(_) => Err(BadRequestMeta("names an empty recipient-id")),
            None => Err(BadRequestMeta("has no recipient-id string")),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_router_files_example_decodes() {
        let meta = RequestMeta::decode("eyJyZWNpcGllbnQtaWQiOiAiU0lNVUxBVE9SIn0K").unwrap();
        assert_eq!(meta.recipient_id, "SIMULATOR");
    }

    #[test]
    fn encode_round_trips_and_is_standard_base64_of_compact_json() {
        let meta = RequestMeta::for_recipient("FIP-1");
        let value = meta.encode();
        assert_eq!(
            STANDARD.decode(&value).unwrap(),
            br#"{"recipient-id":"FIP-1"}"#
        );
        assert_eq!(RequestMeta::decode(&value).unwrap(), meta);
        let unpadded = value.trim_end_matches('=');
        assert_eq!(RequestMeta::decode(unpadded).unwrap(), meta);
    }

    #[test]
    fn what_is_not_a_recipient_is_refused_with_the_reason() {
        let b64 = |s: &str| STANDARD.encode(s);
        let cases = [
            ("%%%".to_owned(), "x-request-meta is not Base64"),
            (b64("recipient"), "x-request-meta is not Base64 of JSON"),
            (b64("[1]"), "x-request-meta is not Base64 of a JSON object"),
            (
                b64(r#"{"recipient":"A"}"#),
                "x-request-meta has no recipient-id string",
            ),
            (
                b64(r#"{"recipient-id":7}"#),
                "x-request-meta has no recipient-id string",
            ),
            (
                b64(r#"{"recipient-id":" "}"#),
                "x-request-meta names an empty recipient-id",
            ),
        ];
        for (value, message) in cases {
            assert_eq!(
                RequestMeta::decode(&value).unwrap_err().to_string(),
                message
            );
        }
    }
}
