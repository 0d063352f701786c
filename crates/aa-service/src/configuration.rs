//! Settings, loaded with `aa_runtime::settings::load` from `base.yaml`, `<environment>.yaml`
//! (`AA_ENVIRONMENT`, default `local`) and `AA__SECTION__KEY` environment variables; the
//! directory is found by `aa_runtime::launch` (`--config-dir`, `AA_CONFIG_DIR`, ...).

use std::path::{Path, PathBuf};

use aa_runtime::identity::IdentitySettings;
use aa_runtime::otp_delivery::DeliverySettings;
use aa_runtime::queue::admin::AdminSettings;
use aa_runtime::queue::QueueSettings;
use aa_runtime::rate_limit::RateLimitSettings;
pub use aa_runtime::settings::{DatabaseSettings, ServerSettings};
use aa_runtime::settings::{Environment, Secret, SettingsError};
use serde::Deserialize;

pub use aa_runtime::redirection::RedirectionSettings;

pub const PREFIX: &str = "AA";

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub server: ServerSettings,
    pub data_dir: PathBuf,
    #[serde(default)]
    pub database: DatabaseSettings,
    pub identity: IdentitySettings,
    pub auth: AuthSettings,
    #[serde(default)]
    pub otp: OtpSettings,
    /// Limits on OTP sends and log-in attempts (`aa_runtime::rate_limit`).
    #[serde(default)]
    pub rate_limits: RateLimitSettings,
    /// The runtime queue that delivers notifications (`aa_runtime::queue`).
    #[serde(default)]
    pub queue: QueueSettings,
    /// The operator endpoints (dead letters); mounted only when `admin.token` is set.
    #[serde(default)]
    pub admin: AdminSettings,
    #[serde(default)]
    pub lifecycle: LifecycleSettings,
    #[serde(default)]
    pub fi: FiSettings,
    /// The passphrase shared with each FIU for Sahamati's redirection (`aa_runtime::redirection`).
    #[serde(default)]
    pub redirection: RedirectionSettings,
}

/// Customer authentication.
#[derive(Debug, Clone, Deserialize)]
pub struct AuthSettings {
    /// Server secret mixed into the stored hashes of OTPs and session tokens. Required;
    /// production reads it from `AA__AUTH__PEPPER`.
    pub pepper: Secret,
    #[serde(default = "default_session_ttl")]
    pub session_ttl_minutes: i64,
    /// Mark the consent manager's cookies `Secure` (HTTPS only); off only in local set-ups
    /// served over plain-HTTP loopback.
    #[serde(default = "default_secure_cookies")]
    pub secure_cookies: bool,
}

fn default_secure_cookies() -> bool {
    true
}

fn default_session_ttl() -> i64 {
    60
}

/// Login OTPs.
#[derive(Debug, Clone, Deserialize)]
pub struct OtpSettings {
    /// Serve the latest OTP at `GET /sandbox/otp/{ref}` (local set-ups only; never production).
    #[serde(default)]
    pub sandbox_endpoint: bool,
    #[serde(default = "default_otp_ttl")]
    pub ttl_seconds: i64,
    #[serde(default = "default_otp_attempts")]
    pub max_attempts: u32,
    /// How the OTP reaches the customer's mobile (`aa_runtime::otp_delivery`): `log` (local,
    /// sandbox) or an SMS gateway over `http`.
    #[serde(default)]
    pub delivery: DeliverySettings,
}

fn default_otp_ttl() -> i64 {
    300
}

fn default_otp_attempts() -> u32 {
    3
}

impl Default for OtpSettings {
    fn default() -> Self {
        Self {
            sandbox_endpoint: false,
            ttl_seconds: default_otp_ttl(),
            max_attempts: default_otp_attempts(),
            delivery: DeliverySettings::default(),
        }
    }
}

/// The consent lifecycle's expiry scheduler (`crate::jobs::expiry`).
#[derive(Debug, Clone, Deserialize)]
pub struct LifecycleSettings {
    /// How often the scheduler expires consents past `consentExpiry` and pending requests past
    /// their deadline; it also runs once at start-up.
    #[serde(default = "default_sweep_millis")]
    pub sweep_millis: u64,
    /// A consent request still pending this long after it was made lapses (EXPIRED; the handle
    /// shows FAILED), unless its `consentExpiry` comes first. 0: only at `consentExpiry`.
    #[serde(default = "default_pending_lifetime")]
    pub pending_lifetime_seconds: u64,
}

fn default_sweep_millis() -> u64 {
    60_000
}

fn default_pending_lifetime() -> u64 {
    86_400
}

impl Default for LifecycleSettings {
    fn default() -> Self {
        Self {
            sweep_millis: default_sweep_millis(),
            pending_lifetime_seconds: default_pending_lifetime(),
        }
    }
}

/// FI data sessions.
#[derive(Debug, Clone, Deserialize)]
pub struct FiSettings {
    /// A session older than this is `EXPIRED`: its data can no longer be fetched (410
    /// `DataGone`) and it no longer holds up a new request for its consent. The spec sets no
    /// figure; 24 h is the day Sahamati's tokens live and ample time to fetch.
    #[serde(default = "default_session_lifetime")]
    pub session_lifetime_minutes: i64,
}

fn default_session_lifetime() -> i64 {
    24 * 60
}

impl Default for FiSettings {
    fn default() -> Self {
        Self {
            session_lifetime_minutes: default_session_lifetime(),
        }
    }
}

impl Settings {
    /// Loads the settings from `dir` and the environment for `environment`, and checks them:
    /// no sandbox OTP endpoint in production, where the database is named and every secret
    /// is at least 32 bytes.
    pub fn load_from(dir: &Path, environment: Environment) -> Result<Self, SettingsError> {
        let settings: Self = aa_runtime::settings::load_for(dir, PREFIX, environment)?;
        if settings.otp.sandbox_endpoint && environment.is_production() {
            return Err(SettingsError::Invalid(
                "otp.sandbox_endpoint must not be on in production".into(),
            ));
        }
        settings.database.check(environment, PREFIX)?;
        settings.otp.delivery.check(environment, PREFIX)?;
        settings
            .auth
            .pepper
            .check_strength("auth.pepper", environment)?;
        settings.redirection.load(environment)?;
        if let Some(token) = &settings.admin.token {
            token.check_strength("admin.token", environment)?;
        }
        Ok(settings)
    }

    /// The database URL: the configured one, or SQLite under `data_dir`.
    pub fn database_url(&self) -> Secret {
        self.database.url_or_sqlite(&self.data_dir, "aa-service.db")
    }
}
