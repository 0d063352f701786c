//! A service's identity, from configuration: its entity id, its RS256 signing key (file or
//! environment, never logged), the registry (the file, or the Central Registry kept fresh:
//! [`crate::registry`]), and how it obtains API keys for its outbound calls.
//! [`Identity::load`] checks the whole set is coherent at start-up (the entity is in the registry
//! with the expected role, and the signing key is one the registry publishes for it), so a
//! mis-configured service fails to start instead of failing every request.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use crate::http::outbound::{ApiKeySource, MintedApiKeys, StaticApiKeys};
use crate::http::{InboundAuth, SignedClient, VerifierHandle};
use crate::registry::{self, CentralRegistrySettings, CrToken, RegistryHandle, RegistrySource};
use crate::settings::Secret;
use crate::token_service::keys::TokenServiceKeys;
use crate::token_service::{self, TokenServiceSettings};
use aa_core::apikey::{Issuer, Verifier};
use aa_core::jws::SigningKey;
use aa_core::registry::{Registry, Role};
use aa_core::validate::ApiVersion;

/// A private key given as a file path or inline PEM (e.g. from an environment variable).
#[derive(Debug, Clone, Deserialize, Default)]
pub struct KeySource {
    #[serde(default)]
    pub file: Option<PathBuf>,
    #[serde(default)]
    pub pem: Option<Secret>,
}

impl KeySource {
    fn read(&self, what: &str) -> Result<Secret, IdentityError> {
        match (&self.file, &self.pem) {
            (Some(path), None) => std::fs::read_to_string(path)
                .map(Secret::new)
                .map_err(|e| IdentityError(format!("{what}: cannot read {}: {e}", path.display()))),
            (None, Some(pem)) => Ok(pem.clone()),
            _ => Err(IdentityError(format!(
                "{what}: give exactly one of file or pem"
            ))),
        }
    }
}

/// How outbound API keys are obtained.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ApiKeyMode {
    /// Mint our own keys with a token-issuer key that the registry lists (local and test
    /// set-ups: one issuer trusted by everyone stands in for the Sahamati token service).
    Mint,
    /// Present keys issued to us beforehand, one per callee (`static_keys`).
    Static,
    /// Present our access token from the token service (`identity.token_service`), kept
    /// fresh: the live network's way.
    #[serde(rename = "token_service")]
    TokenService,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ApiKeySettings {
    pub mode: ApiKeyMode,
    /// `mint`: the issuer id (the registry's `token_issuers[].id`), its key id and private key.
    #[serde(default)]
    pub issuer_id: Option<String>,
    #[serde(default)]
    pub issuer_kid: Option<String>,
    #[serde(default)]
    pub issuer_key: KeySource,
    /// `mint`: lifetime of minted keys.
    #[serde(default = "default_ttl")]
    pub ttl_seconds: i64,
    /// `static`: callee entity id -> API key.
    #[serde(default)]
    pub static_keys: HashMap<String, Secret>,
}

fn default_ttl() -> i64 {
    3600
}

fn default_timeout() -> u64 {
    10
}

#[derive(Debug, Clone, Deserialize)]
pub struct IdentitySettings {
    /// Our entity id, as in the registry.
    pub entity_id: String,
    /// The `kid` our signatures carry; must be one of our keys in the registry.
    pub signing_kid: String,
    pub signing_key: KeySource,
    /// `file` (default): the registry is this file. `central_registry`: this file gives only
    /// the token issuers, the entities come from the Central Registry.
    pub registry_file: PathBuf,
    #[serde(default)]
    pub registry_source: RegistrySource,
    /// Needed when `registry_source` is `central_registry`; ignored otherwise.
    #[serde(default)]
    pub central_registry: Option<CentralRegistrySettings>,
    pub api_keys: ApiKeySettings,
    /// The token service: needed for `api_keys.mode: token_service`; when set, callers' API
    /// keys are also verified against its published keys.
    #[serde(default)]
    pub token_service: Option<TokenServiceSettings>,
    /// Timeout of outbound calls, in seconds.
    #[serde(default = "default_timeout")]
    pub outbound_timeout_seconds: u64,
    /// The SahamatiNet Router: when set, every outbound call goes through it, with
    /// `x-request-meta` naming the callee.
    #[serde(default)]
    pub router: Option<RouterSettings>,
    /// The `ver` of the requests this service sends: `2.0.0` (default) or `2.1.0`.
    /// Notifications keep 2.0.0 bodies, as the router's FIU file (2.0.0) has them.
    #[serde(default)]
    pub outbound_version: Option<String>,
}

/// Where the SahamatiNet Router is.
#[derive(Debug, Clone, Deserialize)]
pub struct RouterSettings {
    /// Its base URL, e.g. `https://api.sandbox.sahamati.org.in/router/v2`.
    pub url: String,
}

/// A configuration that cannot work; the message says which setting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("identity: {0}")]
pub struct IdentityError(pub String);

/// Everything a service needs to speak signed ReBIT, built once at start-up.
#[derive(Clone)]
pub struct Identity {
    pub entity_id: String,
    pub role: Role,
    pub signer: Arc<SigningKey>,
    pub registry: RegistryHandle,
    pub inbound: InboundAuth,
    pub client: SignedClient,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("entity_id", &self.entity_id)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

impl Identity {
    pub fn load(settings: &IdentitySettings, role: Role) -> Result<Self, IdentityError> {
        let err = |m: String| IdentityError(m);
        let file = Registry::load(&settings.registry_file).map_err(|e| err(e.to_string()))?;
        // Started first: its token is also the Central Registry's.
        let token_keys = match (settings.api_keys.mode, &settings.token_service) {
            (ApiKeyMode::TokenService, Some(ts)) => {
                Some(TokenServiceKeys::start(ts.clone(), &settings.entity_id).map_err(err)?)
            }
            (ApiKeyMode::TokenService, None) => {
                return Err(err(
                    "api_keys: token_service needs the token_service section".into(),
                ))
            }
            _ => None,
        };
        let registry = match (settings.registry_source, &settings.central_registry) {
            (RegistrySource::File, _) => RegistryHandle::new(file),
            (RegistrySource::CentralRegistry, Some(central)) => {
                let token: Arc<dyn CrToken> = match (&central.token, &token_keys) {
                    (Some(token), _) => Arc::new(token.clone()),
                    (None, Some(keys)) => Arc::new(keys.clone()),
                    (None, None) => {
                        return Err(err("central_registry: set token, or use api_keys.mode \
                             token_service (the CR is then called with its token)"
                            .into()))
                    }
                };
                registry::open_central(central, token, file, &settings.entity_id, role)
                    .map_err(err)?
            }
            (RegistrySource::CentralRegistry, None) => {
                return Err(err(
                    "registry_source central_registry needs the central_registry section".into(),
                ))
            }
        };
        let current = registry.current();
        let entity = current.entity(&settings.entity_id).ok_or_else(|| {
            err(format!(
                "entity {:?} is not in the registry",
                settings.entity_id
            ))
        })?;
        if entity.role != role {
            return Err(err(format!(
                "entity {:?} is a {} in the registry, not a {role}",
                settings.entity_id, entity.role
            )));
        }
        let pem = settings.signing_key.read("signing_key")?;
        let signer = SigningKey::from_pem(pem.expose(), &settings.signing_kid)
            .map_err(|e| err(format!("signing_key: {e}")))?;
        match current.by_kid(&settings.signing_kid) {
            Some((owner, key)) if owner.id == entity.id && *key == signer.verifying_key() => {}
            _ => {
                return Err(err(format!(
                    "signing key {:?} is not a key the registry publishes for {:?}",
                    settings.signing_kid, settings.entity_id
                )))
            }
        }
        let api_keys: Arc<dyn ApiKeySource> = match settings.api_keys.mode {
            ApiKeyMode::Mint => {
                let a = &settings.api_keys;
                let (Some(iss), Some(kid)) = (&a.issuer_id, &a.issuer_kid) else {
                    return Err(err("api_keys: mint needs issuer_id and issuer_kid".into()));
                };
                let pem = a.issuer_key.read("api_keys.issuer_key")?;
                let issuer = Issuer::from_pem(iss, kid, pem.expose())
                    .map_err(|e| err(format!("api_keys.issuer_key: {e}")))?;
                Arc::new(MintedApiKeys::new(issuer, &entity.id, role, a.ttl_seconds))
            }
            ApiKeyMode::TokenService => match &token_keys {
                Some(keys) => Arc::new(keys.clone()),
                None => return Err(err("api_keys: token_service did not start".into())),
            },
            ApiKeyMode::Static => Arc::new(StaticApiKeys(
                settings
                    .api_keys
                    .static_keys
                    .iter()
                    .map(|(k, v)| (k.clone(), v.expose().to_owned()))
                    .collect(),
            )),
        };
        let verifier = current
            .api_key_verifier()
            .map_err(|e| err(format!("registry token issuers: {e}")))?;
        let verifier = match &settings.token_service {
            Some(ts) => token_service::jwks::start(verifier, ts.clone()).map_err(err)?,
            None => VerifierHandle::new(verifier),
        };
        let version = match settings.outbound_version.as_deref() {
            None => ApiVersion::V2_0_0,
            Some(ver) => match ApiVersion::parse(ver) {
                Ok(v @ (ApiVersion::V2_0_0 | ApiVersion::V2_1_0)) => v,
                _ => {
                    return Err(err(format!(
                        "outbound_version {ver:?}: give 2.0.0 or 2.1.0"
                    )))
                }
            },
        };
        let signer = Arc::new(signer);
        let client = SignedClient::new(
            role,
            signer.clone(),
            registry.clone(),
            api_keys,
            Duration::from_secs(settings.outbound_timeout_seconds),
        )
        .map_err(|e| err(e.to_string()))?
        .speaking(version);
        let client = match &settings.router {
            Some(router)
                if router.url.starts_with("http://") || router.url.starts_with("https://") =>
            {
                client.through_router(&router.url)
            }
            Some(router) => {
                return Err(err(format!(
                    "router.url {:?} is not an http(s) URL",
                    router.url
                )))
            }
            None => client,
        };
        Ok(Self {
            entity_id: entity.id.clone(),
            role,
            inbound: InboundAuth::new(registry.clone(), Verifier::new())
                .with_api_keys(verifier)
                .receiving_as(role)
                .serving(&entity.id),
            signer,
            registry,
            client,
        })
    }
}
