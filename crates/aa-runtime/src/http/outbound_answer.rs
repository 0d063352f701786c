//! How the outbound client reads a counterparty's signed 2xx answer: the answer to a `POST` is
//! held to the callee role's 2.0.0 schema for that path (`aa_core::schema::check_answer`: the
//! operation's `200` schema in the callee's ReBIT file, plus the UUID fields of its rules)
//! before it is parsed into the caller's type; a `GET` (a 1.1.x endpoint) is parsed as it is.
//! An answer that is not JSON, breaks the schema or does not parse is
//! [`OutboundError::Schema`], logged here once at WARN with the callee, the path and the rule
//! broken (the schema's messages name the field, never its value), never the body.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::outbound_error::OutboundError;
use aa_core::registry::Entity;
use aa_core::schema;

/// The call an answer answers.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Call<'a> {
    /// A `POST` to this path: the answer is held to the callee's schema for it.
    Post(&'a str),
    /// A `GET` (1.1.x): parsed only.
    Get,
}

/// Reads the 2xx answer `bytes` of `entity` to `call` (see the module documentation).
pub(crate) fn read<Resp: DeserializeOwned>(
    entity: &Entity,
    call: Call<'_>,
    bytes: &[u8],
) -> Result<Resp, OutboundError> {
    let Call::Post(path) = call else {
        return serde_json::from_slice(bytes).map_err(|e| OutboundError::Schema {
            entity: entity.id.clone(),
            message: e.to_string(),
        });
    };
    let refuse = |message: String| {
        tracing::warn!(peer.id = %entity.id, path, reason = %message, "discarding an answer that breaks the schema");
        OutboundError::Schema {
            entity: entity.id.clone(),
            message: format!("answer to {path}: {message}"),
        }
    };
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| refuse(format!("not a JSON document ({})", category(&e))))?;
    schema::check_answer(entity.role, path, &value).map_err(|invalid| refuse(invalid.message))?;
    serde_json::from_value(value).map_err(|e| OutboundError::Schema {
        entity: entity.id.clone(),
        message: format!("answer to {path}: {e}"),
    })
}

/// The category of a JSON parse failure, without its position or any quoted input.
fn category(error: &serde_json::Error) -> &'static str {
    match error.classify() {
        serde_json::error::Category::Io => "unreadable",
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Data => "unexpected data",
        serde_json::error::Category::Eof => "cut short",
    }
}

#[cfg(test)]
#[path = "outbound_answer_tests.rs"]
mod tests;
