//! The registry's entities in the Central Registry's shapes, for the local CR server (so the
//! CR client is tested over HTTP against the same shapes [`super::central`] reads):
//! [`Form::V1`] is `GET /entityInfo/{type}` as the 1.2.0 OpenAPI gives it (an array of
//! `EntityInfo`, `baseUrl`), [`Form::V2`] is `GET /v2/entityInfo/{type}` as the v2 sample gives
//! it (an array of envelopes, `baseurl`). Which entities a caller sees follows the CR API
//! details: its own type shows only itself, a type it may not see is refused.

use serde_json::{json, Value};
use time::OffsetDateTime;

use super::central::visible_types;
use super::{Entity, Registry, Role};

/// The answer shape of one path family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `/entityInfo/{type}`: an array of `EntityInfo` objects.
    V1,
    /// `/v2/entityInfo/{type}`: an array of `{ver, timestamp, txnid, requester, entityinfo}`.
    V2,
}

/// The entities of `entity_type` that `caller` may see, or `None` when that type is not
/// visible to the caller's role at all (the CR answers 403).
pub fn visible<'r>(
    registry: &'r Registry,
    caller: &'r Entity,
    entity_type: Role,
) -> Option<Vec<&'r Entity>> {
    if entity_type == caller.role {
        return Some(vec![caller]);
    }
    if !visible_types(caller.role).contains(&entity_type) {
        return None;
    }
    Some(registry.with_role(entity_type).collect())
}

/// The answer listing `entities` to `requester` in `form`. An entity's first key is its
/// `certificate` (the CR publishes one key per entity).
pub fn answer(
    entities: &[&Entity],
    requester: &Entity,
    form: Form,
    txnid: &str,
    now: OffsetDateTime,
) -> Value {
    let items = entities.iter().map(|entity| match form {
        Form::V1 => json!({
            "name": entity.name,
            "id": entity.id,
            "code": entity.id,
            "entityHandle": "",
            "identifiers": [{"category": "STRONG", "type": "MOBILE"}],
            "baseUrl": entity.base_url,
            "fitypes": [],
            "certificate": certificate(entity),
            "tokeninfo": {"desc": ""},
            "signature": {},
        }),
        Form::V2 => json!({
            "ver": "1.0",
            "timestamp": timestamp(now),
            "txnid": txnid,
            "requester": {"name": requester.name, "id": requester.id},
            "entityinfo": {
                "name": entity.name,
                "id": entity.id,
                "code": entity.id,
                "entityhandle": "",
                "Identifiers": [{"category": "STRONG", "type": "MOBILE"}],
                "baseurl": entity.base_url,
                "webviewurl": null,
                "fitypes": [],
                "certificate": certificate(entity),
                "tokeninfo": {"url": "", "desc": ""},
                "gsp": null,
                "signature": {},
                "inboundports": null,
                "outboundports": null,
                "ips": null,
                "credentialsPk": null,
            },
        }),
    });
    Value::Array(items.collect())
}

fn certificate(entity: &Entity) -> Value {
    entity.keys.first().map_or(Value::Null, |key| key.to_jwk())
}

/// `2024-02-06 10:11:29.192`, the CR's timestamp form.
fn timestamp(now: OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second(),
        now.millisecond()
    )
}
