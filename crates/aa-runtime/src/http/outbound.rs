//! The outbound ReBIT client: serialises once, signs the exact bytes it sends, attaches the API
//! key for the callee, and verifies the response's `x-jws-signature` against the callee's
//! registered keys before parsing. An unsigned or wrongly signed response is discarded and
//! reported as [`OutboundError::ResponseSignature`].

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::JWS_HEADER;
use aa_core::jws::{detached, SigningKey};
use aa_core::rebit::error::ErrorResponse;
use aa_core::registry::{Entity, Registry, Role};

/// Where the API key for a callee comes from.
pub trait ApiKeySource: Send + Sync {
    /// The raw API key to present to `callee`.
    fn api_key(&self, callee: &Entity) -> Result<String, OutboundError>;
}

/// API keys provisioned ahead of time, one per callee id.
#[derive(Default, Clone)]
pub struct StaticApiKeys(pub HashMap<String, String>);

impl ApiKeySource for StaticApiKeys {
    fn api_key(&self, callee: &Entity) -> Result<String, OutboundError> {
        self.0
            .get(&callee.id)
            .cloned()
            .ok_or_else(|| OutboundError::NoApiKey(callee.id.clone()))
    }
}

/// API keys this entity mints for itself with a token-service key it holds (local and test
/// set-ups, where one issuer trusted by every party stands in for the Sahamati token service).
/// Keys are cached and re-minted when less than a minute of validity is left.
pub struct MintedApiKeys {
    issuer: aa_core::apikey::Issuer,
    entity_id: String,
    role: Role,
    ttl_seconds: i64,
    cache: std::sync::Mutex<Option<(String, i64)>>,
}

impl MintedApiKeys {
    pub fn new(
        issuer: aa_core::apikey::Issuer,
        entity_id: &str,
        role: Role,
        ttl_seconds: i64,
    ) -> Self {
        Self {
            issuer,
            entity_id: entity_id.to_owned(),
            role,
            ttl_seconds,
            cache: std::sync::Mutex::new(None),
        }
    }
}

impl ApiKeySource for MintedApiKeys {
    fn api_key(&self, _callee: &Entity) -> Result<String, OutboundError> {
        let now = crate::clock::Clock::system().now().unix_timestamp();
        let mut cache = self
            .cache
            .lock()
            .map_err(|_| OutboundError::NoApiKey(self.entity_id.clone()))?;
        if let Some((token, exp)) = cache.as_ref() {
            if *exp - 60 > now {
                return Ok(token.clone());
            }
        }
        let token = self
            .issuer
            .issue(
                &self.entity_id,
                &[self.role.as_str()],
                now,
                self.ttl_seconds,
            )
            .map_err(|_| OutboundError::NoApiKey(self.entity_id.clone()))?;
        *cache = Some((token.clone(), now + self.ttl_seconds));
        Ok(token)
    }
}

/// Why an outbound call failed.
#[derive(Debug, thiserror::Error)]
pub enum OutboundError {
    #[error("entity {0:?} is not in the registry")]
    UnknownEntity(String),
    #[error("no API key for {0:?}")]
    NoApiKey(String),
    #[error("request to {entity} failed: {message}")]
    Transport { entity: String, message: String },
    #[error("response from {entity} is not signed by it: {reason}")]
    ResponseSignature { entity: String, reason: String },
    #[error("{entity} answered {status} {}: {}", .error.error_code, .error.error_msg)]
    Rebit {
        entity: String,
        status: u16,
        error: Box<ErrorResponse>,
    },
    #[error("{entity} answered {status} without a ReBIT error body")]
    Status { entity: String, status: u16 },
    #[error("response from {entity} does not match the schema: {message}")]
    Schema { entity: String, message: String },
    #[error("request could not be serialised: {0}")]
    Serialise(String),
}

impl OutboundError {
    /// True when trying again later may succeed: transport failures, 5xx answers, and answers
    /// whose signature did not verify (a proxy or a key roll-over in progress). A 4xx is final.
    pub fn is_retryable(&self) -> bool {
        match self {
            OutboundError::Transport { .. } | OutboundError::ResponseSignature { .. } => true,
            OutboundError::Rebit { status, .. } | OutboundError::Status { status, .. } => {
                *status >= 500 || *status == 429
            }
            _ => false,
        }
    }
}

/// Signs requests as one entity and verifies answers against the registry.
#[derive(Clone)]
pub struct SignedClient {
    http: reqwest::Client,
    signer: Arc<SigningKey>,
    registry: Arc<Registry>,
    api_keys: Arc<dyn ApiKeySource>,
    our_role: Role,
}

impl std::fmt::Debug for SignedClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedClient")
            .field("signer", &self.signer.kid())
            .field("role", &self.our_role)
            .finish_non_exhaustive()
    }
}

impl SignedClient {
    pub fn new(
        our_role: Role,
        signer: Arc<SigningKey>,
        registry: Arc<Registry>,
        api_keys: Arc<dyn ApiKeySource>,
        timeout: Duration,
    ) -> Result<Self, OutboundError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .build()
            .map_err(|e| OutboundError::Transport {
                entity: "-".into(),
                message: e.to_string(),
            })?;
        Ok(Self {
            http,
            signer,
            registry,
            api_keys,
            our_role,
        })
    }

    /// POSTs `body` to `path` at entity `callee` and returns the verified, parsed answer.
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
            .http
            .post(format!("{}{}", entity.base_url, path))
            .header("content-type", "application/json")
            .header(JWS_HEADER, detached::sign(&self.signer, &bytes))
            .body(bytes);
        self.send(entity, request).await
    }

    /// POSTs bytes already serialised (an outbox entry) and returns the verified answer as JSON.
    pub async fn post_raw(
        &self,
        callee: &str,
        path: &str,
        bytes: Vec<u8>,
    ) -> Result<serde_json::Value, OutboundError> {
        let entity = self.entity(callee)?;
        let request = self
            .http
            .post(format!("{}{}", entity.base_url, path))
            .header("content-type", "application/json")
            .header(JWS_HEADER, detached::sign(&self.signer, &bytes))
            .body(bytes);
        self.send(entity, request).await
    }

    /// The registry this client resolves callees in.
    pub fn registry(&self) -> &Registry {
        &self.registry
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
            .http
            .get(format!("{}{}", entity.base_url, path))
            .header(
                JWS_HEADER,
                detached::sign(&self.signer, uri_path.as_bytes()),
            );
        self.send(entity, request).await
    }

    fn entity(&self, callee: &str) -> Result<&Entity, OutboundError> {
        self.registry
            .entity(callee)
            .ok_or_else(|| OutboundError::UnknownEntity(callee.to_owned()))
    }

    async fn send<Resp: DeserializeOwned>(
        &self,
        entity: &Entity,
        request: reqwest::RequestBuilder,
    ) -> Result<Resp, OutboundError> {
        let api_key = self.api_keys.api_key(entity)?;
        let transport = |e: reqwest::Error| OutboundError::Transport {
            entity: entity.id.clone(),
            message: e.without_url().to_string(),
        };
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
        self.verify_response(entity, signature.as_deref(), &bytes)?;
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
        serde_json::from_slice(&bytes).map_err(|e| OutboundError::Schema {
            entity: entity.id.clone(),
            message: e.to_string(),
        })
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
        detached::verify(signature, body, |kid| {
            entity.keys.iter().find(|k| k.kid() == kid)
        })
        .map(|_| ())
        .map_err(|e| fail(e.to_string()))
    }
}
