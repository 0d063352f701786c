//! The outbound ReBIT client: serialises once, signs the exact bytes it sends, attaches the API
//! key for the callee, and verifies the response's `x-jws-signature` against the callee's
//! registered keys before parsing. An unsigned or wrongly signed response is discarded and
//! reported as [`OutboundError::ResponseSignature`]. A 2xx answer to a `POST` is then held to
//! the callee role's 2.0.0 schema for the path called (`super::outbound_answer`), and one that
//! breaks it is [`OutboundError::Schema`]. A 401 answer drops the cached API key and
//! is retried once at once with a fresh one. Every call is counted by counterparty and outcome
//! (`aa_outbound_requests_total`), and signing and verifying are timed.
//!
//! With a Router ([`SignedClient::through_router`]) every call goes to the router's URL with the
//! same path and an `x-request-meta` naming the callee ([`aa_core::request_meta`]); the answer is
//! still the callee's, verified against the callee's keys. [`SignedClient::version`] is the
//! `ver` this client's users put in the requests they build (2.0.0, or 2.1.0).

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::Serialize;

pub use super::api_keys::{ApiKeySource, MintedApiKeys, StaticApiKeys};
use super::outbound_answer::{self, Call};
pub use super::outbound_error::{OutboundError, TransportCause};
use super::JWS_HEADER;
use crate::metrics;
use crate::registry::RegistryHandle;
use aa_core::jws::{detached, SigningKey};
use aa_core::rebit::error::ErrorResponse;
use aa_core::registry::{Entity, Registry, Role};
use aa_core::request_meta::{self, RequestMeta};
use aa_core::validate::ApiVersion;

/// Signs requests as one entity and verifies answers against the registry.
#[derive(Clone)]
pub struct SignedClient {
    http: reqwest::Client,
    signer: Arc<SigningKey>,
    registry: RegistryHandle,
    api_keys: Arc<dyn ApiKeySource>,
    our_role: Role,
    /// The SahamatiNet Router every call goes through, when one is configured.
    router: Option<Arc<str>>,
    version: ApiVersion,
}

impl std::fmt::Debug for SignedClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedClient")
            .field("signer", &self.signer.kid())
            .field("role", &self.our_role)
            .field("router", &self.router)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl SignedClient {
    pub fn new(
        our_role: Role,
        signer: Arc<SigningKey>,
        registry: impl Into<RegistryHandle>,
        api_keys: Arc<dyn ApiKeySource>,
        timeout: Duration,
    ) -> Result<Self, OutboundError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .build()
            .map_err(|e| OutboundError::transport("-", &e))?;
        Ok(Self {
            http,
            signer,
            registry: registry.into(),
            api_keys,
            our_role,
            router: None,
            version: ApiVersion::V2_0_0,
        })
    }

    /// Sends every call through the Router at `url` (its base, e.g.
    /// `https://router.example/router/v2`), with `x-request-meta` naming the callee.
    pub fn through_router(mut self, url: &str) -> Self {
        self.router = Some(url.trim_end_matches('/').into());
        self
    }

    /// The `ver` requests built for this client carry (2.0.0 unless set).
    pub fn speaking(mut self, version: ApiVersion) -> Self {
        self.version = version;
        self
    }

    /// The `ver` of the requests its users build.
    pub fn version(&self) -> ApiVersion {
        self.version
    }

    /// Where a call to `path` at `entity` goes: the entity's base URL, or the router's with the
    /// header that names the entity.
    fn request(
        &self,
        method: reqwest::Method,
        entity: &Entity,
        path: &str,
    ) -> reqwest::RequestBuilder {
        match &self.router {
            Some(router) => self.http.request(method, format!("{router}{path}")).header(
                request_meta::HEADER,
                RequestMeta::for_recipient(&entity.id).encode(),
            ),
            None => self
                .http
                .request(method, format!("{}{}", entity.base_url, path)),
        }
    }

    /// POSTs `body` to `path` at entity `callee` and returns the verified answer, held to the
    /// callee's schema for `path`, parsed.
    pub async fn post<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        callee: &str,
        path: &str,
        body: &Req,
    ) -> Result<Resp, OutboundError> {
        let bytes =
            serde_json::to_vec(body).map_err(|e| OutboundError::Serialise(e.to_string()))?;
        let entity = self.entity(callee)?;
        let request = self
            .request(reqwest::Method::POST, &entity, path)
            .header("content-type", "application/json")
            .header(JWS_HEADER, self.sign(&bytes))
            .body(bytes);
        self.send(&entity, Call::Post(path), request).await
    }

    /// POSTs bytes already serialised (an outbox entry) and returns the verified answer, held to
    /// the callee's schema for `path`, as JSON.
    pub async fn post_raw(
        &self,
        callee: &str,
        path: &str,
        bytes: Vec<u8>,
    ) -> Result<serde_json::Value, OutboundError> {
        let entity = self.entity(callee)?;
        let request = self
            .request(reqwest::Method::POST, &entity, path)
            .header("content-type", "application/json")
            .header(JWS_HEADER, self.sign(&bytes))
            .body(bytes);
        self.send(&entity, Call::Post(path), request).await
    }

    /// The registry this client resolves callees in.
    pub fn registry(&self) -> Arc<Registry> {
        self.registry.current()
    }

    /// GETs `path` (a 1.1.x endpoint) with a detached signature over the path.
    pub async fn get<Resp: DeserializeOwned>(
        &self,
        callee: &str,
        path: &str,
    ) -> Result<Resp, OutboundError> {
        let entity = self.entity(callee)?;
        let uri_path = path.split('?').next().unwrap_or(path);
        let request = self
            .request(reqwest::Method::GET, &entity, path)
            .header(JWS_HEADER, self.sign(uri_path.as_bytes()));
        self.send(&entity, Call::Get, request).await
    }

    fn entity(&self, callee: &str) -> Result<Entity, OutboundError> {
        self.registry
            .current()
            .entity(callee)
            .cloned()
            .ok_or_else(|| OutboundError::UnknownEntity(callee.to_owned()))
    }

    fn sign(&self, bytes: &[u8]) -> String {
        metrics::time("jws_sign", || detached::sign(&self.signer, bytes))
    }

    /// Sends once; on a 401 whose API key can be refreshed, drops the key and sends again at
    /// once with a fresh one (the caller counts one attempt).
    async fn send<Resp: DeserializeOwned>(
        &self,
        entity: &Entity,
        call: Call<'_>,
        request: reqwest::RequestBuilder,
    ) -> Result<Resp, OutboundError> {
        let again = request.try_clone();
        match self.send_once(entity, call, request).await {
            Err(error) if error.status() == Some(401) => match again {
                Some(again) => {
                    if !self.api_keys.renew(entity).await {
                        return Err(error);
                    }
                    tracing::warn!(peer.id = %entity.id, %error, "401: API key renewed; retrying once with the fresh one");
                    self.send_once(entity, call, again).await
                }
                None => Err(error),
            },
            other => other,
        }
    }

    /// One call, timed and counted by outcome.
    async fn send_once<Resp: DeserializeOwned>(
        &self,
        entity: &Entity,
        call: Call<'_>,
        request: reqwest::RequestBuilder,
    ) -> Result<Resp, OutboundError> {
        let started = Instant::now();
        let result = self.exchange(entity, call, request).await;
        let outcome = match &result {
            Ok(_) => "ok",
            Err(error) => error.outcome(),
        };
        metrics::outbound(&entity.id, outcome, started.elapsed());
        result
    }

    async fn exchange<Resp: DeserializeOwned>(
        &self,
        entity: &Entity,
        call: Call<'_>,
        request: reqwest::RequestBuilder,
    ) -> Result<Resp, OutboundError> {
        let api_key = self.api_keys.api_key(entity)?;
        let transport = |e: reqwest::Error| OutboundError::transport(&entity.id, &e);
        let response = request
            .header(self.our_role.api_key_header(), api_key)
            .send()
            .await
            .map_err(transport)?;
        let status = response.status().as_u16();
        let signature = response
            .headers()
            .get(JWS_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = response.bytes().await.map_err(transport)?;
        metrics::time("jws_verify", || {
            self.verify_response(entity, signature.as_deref(), &bytes)
        })?;
        if !(200..300).contains(&status) {
            return Err(match serde_json::from_slice::<ErrorResponse>(&bytes) {
                Ok(error) => OutboundError::Rebit {
                    entity: entity.id.clone(),
                    status,
                    error: Box::new(error),
                },
                Err(_) => OutboundError::Status {
                    entity: entity.id.clone(),
                    status,
                },
            });
        }
        outbound_answer::read(entity, call, &bytes)
    }

    fn verify_response(
        &self,
        entity: &Entity,
        signature: Option<&str>,
        body: &[u8],
    ) -> Result<(), OutboundError> {
        let fail = |reason: String| {
            tracing::warn!(peer.id = %entity.id, %reason, "discarding response with a bad signature");
            OutboundError::ResponseSignature {
                entity: entity.id.clone(),
                reason,
            }
        };
        let signature = signature.ok_or_else(|| fail("x-jws-signature is missing".into()))?;
        detached::verify_among(signature, body, &entity.keys)
            .map(|_| ())
            .map_err(|e| fail(e.to_string()))
    }
}
