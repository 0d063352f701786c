//! Where the API keys of outbound calls come from ([`ApiKeySource`]): provisioned ahead of
//! time, one per callee ([`StaticApiKeys`]), or minted by this entity with a token-service key
//! it holds ([`MintedApiKeys`], cached until a minute before expiry, dropped on a 401).

use std::collections::HashMap;

use super::outbound_error::OutboundError;
use aa_core::registry::{Entity, Role};

/// Where the API key for a callee comes from.
pub trait ApiKeySource: Send + Sync {
    /// The raw API key to present to `callee`.
    fn api_key(&self, callee: &Entity) -> Result<String, OutboundError>;

    /// Drops the key cached for `callee` after it answered 401, so the next [`Self::api_key`]
    /// mints or fetches a fresh one; true when a fresh key may differ (the caller then retries
    /// once at once), false for keys provisioned ahead of time, which cannot be refreshed.
    fn forget(&self, _callee: &Entity) -> bool {
        false
    }

    /// After a 401 from `callee`: makes the next [`Self::api_key`] a fresh key, obtaining it
    /// now where that takes a call (the token service); true when the caller should retry
    /// once at once. By default, [`Self::forget`].
    fn renew<'a>(
        &'a self,
        callee: &'a Entity,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = bool> + Send + 'a>> {
        let renewed = self.forget(callee);
        Box::pin(std::future::ready(renewed))
    }
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

    /// The minted key serves every callee; dropping it makes the next call mint a new one.
    fn forget(&self, _callee: &Entity) -> bool {
        match self.cache.lock() {
            Ok(mut cache) => {
                *cache = None;
                true
            }
            Err(_) => false,
        }
    }
}
