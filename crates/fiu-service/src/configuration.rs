//! The FIU's settings, loaded with [`aa_runtime::settings::load`] from `base.yaml`, then
//! `<environment>.yaml`, then `FIU__SECTION__KEY` environment variables (docs/SERVICES.md).
//! Consent templates are read here as plain settings and checked by
//! [`crate::domain::template::ConsentTemplate::parse`] at start-up.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use aa_runtime::identity::IdentitySettings;
use aa_runtime::queue::admin::AdminSettings;
use aa_runtime::queue::QueueSettings;
pub use aa_runtime::settings::{DatabaseSettings, ServerSettings};
use aa_runtime::settings::{Environment, MasterKey, MasterKeys, Secret, SettingsError};
use serde::Deserialize;

pub use crate::domain::redirection::RedirectionSettings;
use crate::domain::template::TemplateSettings;

/// The environment-variable prefix of this service.
pub const PREFIX: &str = "FIU";

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub server: ServerSettings,
    /// Where the SQLite file (and anything else on disk) lives.
    pub data_dir: PathBuf,
    #[serde(default)]
    pub database: DatabaseSettings,
    pub identity: IdentitySettings,
    /// Unset or empty fails at start-up, naming `FIU__APP_API__TOKEN`.
    #[serde(default)]
    pub app_api: AppApiSettings,
    /// The lender's web pages under `/dashboard` (docs/PAGES.md), logged in with the app token.
    #[serde(default)]
    pub dashboard: DashboardSettings,
    /// The runtime queue that runs the FIU's jobs (`aa_runtime::queue`).
    #[serde(default)]
    pub queue: QueueSettings,
    /// The operator endpoints (dead letters); mounted only when `admin.token` is set.
    #[serde(default)]
    pub admin: AdminSettings,
    #[serde(default)]
    pub consent_poll: ConsentPollSettings,
    /// How the consent status and the artefact are asked for: `post` (2.0.0 `POST
    /// /Consent/handle`, `POST /Consent/fetch`), `get` (1.1.x `GET /Consent/handle/{handle}`,
    /// `GET /Consent/{id}`), or `post_then_get` (the GET when the AA answers the POST 404, 405
    /// or 501).
    #[serde(default = "post_then_get")]
    pub consent_calls: FetchMethod,
    /// The FI data flow: requesting, fetching, decrypting and sealing financial data.
    #[serde(default)]
    pub fi: FiSettings,
    /// Consent templates by name.
    #[serde(default)]
    pub templates: BTreeMap<String, TemplateSettings>,
    /// Sahamati redirection: each AA's consent-manager page and shared passphrase, and this
    /// FIU's return URL ([`crate::domain::redirection`]).
    #[serde(default)]
    pub redirection: RedirectionSettings,
    /// The environment they were loaded for (set by [`Settings::load_for`], not by the files).
    #[serde(skip)]
    pub environment: Environment,
}

fn post_then_get() -> FetchMethod {
    FetchMethod::PostThenGet
}

/// The lender's own API.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AppApiSettings {
    /// The bearer token the lender's systems present (`Authorization: Bearer <token>`).
    #[serde(default)]
    pub token: Secret,
}

/// The dashboard's pages.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(default)]
pub struct DashboardSettings {
    /// Mark the session and CSRF cookies `Secure` (sent over HTTPS only); false only for local
    /// set-ups on plain-HTTP loopback.
    pub secure_cookies: bool,
}

impl Default for DashboardSettings {
    fn default() -> Self {
        Self {
            secure_cookies: true,
        }
    }
}

/// The poll fallback of `GET /app/consents/{handle}`: a request still `PENDING` is refreshed
/// with the AA's `POST /Consent/handle`, at most once per `min_interval_seconds`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(default)]
pub struct ConsentPollSettings {
    pub enabled: bool,
    pub min_interval_seconds: u64,
}

impl Default for ConsentPollSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            min_interval_seconds: 5,
        }
    }
}

/// How the FIU asks for, fetches and keeps FI data (docs/FIU-APP-API.md, "FI data").
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct FiSettings {
    /// The curve of the FIU's ephemeral KeyMaterial: `Curve25519` (BouncyCastle's form, the
    /// one many FIPs in the field accept only; the default) or `X25519`.
    pub curve: String,
    /// The curve per FIP (by entity id) where a FIP needs another than `curve`.
    pub curves: BTreeMap<String, String>,
    /// Request data as soon as an artefact is `ACTIVE` and verified.
    pub auto_request: bool,
    /// How long the KeyMaterial sent with `POST /FI/request` stays valid.
    pub key_validity_minutes: u64,
    /// `post` (`POST /FI/fetch`, 2.0.0), `get` (`GET /FI/fetch/{sessionId}`, 1.1.x), or
    /// `post_then_get` (the 1.1.x GET when the AA answers the POST 404, 405 or 501).
    pub fetch: FetchMethod,
    /// The master keys that wrap the per-consent data keys, newest first: `{id, key}` (base64
    /// of 32 bytes) or `{id, file}` (`aa_runtime::settings::MasterKeys`). New data keys are
    /// wrapped under the first; the others still open older ones until `fiu-service rewrap`.
    pub master_keys: Vec<MasterKey>,
    /// One master key, the older spelling (when `master_keys` is empty): base64 of 32 bytes.
    /// Unset: read from `master_key_file`.
    pub master_key: Option<Secret>,
    /// Unset: `<data_dir>/fiu-master.key`, created with a fresh key when missing (never in
    /// production).
    pub master_key_file: Option<PathBuf>,
    /// The id of that one master key (written into every data key wrapped under it).
    pub master_key_id: String,
    /// The FIU's view session: how long the data of a consent whose `consentMode` is not
    /// `STORE` is kept after it arrives (never beyond its `DataLife` or the consent's expiry).
    pub view_seconds: u64,
    /// How often the purge sweep deletes data whose time is up (DataLife, view session,
    /// consent expiry).
    pub purge_interval_ms: u64,
    /// How long after the AA accepted `POST /FI/request` the FIU asks it for the data itself
    /// when no `FI/Notification` has come (an AA that never sends one); 0: never poll.
    pub poll_after_seconds: u64,
    /// The longest wait between polls (they double from `poll_after_seconds`); polling stops,
    /// failing the session, once `key_validity_minutes` is spent.
    pub poll_max_interval_seconds: u64,
}

impl Default for FiSettings {
    fn default() -> Self {
        Self {
            curve: "Curve25519".to_owned(),
            curves: BTreeMap::new(),
            auto_request: true,
            key_validity_minutes: 24 * 60,
            fetch: FetchMethod::PostThenGet,
            master_keys: Vec::new(),
            master_key: None,
            master_key_file: None,
            master_key_id: "fiu-master-1".to_owned(),
            view_seconds: 3600,
            purge_interval_ms: 60_000,
            poll_after_seconds: 30,
            poll_max_interval_seconds: 300,
        }
    }
}

impl FiSettings {
    /// The master key settings, in the shape every role shares.
    pub fn master_keys(&self) -> MasterKeys {
        MasterKeys {
            ring: self.master_keys.clone(),
            key: self.master_key.clone(),
            file: self.master_key_file.clone(),
            id: self.master_key_id.clone(),
        }
    }
}

/// How the FIU asks an AA for FI data (see [`FiSettings::fetch`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FetchMethod {
    Post,
    Get,
    PostThenGet,
}

impl Settings {
    /// Loads the settings from `dir` (files, then environment) for the environment
    /// `FIU_ENVIRONMENT` names.
    pub fn load_from(dir: &Path) -> Result<Self, SettingsError> {
        Self::load_for(dir, Environment::from_env(PREFIX)?)
    }

    /// Loads the settings from `dir` for `environment` and checks them: in production the
    /// database and the master key are named, and every secret is at least 32 bytes.
    pub fn load_for(dir: &Path, environment: Environment) -> Result<Self, SettingsError> {
        let mut settings: Self = aa_runtime::settings::load_for(dir, PREFIX, environment)?;
        settings.environment = environment;
        settings.database.check(environment, PREFIX)?;
        settings
            .app_api
            .token
            .check_strength("app_api.token", environment)?;
        if let Some(token) = &settings.admin.token {
            token.check_strength("admin.token", environment)?;
        }
        settings.fi.master_keys().check(environment, PREFIX)?;
        Ok(settings)
    }

    /// The database URL: the configured one, or the SQLite file under `data_dir`.
    pub fn database_url(&self) -> Secret {
        self.database
            .url_or_sqlite(&self.data_dir, "fiu-service.db")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::template::Templates;

    /// The shipped files for `environment`, without the process environment.
    fn shipped(environment: &str) -> config::ConfigBuilder<config::builder::DefaultState> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("configuration");
        config::Config::builder()
            .add_source(config::File::from(dir.join("base.yaml")))
            .add_source(config::File::from(dir.join(format!("{environment}.yaml"))))
    }

    #[test]
    fn the_local_configuration_loads_with_every_template_valid() {
        let settings: Settings = shipped("local").build().unwrap().try_deserialize().unwrap();
        assert_eq!(settings.server.port, 7004);
        assert_eq!(settings.app_api.token.expose(), "local-fiu-app-token");
        assert!(!settings.dashboard.secure_cookies);
        let templates = Templates::parse(&settings.templates).unwrap();
        let names: Vec<&str> = templates.iter().map(|t| t.name()).collect();
        assert_eq!(
            names,
            ["income-check", "loan-underwriting", "wealth-monthly"]
        );
        assert!(settings
            .database_url()
            .expose()
            .ends_with("data/fiu-service/fiu-service.db?mode=rwc"));
    }

    #[test]
    fn production_needs_the_app_token_from_outside() {
        let missing: Settings = shipped("production")
            .build()
            .unwrap()
            .try_deserialize()
            .unwrap();
        assert_eq!(
            missing.app_api.token.expose(),
            "",
            "start-up refuses an empty token"
        );
        let settings: Settings = shipped("production")
            .set_override("app_api.token", "from-env")
            .unwrap()
            .build()
            .unwrap()
            .try_deserialize()
            .unwrap();
        assert_eq!(settings.server.host, "0.0.0.0");
        assert!(
            settings.dashboard.secure_cookies,
            "secure unless said otherwise"
        );
        assert_eq!(
            format!("{:?}", settings.app_api.token),
            "Secret([redacted])"
        );
    }
}
