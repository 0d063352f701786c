//! The verified-body extractor. Order of checks, each with the spec's answer:
//!
//! 0. `x-request-meta`, where a request forwarded by the Router carries it: unreadable, or
//!    naming another entity than this service -> 400 `InvalidRequest` (`super::request_meta`).
//! 1. API key (`client_api_key`, `fip_api_key` or `aa_api_key`, raw or after `Bearer `):
//!    missing, malformed, expired, signed by an unknown issuer or with a bad claim (named) ->
//!    401 `Unauthorized`; the header must match the caller's role.
//! 2. `x-jws-signature` over the raw body: missing, malformed, unknown `kid` or not verifying ->
//!    400 `SignatureDoesNotMatch`. A header without `kid` is verified against the keys the
//!    registry holds for the API key's entity.
//! 3. Binding: the entity that signed must be the entity the API key names -> else 400
//!    `InvalidRequest`.
//! 4. Role: the caller's role must be one the extractor's role parameter admits
//!    (`Verified<FiRequest, FromFiu>`) -> else 401 `Unauthorized`.
//! 5. Schema: a 2.0.0 body must fit the ReBIT YAML of the receiving role for the request's path
//!    ([`aa_core::schema`]: types, formats, enums, required fields, empty = missing, canonical
//!    UUIDs) -> else 400 `InvalidRequest`, or `InvalidConsentHandle`, `InvalidConsentId`,
//!    `InvalidSessionId` for those identifiers where the endpoint lists the code. Needs
//!    [`InboundAuth::receiving_as`]; every service's identity sets it.
//! 6. Parse: the JSON must fit the type -> else 400 `InvalidRequest`.
//!
//! Only then does the handler run, with the caller's identity and the parsed body. As soon as
//! the body is read, the request's `ver` and `txnid` are recorded ([`Echo`] in the request's
//! extensions) so that the ReBIT scope echoes them into any error answer, the extractor's own
//! included; the 1.1.x GET endpoints have no body and record `ver` 1.1.2 with a fresh `txnid`
//! ([`VerifiedUri::txnid`]).

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

pub use super::caller::{AnyRole, Caller, CallerRole, FromAa, FromFip, FromFiu, FromFiuOrFip};
use super::error::Echo;
use super::{RebitError, VerifierHandle, JWS_HEADER};
use crate::registry::RegistryHandle;
use aa_core::apikey::{self, ApiKeyError, Claims};
use aa_core::jws::detached;
use aa_core::rebit::error::ErrorCode;
use aa_core::registry::Role;
use aa_core::schema;

/// Everything the extractor needs; register with `App::app_data(web::Data::new(InboundAuth))`.
#[derive(Debug, Clone)]
pub struct InboundAuth {
    pub registry: RegistryHandle,
    /// The API-key verifier, swapped in place when the token service's keys change.
    pub api_keys: VerifierHandle,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// The role whose 2.0.0 YAML request bodies are held to (step 5); `None` (test fakes)
    /// skips the schema step.
    pub receiver: Option<Role>,
    /// The entity this service is: a forwarded request's `x-request-meta` must name it.
    pub entity_id: Option<String>,
}

impl InboundAuth {
    pub fn new(registry: impl Into<RegistryHandle>, api_keys: apikey::Verifier) -> Self {
        Self {
            registry: registry.into(),
            api_keys: VerifierHandle::new(api_keys),
            max_body_bytes: 4 * 1024 * 1024,
            receiver: None,
            entity_id: None,
        }
    }

    /// Verifies API keys with `handle` (kept fresh elsewhere) instead.
    pub fn with_api_keys(mut self, handle: VerifierHandle) -> Self {
        self.api_keys = handle;
        self
    }

    /// Refuses forwarded requests whose `x-request-meta` names another entity than `id`.
    pub fn serving(mut self, id: &str) -> Self {
        self.entity_id = Some(id.to_owned());
        self
    }

    /// Holds every request body to the 2.0.0 schema of `role`, the role this service plays.
    pub fn receiving_as(mut self, role: Role) -> Self {
        self.receiver = Some(role);
        self
    }
}

/// A request body whose API key, signature and caller role were verified before it was parsed.
#[derive(Debug, Clone)]
pub struct Verified<T, R = AnyRole> {
    pub caller: Caller,
    pub body: T,
    /// The exact bytes received (for idempotency hashing, never for logging).
    pub raw: web::Bytes,
    role: PhantomData<R>,
}

/// A GET request whose detached signature covers its URI path (the 1.1.x GET endpoints).
#[derive(Debug, Clone)]
pub struct VerifiedUri<R = AnyRole> {
    pub caller: Caller,
    /// The `txnid` the answer carries: the request has none, so a fresh one, which error
    /// answers echo too.
    pub txnid: String,
    role: PhantomData<R>,
}

/// The `ver` every answer to a 1.1.x GET request carries.
pub const LEGACY_GET_VER: &str = "1.1.2";

/// Step 4: the caller's role must be one `R` admits.
fn check_role<R: CallerRole>(role: Role) -> Result<(), RebitError> {
    if R::ROLES.contains(&role) {
        Ok(())
    } else {
        Err(RebitError::new(
            ErrorCode::Unauthorized,
            format!("a {role} may not call this endpoint"),
        ))
    }
}

fn auth_of(req: &HttpRequest) -> Result<web::Data<InboundAuth>, RebitError> {
    req.app_data::<web::Data<InboundAuth>>()
        .cloned()
        .ok_or_else(|| RebitError::internal(&"InboundAuth is not registered"))
}

fn unauthorized(e: ApiKeyError) -> RebitError {
    RebitError::new(ErrorCode::Unauthorized, e.to_string())
}

/// Step 1: the API key, and the role its header stands for.
fn check_api_key(req: &HttpRequest, auth: &InboundAuth) -> Result<(Claims, Role), RebitError> {
    let present: Vec<(Role, &str)> = [Role::Fiu, Role::Fip, Role::Aa]
        .into_iter()
        .filter_map(|role| {
            let value = req.headers().get(role.api_key_header())?;
            Some((role, value.to_str().unwrap_or("")))
        })
        .collect();
    let (header_role, token) = match present.as_slice() {
        [] => return Err(unauthorized(ApiKeyError::Missing)),
        [one] => *one,
        _ => {
            return Err(RebitError::new(
                ErrorCode::Unauthorized,
                "send exactly one API key header",
            ))
        }
    };
    let now = crate::clock::Clock::system().now().unix_timestamp();
    let claims = auth
        .api_keys
        .current()
        .verify(token, now)
        .map_err(unauthorized)?;
    let registry = auth.registry.current();
    let entity = registry.entity(&claims.azp).ok_or_else(|| {
        RebitError::new(
            ErrorCode::Unauthorized,
            format!(
                "API key names entity {:?}, which the registry does not list",
                claims.azp
            ),
        )
    })?;
    if entity.role != header_role {
        return Err(RebitError::new(
            ErrorCode::Unauthorized,
            format!(
                "a {} sends its API key in {}",
                entity.role,
                entity.role.api_key_header()
            ),
        ));
    }
    Ok((claims, entity.role))
}

/// Steps 2 and 3: the signature over `signed`, and the binding to the API key's entity.
fn check_signature(
    req: &HttpRequest,
    auth: &InboundAuth,
    claims: &Claims,
    signed: &[&[u8]],
) -> Result<(), RebitError> {
    let mismatch = |m: String| RebitError::new(ErrorCode::SignatureDoesNotMatch, m);
    let jws = req
        .headers()
        .get(JWS_HEADER)
        .ok_or_else(|| mismatch("x-jws-signature is missing".into()))?
        .to_str()
        .map_err(|_| mismatch("x-jws-signature is not ASCII".into()))?;
    let parsed = detached::parse(jws).map_err(|e| mismatch(e.to_string()))?;
    let registry = auth.registry.current();
    let verified = match parsed.header.kid.as_deref() {
        Some(kid) => {
            let (signer, key) = registry
                .by_kid(kid)
                .ok_or_else(|| mismatch(format!("no registered key with kid {kid:?}")))?;
            let verified = crate::metrics::time("jws_verify", || {
                signed.iter().any(|bytes| parsed.verify(key, bytes).is_ok())
            });
            verified.then_some(signer)
        }
        // RFC 7515 makes `kid` optional: the API key says who is calling, so the signature
        // must verify under one of that entity's registered keys.
        None => {
            let signer = registry.entity(&claims.azp).ok_or_else(|| {
                mismatch("the header names no kid and the API key's entity is unknown".into())
            })?;
            let verified = crate::metrics::time("jws_verify", || {
                signed
                    .iter()
                    .any(|bytes| parsed.verify_among(&signer.keys, bytes).is_ok())
            });
            verified.then_some(signer)
        }
    };
    let signer = verified.ok_or_else(|| mismatch("signature does not verify".into()))?;
    claims
        .ensure_entity(&signer.id)
        .map_err(|e| RebitError::new(ErrorCode::InvalidRequest, e.to_string()))
}

/// Step 5: the body as JSON, held to the receiver's 2.0.0 schema for this path.
fn check_schema(
    req: &HttpRequest,
    auth: &InboundAuth,
    raw: &[u8],
) -> Result<serde_json::Value, RebitError> {
    let json: serde_json::Value = serde_json::from_slice(raw).map_err(|e| {
        RebitError::new(
            ErrorCode::InvalidRequest,
            format!("request body is not JSON: {e}"),
        )
    })?;
    if let Some(receiver) = auth.receiver {
        schema::check_request(receiver, req.path(), &json).map_err(|invalid| {
            if invalid.code == ErrorCode::InternalError {
                RebitError::internal(&invalid)
            } else {
                RebitError::new(invalid.code, invalid.message)
            }
        })?;
    }
    Ok(json)
}

async fn read_body(payload: &mut Payload, limit: usize) -> Result<web::Bytes, RebitError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| {
            RebitError::new(ErrorCode::InvalidRequest, "request body could not be read")
        })?;
        if body.len() + chunk.len() > limit {
            return Err(RebitError::new(
                ErrorCode::InvalidRequest,
                format!("request body exceeds {limit} bytes"),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

impl<T: DeserializeOwned + 'static, R: CallerRole> FromRequest for Verified<T, R> {
    type Error = RebitError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let auth = auth_of(&req)?;
            let raw = read_body(&mut payload, auth.max_body_bytes).await?;
            req.extensions_mut().insert(Echo::from_body(&raw));
            super::request_meta::check(&req, &auth)?;
            let (claims, role) = check_api_key(&req, &auth)?;
            check_signature(&req, &auth, &claims, &[&raw])?;
            check_role::<R>(role)?;
            let json = check_schema(&req, &auth, &raw)?;
            let body = T::deserialize(&json).map_err(|e| {
                RebitError::new(
                    ErrorCode::InvalidRequest,
                    format!("request body does not match the schema: {e}"),
                )
            })?;
            let caller = Caller {
                entity_id: claims.azp.clone(),
                role,
                claims,
            };
            req.extensions_mut().insert(caller.clone());
            Ok(Verified {
                caller,
                body,
                raw,
                role: PhantomData,
            })
        })
    }
}

impl<R: CallerRole> FromRequest for VerifiedUri<R> {
    type Error = RebitError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let auth = auth_of(&req)?;
            super::request_meta::check(&req, &auth)?;
            let (claims, role) = check_api_key(&req, &auth)?;
            // The 1.1.x spec signs "the endpoint URI"; whether the query is included is not
            // specified, so the path alone and the path with its query are both accepted.
            let path = req.uri().path().as_bytes().to_vec();
            let full = req
                .uri()
                .path_and_query()
                .map(|pq| pq.as_str().as_bytes().to_vec())
                .unwrap_or_default();
            check_signature(&req, &auth, &claims, &[&path, &full])?;
            // From here on errors speak 1.1.2, as the handlers' answers do.
            let txnid = uuid::Uuid::new_v4().to_string();
            req.extensions_mut().insert(Echo {
                ver: Some(LEGACY_GET_VER.to_owned()),
                txnid: Some(txnid.clone()),
            });
            check_role::<R>(role)?;
            let caller = Caller {
                entity_id: claims.azp.clone(),
                role,
                claims,
            };
            req.extensions_mut().insert(caller.clone());
            Ok(VerifiedUri {
                caller,
                txnid,
                role: PhantomData,
            })
        })
    }
}
