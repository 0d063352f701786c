//! Where a service's registry comes from, and the handle every part of it reads the registry
//! through. [`RegistrySource::File`] reads `identity.registry_file` once;
//! [`RegistrySource::CentralRegistry`] reads the Sahamati Central Registry ([`central`]) at
//! start-up (falling back to the last good answer cached on disk), then again every
//! `refresh_seconds` ([`refresh`]), swapping the registry in place: inbound auth and outbound
//! clients hold a [`RegistryHandle`] and see a new entity or a rotated key at the next refresh,
//! without a restart. A failed refresh (CR down, an answer that is not an entity list, our own
//! entity missing) keeps the last good registry and is logged at WARN with its cause.

pub mod central;
mod refresh;

use std::path::PathBuf;
use std::sync::{Arc, RwLock, Weak};

use serde::Deserialize;

use crate::settings::Secret;
use aa_core::registry::Registry;

pub use refresh::open_central;

/// `identity.registry_source`.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RegistrySource {
    /// The registry file (`identity.registry_file`), read once at start-up.
    #[default]
    File,
    /// The Central Registry (`identity.central_registry`); `identity.registry_file` gives only
    /// the token issuers, which the CR does not publish.
    CentralRegistry,
}

/// Which path family of the CR to read.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CentralApi {
    /// `GET {url}/entityInfo/{type}` (the CR API details, OpenAPI 1.2.0).
    V1,
    /// `GET {url}/v2/entityInfo/{type}` (the CR service API v1.0).
    #[default]
    V2,
}

/// `identity.central_registry`.
#[derive(Debug, Clone, Deserialize)]
pub struct CentralRegistrySettings {
    /// The CR's base URL (`https://api.sandbox.sahamati.org.in/cr`).
    pub url: String,
    #[serde(default)]
    pub api: CentralApi,
    /// The access token sent as `Authorization: Bearer <token>`. Unset with
    /// `api_keys.mode: token_service`: the entity's token-service token, kept fresh, as the live
    /// network's CR expects (a token pasted here would expire within a day).
    #[serde(default)]
    pub token: Option<Secret>,
    /// Seconds between refreshes (at least 1).
    #[serde(default = "default_refresh")]
    pub refresh_seconds: u64,
    /// Timeout of one CR call, in seconds.
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
    /// Where the last good answers are kept, read at start-up when the CR cannot be reached.
    #[serde(default)]
    pub cache_file: Option<PathBuf>,
}

fn default_refresh() -> u64 {
    300
}

fn default_timeout() -> u64 {
    10
}

/// Where the CR access token comes from at each call: a fixed one ([`Secret`]), or the
/// token service's ([`crate::token_service::keys::TokenServiceKeys`]).
pub trait CrToken: Send + Sync {
    /// The token to send now, or why there is none (never the token itself).
    fn current(&self) -> Result<String, String>;
}

impl CrToken for Secret {
    fn current(&self) -> Result<String, String> {
        Ok(self.expose().to_owned())
    }
}

/// The current registry, swapped in place by a refresh. Cloning shares it.
#[derive(Clone)]
pub struct RegistryHandle {
    inner: Arc<RwLock<Arc<Registry>>>,
}

impl RegistryHandle {
    /// A handle on `registry`, replaced only by [`RegistryHandle::replace`].
    pub fn new(registry: Registry) -> Self {
        Arc::new(registry).into()
    }

    /// The registry as of now; a request holds it for its whole course.
    pub fn current(&self) -> Arc<Registry> {
        match self.inner.read() {
            Ok(current) => current.clone(),
            // A writer only assigns an `Arc`; a poisoned lock still holds a whole registry.
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Makes `registry` the current one for every holder of this handle.
    pub fn replace(&self, registry: Registry) {
        let registry = Arc::new(registry);
        match self.inner.write() {
            Ok(mut current) => *current = registry,
            Err(poisoned) => *poisoned.into_inner() = registry,
        }
    }

    fn downgrade(&self) -> Weak<RwLock<Arc<Registry>>> {
        Arc::downgrade(&self.inner)
    }
}

impl From<Arc<Registry>> for RegistryHandle {
    fn from(registry: Arc<Registry>) -> Self {
        Self {
            inner: Arc::new(RwLock::new(registry)),
        }
    }
}

impl From<Registry> for RegistryHandle {
    fn from(registry: Registry) -> Self {
        Self::new(registry)
    }
}

impl std::fmt::Debug for RegistryHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryHandle")
            .field("entities", &self.current().entities().len())
            .finish()
    }
}
