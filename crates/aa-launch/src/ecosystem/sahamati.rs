//! The ecosystem's stand-ins for Sahamati's common services: the local Central Registry
//! (`crate::central_registry`), the local token service (`crate::token_service`) and the local
//! router (`crate::router`), each on a free loopback port, stopped with the ecosystem.

use crate::central_registry::LocalCentralRegistry;
use crate::ecosystem::Ecosystem;
use crate::ports::free_port;
use crate::router::LocalRouter;
use crate::token_service::{Client, LocalTokenService};

/// The `kid` of the local token service's signing key (the ecosystem's issuer key under
/// another name and `iss`: the registry does not list it, so its tokens are trusted only
/// through the token service's JWKS).
pub const TOKEN_SERVICE_KID: &str = "local-token-service-1";

impl Ecosystem {
    /// Serves the registry file as a local Central Registry on a free loopback port and has
    /// every service started from now on read it (`registry_source: central_registry`,
    /// refreshed every 5 s) instead of the file; returns its URL. Stopped with the ecosystem.
    pub fn serve_central_registry(&mut self) -> Result<String, String> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", free_port()?))
            .map_err(|e| format!("local central registry: {e}"))?;
        let cr = LocalCentralRegistry::serve(listener, self.registry_file())?;
        let tokens = self
            .parties
            .iter()
            .map(|p| Ok((p.id, self.api_key(p.id, 24 * 3600)?)))
            .collect::<Result<Vec<_>, String>>()?;
        let url = cr.url();
        self.central_registry = Some((cr, tokens));
        Ok(url)
    }

    /// The local Central Registry's URL and `id`'s token for it, when the services read it.
    pub(crate) fn central_registry_of(&self, id: &str) -> Option<(String, &str)> {
        let (cr, tokens) = self.central_registry.as_ref()?;
        let token = tokens.iter().find(|(p, _)| *p == id)?;
        Some((cr.url(), token.1.as_str()))
    }

    /// Starts a local token service with a client (id, a fresh secret, role) for every party,
    /// and has every service started from now on obtain its API keys from it
    /// (`api_keys.mode: token_service`) and verify callers' keys against its JWKS; returns
    /// its URL.
    pub fn serve_token_service(&mut self) -> Result<String, String> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", free_port()?))
            .map_err(|e| format!("local token service: {e}"))?;
        let secrets: Vec<(&'static str, String)> = self
            .parties
            .iter()
            .map(|p| (p.id, uuid::Uuid::new_v4().simple().to_string()))
            .collect();
        let clients = self
            .parties
            .iter()
            .zip(&secrets)
            .map(|(p, (_, secret))| Client {
                id: p.id.to_owned(),
                secret: secret.clone(),
                role: p.role.as_str().to_owned(),
            })
            .collect();
        let path = self.key_file("issuer");
        let pem = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let ts = LocalTokenService::serve(listener, &pem, TOKEN_SERVICE_KID, clients)?;
        // The services call the local CR with their token-service tokens, as on the network.
        if let Some((cr, _)) = &self.central_registry {
            cr.trust(&ts.issuer(), ts.verifying_key());
        }
        let url = ts.url();
        self.token_service = Some((ts, secrets));
        Ok(url)
    }

    /// The local token service and `id`'s client secret, when the services use it.
    pub(crate) fn token_service_of(&self, id: &str) -> Option<(&LocalTokenService, &str)> {
        let (ts, secrets) = self.token_service.as_ref()?;
        let secret = secrets.iter().find(|(p, _)| *p == id)?;
        Some((ts, secret.1.as_str()))
    }

    /// How many tokens the local token service has issued (0 when it does not run).
    pub fn tokens_issued(&self) -> usize {
        self.token_service.as_ref().map_or(0, |(ts, _)| ts.issued())
    }

    /// Starts a local router and has every service started from now on send its calls
    /// through it (`identity.router`), its requests carrying `ver` (`2.0.0` or `2.1.0`:
    /// `identity.outbound_version`); returns its URL.
    pub fn serve_router(&mut self, ver: &'static str) -> Result<String, String> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", free_port()?))
            .map_err(|e| format!("local router: {e}"))?;
        let router = LocalRouter::serve(listener, self.registry_file())?;
        let url = router.url();
        self.router = Some((router, ver));
        Ok(url)
    }

    /// The local router's URL and the `ver` of the services' requests, when it runs.
    pub(crate) fn router_of(&self) -> Option<(String, &'static str)> {
        self.router.as_ref().map(|(r, ver)| (r.url(), *ver))
    }

    /// How many calls the local router has forwarded (0 when it does not run).
    pub fn routed_calls(&self) -> usize {
        self.router.as_ref().map_or(0, |(r, _)| r.forwarded())
    }

    /// Every call the local router has forwarded (none when it does not run).
    pub fn routed(&self) -> Vec<crate::router::Routed> {
        self.router
            .as_ref()
            .map(|(r, _)| r.routed())
            .unwrap_or_default()
    }
}
