//! Schema validation of ReBIT 2.0.0 bodies against the spec's own files: the AA, FIP and FIU
//! OpenAPI (Swagger 2.0) YAMLs, checked in verbatim under `crates/aa-core/spec/` and parsed once,
//! on first use, with `serde_yaml` (already a dependency; no build step, no JSON copy to keep in
//! step).
//!
//! An [`Endpoint`] is a `POST` path of one role's file: the role that *receives* the request.
//! [`Endpoint::check_request`] holds a request body to the operation's body schema (what each
//! role's extractor does before the typed parse), [`Endpoint::check_answer`] holds an answer to
//! its `200` schema (what the outbound client does before the typed parse). A failure is an
//! [`Invalid`] whose code is `InvalidRequest`, or, for a malformed (present, not missing)
//! consent handle, consent id, session id or status, its own code where the endpoint's `400`
//! answer lists it ([`rules::code_for`]).
//!
//! Only `2.0.0` and `2.1.0` bodies are held to these files ([`applies_to`]): a body naming a
//! 1.1.x version keeps the 1.1.x spellings the wire types accept, and one naming an unknown
//! version is answered `NoSuchVersion` by the envelope check. A `2.1.0` body is held to the
//! SahamatiNet Router's files of the receiving role (`spec/sahamati/sahamati-router-*.yaml`:
//! the AA's and FIP's 2.1.0, the FIU's 2.0.0, which is the router's only FIU file).

use std::sync::OnceLock;

use serde_json::Value;

use crate::rebit::error::ErrorCode;
use crate::registry::Role;
use crate::validate::{ApiVersion, Invalid};

mod rules;
mod walk;

const AA_YAML: &str = include_str!("../../spec/rebit-aa-2.0.0.yaml");
const FIP_YAML: &str = include_str!("../../spec/rebit-fip-2.0.0.yaml");
const FIU_YAML: &str = include_str!("../../spec/rebit-fiu-2.0.0.yaml");
const ROUTER_AA_YAML: &str = include_str!("../../spec/sahamati/sahamati-router-aa-2.1.0.yaml");
const ROUTER_FIP_YAML: &str = include_str!("../../spec/sahamati/sahamati-router-fip-2.1.0.yaml");
const ROUTER_FIU_YAML: &str = include_str!("../../spec/sahamati/sahamati-router-fiu-2.0.0.yaml");

/// The spec file of the role that receives a request in `version` (2.0.0 or 2.1.0), parsed
/// once.
fn document(receiver: Role, version: ApiVersion) -> Result<&'static Value, Invalid> {
    static CELLS: [OnceLock<Option<Value>>; 6] = [const { OnceLock::new() }; 6];
    let routed = version == ApiVersion::V2_1_0;
    let (index, text) = match (receiver, routed) {
        (Role::Aa, false) => (0, AA_YAML),
        (Role::Fip, false) => (1, FIP_YAML),
        (Role::Fiu, false) => (2, FIU_YAML),
        (Role::Aa, true) => (3, ROUTER_AA_YAML),
        (Role::Fip, true) => (4, ROUTER_FIP_YAML),
        (Role::Fiu, true) => (5, ROUTER_FIU_YAML),
    };
    CELLS[index]
        .get_or_init(|| parse(text))
        .as_ref()
        .ok_or_else(|| {
            Invalid::new(
                ErrorCode::InternalError,
                format!("the {} schema does not load", version.as_str()),
            )
        })
}

/// The ReBIT 2.0.0 file of `role` (the API that role serves), parsed: what every request to it
/// is held to, and what it publishes as its API document.
pub fn spec(role: Role) -> Result<&'static Value, Invalid> {
    document(role, ApiVersion::V2_0_0)
}

/// libyaml refuses the one tab the AA file has (inside a description): tabs become spaces.
fn parse(text: &str) -> Option<Value> {
    serde_yaml::from_str(&text.replace('\t', " ")).ok()
}

/// True when `body` is to be held to the files: its `ver` is `2.0.0` or `2.1.0`, or missing,
/// blank or not a string (the 2.0.0 schema then refuses it). A 1.1.x or unknown version is not.
pub fn applies_to(body: &Value) -> bool {
    schema_version(body).is_some()
}

/// The files `body` is held to: `Some(2.1.0)` for a 2.1.0 body, `Some(2.0.0)` for a 2.0.0 body
/// or one without a usable `ver`, `None` for a 1.1.x or unknown version.
fn schema_version(body: &Value) -> Option<ApiVersion> {
    match body.get("ver") {
        Some(Value::String(ver)) if !ver.trim().is_empty() => match ApiVersion::parse(ver) {
            Ok(v @ (ApiVersion::V2_0_0 | ApiVersion::V2_1_0)) => Some(v),
            _ => None,
        },
        _ => Some(ApiVersion::V2_0_0),
    }
}

/// One `POST` operation of a role's 2.0.0 file.
#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    doc: &'static Value,
    operation: &'static Value,
}

impl Endpoint {
    /// The `POST` operation at `path` (`/FI/request`) in the file of `receiver`, the role that
    /// serves it; `None` if that file has none.
    pub fn find(receiver: Role, path: &str) -> Result<Option<Self>, Invalid> {
        Self::find_in(receiver, ApiVersion::V2_0_0, path)
    }

    /// The same in the files of `version` (2.1.0: the router's).
    pub fn find_in(
        receiver: Role,
        version: ApiVersion,
        path: &str,
    ) -> Result<Option<Self>, Invalid> {
        let doc = document(receiver, version)?;
        Ok(doc
            .get("paths")
            .and_then(|paths| paths.get(path))
            .and_then(|item| item.get("post"))
            .map(|operation| Self { doc, operation }))
    }

    /// The body schema of the request.
    fn request_schema(&self) -> Option<&'static Value> {
        self.operation
            .get("parameters")?
            .as_array()?
            .iter()
            .find(|p| p.get("in").and_then(Value::as_str) == Some("body"))?
            .get("schema")
    }

    /// The schema of the answer with `status`.
    fn answer_schema(&self, status: &str) -> Option<&'static Value> {
        self.operation.get("responses")?.get(status)?.get("schema")
    }

    /// The `errorCode`s the endpoint's `400` answer lists (the definition's own list, else the
    /// list of the definition it extends).
    pub fn bad_request_codes(&self) -> Vec<String> {
        let mut schema = self.answer_schema("400");
        for _ in 0..8 {
            let Some(current) = schema.map(|s| self.definition(s)) else {
                break;
            };
            if let Some(codes) = current
                .and_then(|s| s.pointer("/properties/errorCode/enum"))
                .and_then(Value::as_array)
            {
                return codes
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect();
            }
            schema = current
                .and_then(|s| s.get("allOf"))
                .and_then(|parts| parts.get(0));
        }
        Vec::new()
    }

    fn definition(&self, schema: &'static Value) -> Option<&'static Value> {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => self
                .doc
                .get("definitions")?
                .get(reference.strip_prefix("#/definitions/")?),
            None => Some(schema),
        }
    }

    /// Holds a request body to the operation's body schema.
    pub fn check_request(&self, body: &Value) -> Result<(), Invalid> {
        match self.request_schema() {
            Some(schema) => self.check(schema, body),
            None => Ok(()),
        }
    }

    /// Holds a `200` answer to the operation's answer schema.
    pub fn check_answer(&self, body: &Value) -> Result<(), Invalid> {
        match self.answer_schema("200") {
            Some(schema) => self.check(schema, body),
            None => Ok(()),
        }
    }

    fn check(&self, schema: &Value, body: &Value) -> Result<(), Invalid> {
        walk::check(self.doc, schema, body).map_err(|failure| {
            let code = rules::code_for(
                failure.field(),
                failure.parent(),
                failure.missing,
                &self.bad_request_codes(),
            );
            Invalid::new(code, failure.message())
        })
    }
}

/// Holds a request to `path` at a `receiver` to its 2.0.0 schema; a 1.1.x body, or a path the
/// receiver's file does not define, passes.
pub fn check_request(receiver: Role, path: &str, body: &Value) -> Result<(), Invalid> {
    let Some(version) = schema_version(body) else {
        return Ok(());
    };
    match Endpoint::find_in(receiver, version, path)? {
        Some(endpoint) => endpoint.check_request(body),
        None => Ok(()),
    }
}

/// Holds a `200` answer of a `callee` to a `POST` to `path` to its 2.0.0 schema: what the
/// outbound client runs before it parses an answer.
pub fn check_answer(callee: Role, path: &str, body: &Value) -> Result<(), Invalid> {
    let Some(version) = schema_version(body) else {
        return Ok(());
    };
    match Endpoint::find_in(callee, version, path)? {
        Some(endpoint) => endpoint.check_answer(body),
        None => Ok(()),
    }
}

#[cfg(test)]
mod rules_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod walk_tests;
