//! A local Sahamati Central Registry: a small HTTP/1.1 server (`crate::small_server`) that
//! serves a registry file's entities in the CR's shapes, so the services' CR client is
//! exercised over real HTTP. `GET /entityInfo/{AA|FIP|FIU}` answers the 1.2.0
//! OpenAPI's array of `EntityInfo`, `GET /v2/entityInfo/{type}` the v2 sample's array of
//! envelopes; `/{id}` after either gives one entity. Every request needs
//! `Authorization: Bearer <token>`, a token of one of the file's token issuers naming a
//! registered entity in its role (else 401); what it sees follows the CR API details (its own
//! type shows only itself; a type it may not list is 403). The file is read at every request,
//! so editing it is the CR publishing a change (a new entity, a rotated key). Tokens of a token
//! service it is told to trust ([`LocalCentralRegistry::trust`]) are accepted too, as the live
//! CR accepts the Sahamati token service's.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use aa_core::jws::VerifyingKey;
use aa_core::registry::central_render::{self, Form};
use aa_core::registry::{Registry, Role};
use serde_json::Value;

use crate::small_server::{Request, SmallServer};

/// A running local CR; stopped when dropped.
pub struct LocalCentralRegistry {
    server: SmallServer,
    trusted: Trusted,
}

/// Token issuers trusted beside the file's: (`iss`, key).
type Trusted = Arc<Mutex<Vec<(String, VerifyingKey)>>>;

impl LocalCentralRegistry {
    /// Serves `registry_file` on `listener` until dropped.
    pub fn serve(listener: TcpListener, registry_file: PathBuf) -> Result<Self, String> {
        let trusted = Trusted::default();
        let also = trusted.clone();
        let handler = move |request: &Request| {
            answer(
                &request.method,
                &request.target,
                request.header("authorization"),
                &registry_file,
                &also,
            )
        };
        let server = SmallServer::serve(listener, "local-cr", Arc::new(handler))?;
        Ok(Self { server, trusted })
    }

    /// Accepts tokens whose `iss` is `iss` signed by `key` from now on (a token service's).
    pub fn trust(&self, iss: &str, key: &VerifyingKey) {
        if let Ok(mut trusted) = self.trusted.lock() {
            trusted.push((iss.to_owned(), key.clone()));
        }
    }

    /// The base URL, e.g. `http://127.0.0.1:7005`.
    pub fn url(&self) -> String {
        self.server.url()
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }
}

/// The status and JSON body for one request.
fn answer(
    method: &str,
    target: &str,
    authorization: Option<&str>,
    file: &Path,
    trusted: &Trusted,
) -> (u16, Value) {
    let text = |status: u16, message: &str| (status, Value::String(message.to_owned()));
    if method != "GET" {
        return text(405, "Method not allowed");
    }
    let path = target.split('?').next().unwrap_or("");
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (form, rest) = match segments.as_slice() {
        ["v2", "entityInfo", rest @ ..] => (Form::V2, rest),
        ["entityInfo", rest @ ..] => (Form::V1, rest),
        _ => return text(404, "Resource not found"),
    };
    let (entity_type, id) = match rest {
        [entity_type] => (*entity_type, None),
        [entity_type, id] => (*entity_type, Some(*id)),
        _ => return text(404, "Resource not found"),
    };
    let Ok(entity_type) = entity_type.parse::<Role>() else {
        return text(400, "Something went wrong");
    };
    let Ok(registry) = Registry::load(file) else {
        return text(500, "Internal Server Error");
    };
    let Some(caller) = caller(&registry, authorization, trusted) else {
        return text(401, "Access not allowed");
    };
    let Some(mut entities) = central_render::visible(&registry, caller, entity_type) else {
        return text(403, "Forbidden");
    };
    if let Some(id) = id {
        entities.retain(|entity| entity.id == id);
        if entities.is_empty() {
            return text(404, "Entity not found");
        }
    }
    let txnid = uuid::Uuid::new_v4().to_string();
    let list = central_render::answer(
        &entities,
        caller,
        form,
        &txnid,
        time::OffsetDateTime::now_utc(),
    );
    match (id, list) {
        // One entity: the object itself, not a list of one.
        (Some(_), Value::Array(mut items)) if items.len() == 1 => (200, items.remove(0)),
        (_, list) => (200, list),
    }
}

/// The registered entity a `Bearer` token speaks for, in the role the token names.
fn caller<'r>(
    registry: &'r Registry,
    authorization: Option<&str>,
    trusted: &Trusted,
) -> Option<&'r aa_core::registry::Entity> {
    let token = authorization?.strip_prefix("Bearer ")?.trim();
    let mut verifier = registry.api_key_verifier().ok()?;
    for (iss, key) in trusted.lock().ok()?.iter() {
        verifier.add_issuer_key(iss, key).ok()?;
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let claims = verifier.verify(token, now).ok()?;
    let entity = registry.entity(&claims.azp)?;
    claims.require_role(entity.role.as_str()).ok()?;
    Some(entity)
}
