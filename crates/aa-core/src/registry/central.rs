//! The Sahamati Central Registry's entity lists read into a [`Registry`]
//! (`spec/sahamati/`: the CR API details, the 1.2.0 OpenAPI, the v1.0 service API and its v2
//! sample). The CR answers `GET /entityInfo/{AA|FIP|FIU}` and `GET /v2/entityInfo/{type}` in
//! three shapes, all read here:
//!
//! - an array of `EntityInfo` objects (the 1.2.0 OpenAPI: `baseUrl`, `entityHandle`),
//! - an array of envelopes `{ver, timestamp, txnid, requester, entityinfo}` (the v2 sample:
//!   `baseurl`, `entityhandle`),
//! - one such envelope (the CR API details' sample, the v1.0 service API's schema).
//!
//! The public key is `certificate`, a JWK (RS256, `use` `sig`, with its `kid`); a PEM string
//! carries no `kid`, so such an entry is skipped.
//! Reading is strict per entry and forgiving per list: an entry we cannot use (no id, no
//! http(s) base URL, no usable key, an id or `kid` seen before) is skipped and reported in
//! [`Skipped`] with the reason, so one bad entry never hides the others; an answer that is not
//! an entity list at all is an error, and so is an answer set without our own entity.

use std::collections::HashSet;

use serde_json::Value;

use super::{Entity, Registry, Role};
use crate::jws::VerifyingKey;

/// An entry of a CR answer that was left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The list it came from.
    pub role: Role,
    /// Its `id`, or its position (`#2`) when it has none.
    pub entry: String,
    pub reason: String,
}

/// Why a set of CR answers gives no registry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CentralError {
    #[error("the {role} list is not JSON: {message}")]
    NotJson { role: Role, message: String },
    #[error("the {role} list is not an entity list: {message}")]
    NotAList { role: Role, message: String },
    #[error("our entity {0:?} is not in the Central Registry's answers")]
    MissingSelf(String),
}

/// A registry read from CR answers, with the entries left out.
#[derive(Debug, Clone)]
pub struct Read {
    pub registry: Registry,
    pub skipped: Vec<Skipped>,
}

/// The entity types a caller of `role` may list (the CR API details: an AA sees FIPs and FIUs
/// and itself, an FIU sees AAs and FIPs and itself, an FIP sees AAs and itself).
pub fn visible_types(role: Role) -> &'static [Role] {
    match role {
        Role::Aa => &[Role::Aa, Role::Fip, Role::Fiu],
        Role::Fiu => &[Role::Aa, Role::Fip, Role::Fiu],
        Role::Fip => &[Role::Aa, Role::Fip],
    }
}

/// Reads the answers of the CR, one `(entity type, body)` per list, into a registry whose token
/// issuers are those of `token_issuers` (the CR does not publish them). `our_id` must be among
/// the entities read.
pub fn read(
    answers: &[(Role, &[u8])],
    token_issuers: &Registry,
    our_id: &str,
) -> Result<Read, CentralError> {
    let mut registry = Registry {
        issuers: token_issuers.issuers.clone(),
        ..Registry::default()
    };
    let mut kids: HashSet<String> = registry
        .issuers
        .iter()
        .map(|(_, key)| key.kid().to_owned())
        .collect();
    let mut skipped = Vec::new();
    for (role, body) in answers {
        for entry in entries(*role, body)? {
            let entity = match entry {
                Ok(entity) => entity,
                Err(skip) => {
                    skipped.push(skip);
                    continue;
                }
            };
            let skip = |reason: String| Skipped {
                role: *role,
                entry: entity.id.clone(),
                reason,
            };
            if registry.by_id.contains_key(&entity.id) {
                skipped.push(skip("its id appears earlier in the answers".into()));
                continue;
            }
            if let Some(kid) = entity
                .keys
                .iter()
                .map(|k| k.kid())
                .find(|k| kids.contains(*k))
            {
                skipped.push(skip(format!("its key id {kid:?} is already taken")));
                continue;
            }
            let index = registry.entities.len();
            for (key_index, key) in entity.keys.iter().enumerate() {
                kids.insert(key.kid().to_owned());
                registry
                    .by_kid
                    .insert(key.kid().to_owned(), (index, key_index));
            }
            registry.by_id.insert(entity.id.clone(), index);
            registry.entities.push(entity);
        }
    }
    if registry.entity(our_id).is_none() {
        return Err(CentralError::MissingSelf(our_id.to_owned()));
    }
    Ok(Read { registry, skipped })
}

/// The entries of one list, each an entity or the reason it is skipped.
fn entries(role: Role, body: &[u8]) -> Result<Vec<Result<Entity, Skipped>>, CentralError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| CentralError::NotJson {
        role,
        message: e.to_string(),
    })?;
    let not_a_list = |message: &str| CentralError::NotAList {
        role,
        message: message.to_owned(),
    };
    let items = match value {
        Value::Array(items) => items,
        Value::Object(ref map) if map.contains_key("entityinfo") => vec![value],
        _ => {
            return Err(not_a_list(
                "neither an array nor an envelope with entityinfo",
            ))
        }
    };
    Ok(items
        .iter()
        .enumerate()
        .map(|(position, item)| {
            let info = item.get("entityinfo").unwrap_or(item);
            let entry = info
                .get("id")
                .and_then(Value::as_str)
                .filter(|id| !id.trim().is_empty())
                .map_or_else(|| format!("#{position}"), str::to_owned);
            entity(role, info).map_err(|reason| Skipped {
                role,
                entry,
                reason,
            })
        })
        .collect())
}

/// One `EntityInfo` object as an entity of `role`.
fn entity(role: Role, info: &Value) -> Result<Entity, String> {
    if !info.is_object() {
        return Err("the entry is not an object".into());
    }
    let text = |name: &str| info.get(name).and_then(Value::as_str).map(str::trim);
    let id = text("id")
        .filter(|id| !id.is_empty())
        .ok_or("it has no id")?
        .to_owned();
    let base_url = text("baseurl")
        .or_else(|| text("baseUrl"))
        .filter(|url| !url.is_empty())
        .ok_or("it has no baseurl")?;
    let lower = base_url.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) || base_url.contains(' ') {
        return Err(format!("its baseurl {base_url:?} is not an http(s) URL"));
    }
    let key = certificate(info.get("certificate"))?;
    Ok(Entity {
        name: text("name")
            .filter(|n| !n.is_empty())
            .unwrap_or(&id)
            .to_owned(),
        id,
        role,
        base_url: base_url.trim_end_matches('/').to_owned(),
        keys: vec![key],
    })
}

/// The `certificate` field: a JWK (the documents' form) or a PEM public key.
fn certificate(value: Option<&Value>) -> Result<VerifyingKey, String> {
    let jwk = match value {
        None | Some(Value::Null) => return Err("it has no certificate".into()),
        Some(Value::Object(jwk)) => jwk,
        Some(Value::String(pem)) => {
            return Err(if crate::pem::is_pem(pem.trim()) {
                "its certificate is a PEM key without a kid".into()
            } else {
                "its certificate is neither a JWK nor PEM".into()
            })
        }
        Some(_) => return Err("its certificate is neither a JWK nor PEM".into()),
    };
    let field = |name: &str| jwk.get(name).and_then(Value::as_str);
    if let Some(alg) = field("alg").filter(|alg| *alg != "RS256") {
        return Err(format!("its certificate is for {alg:?}, not RS256"));
    }
    if let Some(usage) = field("use").filter(|usage| *usage != "sig") {
        return Err(format!("its certificate is for use {usage:?}, not sig"));
    }
    if field("kid").is_none_or(|kid| kid.trim().is_empty()) {
        return Err("its certificate has no kid".into());
    }
    VerifyingKey::from_text(&Value::Object(jwk.clone()).to_string(), None)
        .map_err(|e| format!("its certificate is unusable: {e}"))
}

#[cfg(test)]
#[path = "central_tests.rs"]
mod tests;
