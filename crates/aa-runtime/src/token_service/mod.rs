//! The Sahamati token service, both ways: outbound, this entity's access token obtained with
//! its client id and secret ([`client`]), kept fresh before it expires and renewed once when a
//! counterparty answers 401 ([`keys::TokenServiceKeys`], an [`crate::http::ApiKeySource`]);
//! inbound, the token service's published keys (its JWKS) trusted for the API keys callers
//! present, refreshed in place ([`jwks`]), beside the registry's own token issuers.

pub mod client;
pub mod jwks;
pub mod keys;

use serde::Deserialize;

use crate::settings::Secret;

/// Which of the token service's APIs issues tokens.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TokenApi {
    /// Sahamati IAM v1: `POST {url}/entity/token/generate` with the form `id`, `secret`;
    /// answers `accessToken` and `expiresIn`.
    #[default]
    Iam,
    /// The OpenID Connect client-credentials grant of the earlier token server:
    /// `POST {url}/token` with HTTP Basic client id and secret and `grant_type=client_credentials`;
    /// answers `access_token` and `expires_in`.
    OpenidConnect,
}

/// `identity.token_service`: where this entity's tokens come from and whose keys sign them.
#[derive(Debug, Clone, Deserialize)]
pub struct TokenServiceSettings {
    /// The API's base URL (`https://api.sahamati.org.in/iam/v1`, or for `openid_connect`
    /// `https://tokens.sahamati.org.in/auth/realms/sahamati/protocol/openid-connect`).
    pub url: String,
    #[serde(default)]
    pub api: TokenApi,
    /// Our client id (unset: our entity id, as Sahamati assigns it).
    #[serde(default)]
    pub client_id: Option<String>,
    /// The client secret Sahamati shared (rotated every 180 days: change it here, or in the
    /// environment, and restart, or let the next refresh pick up a changed secret file).
    pub client_secret: Secret,
    /// The `iss` of the tokens the service issues, trusted for the keys of `jwks_url`.
    pub issuer: String,
    /// The token service's published keys (a JWKS), used to verify callers' API keys.
    pub jwks_url: String,
    /// A token is renewed when less than this is left of it (and never later than when a
    /// tenth of its lifetime is left).
    #[serde(default = "default_margin")]
    pub refresh_margin_seconds: u64,
    /// Seconds between reads of the JWKS (key rotation takes effect within this).
    #[serde(default = "default_jwks_refresh")]
    pub jwks_refresh_seconds: u64,
    /// Timeout of one call to the token service, in seconds.
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
}

fn default_margin() -> u64 {
    600
}

fn default_jwks_refresh() -> u64 {
    300
}

fn default_timeout() -> u64 {
    10
}

/// The HTTP client for token-service calls.
pub(crate) fn http_client(settings: &TokenServiceSettings) -> Result<reqwest::Client, String> {
    let timeout = std::time::Duration::from_secs(settings.timeout_seconds.max(1));
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(std::time::Duration::from_secs(5)))
        .build()
        .map_err(|e| format!("token service client: {e}"))
}

/// A current-thread runtime for a background refresher thread.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("token service runtime: {e}"))
}
