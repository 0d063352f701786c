//! Settings of the FIP, loaded with `aa_runtime::settings::load` from `base.yaml`, then
//! `<environment>.yaml`, then `FIP_*` environment variables (see `docs/SERVICES.md`).
//!
//! The configuration directory is found by `aa_runtime::launch` (`--config-dir`,
//! `FIP_CONFIG_DIR`, `configuration/` beside the binary, ...). A relative `seed_file` is
//! resolved against that directory, so `seed/fip-1.yaml` works from any working directory;
//! every other path is relative to the working directory.

use std::path::{Path, PathBuf};
use std::time::Duration;

use aa_runtime::identity::IdentitySettings;
use aa_runtime::otp_delivery::DeliverySettings;
use aa_runtime::queue::admin::AdminSettings;
use aa_runtime::queue::QueueSettings;
use aa_runtime::rate_limit::RateLimitSettings;
pub use aa_runtime::settings::{DatabaseSettings, ServerSettings};
use aa_runtime::settings::{Environment, Secret, SettingsError};
use serde::Deserialize;

/// The environment-variable prefix of this service.
pub const PREFIX: &str = "FIP";

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub server: ServerSettings,
    /// The SQLite file (when `database.url` is unset) and anything else on disk lives here.
    pub data_dir: PathBuf,
    #[serde(default)]
    pub database: DatabaseSettings,
    /// The bank's customers and accounts; relative paths are resolved against the
    /// configuration directory.
    pub seed_file: PathBuf,
    pub identity: IdentitySettings,
    pub otp: OtpSettings,
    /// Limits on linking OTP sends and verifications (`aa_runtime::rate_limit`).
    #[serde(default)]
    pub rate_limits: RateLimitSettings,
    /// The runtime queue that delivers notifications (`aa_runtime::queue`).
    #[serde(default)]
    pub queue: QueueSettings,
    /// The operator endpoints (dead letters); mounted only when `admin.token` is set.
    #[serde(default)]
    pub admin: AdminSettings,
    #[serde(default)]
    pub bank_api: BankApiSettings,
    /// The FI data flow: preparing, sealing and serving financial information.
    #[serde(default)]
    pub fi: FiSettings,
    /// The directory the settings were read from (set by [`load_from`], not by the files).
    #[serde(skip)]
    pub config_dir: PathBuf,
    /// The environment they were loaded for (set by [`load_from`], from `FIP_ENVIRONMENT`).
    #[serde(skip)]
    pub environment: Environment,
}

#[derive(Debug, Clone, Deserialize)]
pub struct OtpSettings {
    /// Server secret the stored OTP hashes are keyed with (`aa_core::otp`).
    pub pepper: Secret,
    /// Lifetime of a linking OTP. 0 makes every OTP expire at once (tests of expiry only).
    #[serde(default = "default_otp_ttl")]
    pub ttl_seconds: u64,
    /// Wrong tokens allowed before a link request locks.
    #[serde(default = "default_otp_attempts")]
    pub max_attempts: u32,
    /// Also serve the latest OTP of each link request at `GET /sandbox/otp/{ref}`
    /// (demos and scripts only; refused in production).
    #[serde(default)]
    pub sandbox_endpoint: bool,
    /// How the OTP reaches the customer's mobile (`aa_runtime::otp_delivery`): `log` (local,
    /// sandbox) or an SMS gateway over `http`.
    #[serde(default)]
    pub delivery: DeliverySettings,
}

fn default_otp_ttl() -> u64 {
    300
}

fn default_otp_attempts() -> u32 {
    3
}

impl OtpSettings {
    pub fn ttl(&self) -> Duration {
        Duration::from_secs(self.ttl_seconds)
    }
}

/// The bank's own back-office API (`/bank/...`): what the bank's staff or systems do outside
/// ReBIT, such as ending an account link. Off unless a token is set.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BankApiSettings {
    /// Bearer token of the back-office API; unset turns the API off.
    #[serde(default)]
    pub token: Option<Secret>,
}

/// The FI data flow (`POST /FI/request`, background preparation, `POST /FI/fetch`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct FiSettings {
    /// The master key that wraps the per-consent data keys sealing prepared data: base64 of
    /// 32 bytes (a secret: `FIP_FI__MASTER_KEY`). Unset: read from `master_key_file`.
    pub master_key: Option<Secret>,
    /// Unset: `<data_dir>/fip-master.key`, created with a fresh key when missing (not in
    /// production, where the key must be given).
    pub master_key_file: Option<PathBuf>,
    /// The id of the master key, written into every wrapped data key.
    pub master_key_id: String,
    /// How long this FIP's `KeyMaterial` in a fetch answer stays valid.
    pub key_validity_minutes: u64,
    /// How often the sweeps run (session expiry, forgetting idempotency keys); preparation is
    /// a queue job, retried as the `queue` section says.
    pub sweep_interval_ms: u64,
    /// How long a session lives after its `FI/request`: then it is `EXPIRED`, its prepared
    /// data purged, and fetching it is 400 `InvalidSessionId`.
    pub session_lifetime_seconds: u64,
}

impl Default for FiSettings {
    fn default() -> Self {
        Self {
            master_key: None,
            master_key_file: None,
            master_key_id: "fip-master-1".to_owned(),
            key_validity_minutes: 24 * 60,
            sweep_interval_ms: 60_000,
            session_lifetime_seconds: 86_400,
        }
    }
}

impl FiSettings {
    pub fn sweep_interval(&self) -> Duration {
        Duration::from_millis(self.sweep_interval_ms.max(10))
    }

    pub fn session_lifetime(&self) -> time::Duration {
        time::Duration::seconds(
            i64::try_from(self.session_lifetime_seconds.max(1)).unwrap_or(86_400),
        )
    }

    pub fn key_validity(&self) -> time::Duration {
        time::Duration::minutes(i64::try_from(self.key_validity_minutes.max(1)).unwrap_or(1440))
    }

    /// The master key: `master_key`, else the key file (created when missing and `create`).
    pub fn load_master_key(
        &self,
        data_dir: &Path,
        create: bool,
    ) -> Result<aa_core::seal::DataKey, ConfigError> {
        use base64::engine::general_purpose::STANDARD;
        use base64::Engine;
        let invalid = |m: String| ConfigError::Invalid(m);
        let text = match &self.master_key {
            Some(key) if !key.expose().trim().is_empty() => key.expose().trim().to_owned(),
            _ => {
                let path = self
                    .master_key_file
                    .clone()
                    .unwrap_or_else(|| data_dir.join("fip-master.key"));
                if !path.exists() && create {
                    let bytes = aa_core::fi_crypto::keys::random_bytes::<32>()
                        .map_err(|e| invalid(format!("fi.master_key_file: {e}")))?;
                    write_private(&path, STANDARD.encode(bytes).as_bytes()).map_err(|e| {
                        invalid(format!("fi.master_key_file {}: {e}", path.display()))
                    })?;
                }
                std::fs::read_to_string(&path)
                    .map_err(|e| invalid(format!("fi.master_key_file {}: {e}", path.display())))?
                    .trim()
                    .to_owned()
            }
        };
        let bytes: [u8; 32] = STANDARD
            .decode(text.as_bytes())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| invalid("fi.master_key must be base64 of 32 bytes".into()))?;
        aa_core::seal::DataKey::from_bytes(&self.master_key_id, bytes)
            .map_err(|e| invalid(format!("fi.master_key_id: {e}")))
    }
}

/// Writes a file only its owner can read.
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(contents)
}

/// A configuration that cannot work; the message names the setting.
pub type ConfigError = SettingsError;

impl Settings {
    /// Where the SQLite database lives, or the configured URL.
    pub fn database_url(&self) -> Secret {
        self.database
            .url_or_sqlite(&self.data_dir, "fip-service.db")
    }

    /// The seed file, resolved against the configuration directory when relative.
    pub fn seed_path(&self) -> PathBuf {
        if self.seed_file.is_absolute() {
            self.seed_file.clone()
        } else {
            self.config_dir.join(&self.seed_file)
        }
    }

    /// Rules that span several settings.
    pub fn check(&self, environment: Environment) -> Result<(), ConfigError> {
        if environment.is_production() && self.otp.sandbox_endpoint {
            return Err(ConfigError::Invalid(
                "otp.sandbox_endpoint must be false in production".into(),
            ));
        }
        if self.otp.pepper.expose().len() < 16 {
            return Err(ConfigError::Invalid(
                "otp.pepper must be at least 16 characters".into(),
            ));
        }
        if self.otp.max_attempts == 0 {
            return Err(ConfigError::Invalid(
                "otp.max_attempts must be at least 1".into(),
            ));
        }
        if environment.is_production()
            && self.fi.master_key.is_none()
            && self.fi.master_key_file.is_none()
        {
            return Err(ConfigError::Invalid(
                "fi.master_key (or fi.master_key_file) must be set in production".into(),
            ));
        }
        if let Some(token) = &self.bank_api.token {
            if token.expose().len() < 16 {
                return Err(ConfigError::Invalid(
                    "bank_api.token must be at least 16 characters".into(),
                ));
            }
            token.check_strength("bank_api.token", environment)?;
        }
        self.database.check(environment, PREFIX)?;
        self.otp.delivery.check(environment, PREFIX)?;
        self.otp.pepper.check_strength("otp.pepper", environment)?;
        if let Some(token) = &self.admin.token {
            token.check_strength("admin.token", environment)?;
        }
        Ok(())
    }
}

/// Loads the settings from `dir` (then the environment), for the environment
/// `FIP_ENVIRONMENT` names.
pub fn load_from(dir: &Path) -> Result<Settings, ConfigError> {
    load_for(dir, Environment::from_env(PREFIX)?)
}

/// Loads the settings from `dir` (then the environment) for `environment`.
pub fn load_for(dir: &Path, environment: Environment) -> Result<Settings, ConfigError> {
    let mut settings: Settings = aa_runtime::settings::load_for(dir, PREFIX, environment)?;
    settings.config_dir = dir.to_owned();
    settings.environment = environment;
    Ok(settings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_local_configuration_loads_and_passes_its_checks() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("configuration");
        let settings = load_from(&dir).unwrap();
        settings.check(Environment::Local).unwrap();
        assert!(settings.seed_path().is_file(), "{:?}", settings.seed_path());
        assert!(settings.database_url().expose().starts_with("sqlite://"));
    }

    #[test]
    fn the_sandbox_endpoint_is_refused_in_production() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("configuration");
        let mut settings = load_from(&dir).unwrap();
        settings.otp.sandbox_endpoint = true;
        let err = settings.check(Environment::Production).unwrap_err();
        assert!(err.to_string().contains("sandbox_endpoint"));
    }
}
