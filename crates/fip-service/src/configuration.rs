//! Settings of the FIP, loaded with `aa_runtime::settings::load` from `base.yaml`, then
//! `<environment>.yaml`, then `FIP_*` environment variables (see `docs/SERVICES.md`).
//!
//! The configuration directory is found by `aa_runtime::launch` (`--config-dir`,
//! `FIP_CONFIG_DIR`, `configuration/` beside the binary, ...). A relative `seed_file` is
//! resolved against that directory, so `seed/fip-1.yaml` works from any working directory;
//! every other path is relative to the working directory. The seed is the simulated bank's
//! sample customers: loaded in `local` and `sandbox` only; a production configuration that
//! names one is refused ([`Settings::check`]), so sample customers never reach a production
//! database.

use std::path::{Path, PathBuf};
use std::time::Duration;

use aa_core::rebit::AuthenticatorType;
use aa_runtime::identity::IdentitySettings;
use aa_runtime::otp_delivery::DeliverySettings;
use aa_runtime::queue::admin::AdminSettings;
use aa_runtime::queue::QueueSettings;
use aa_runtime::rate_limit::RateLimitSettings;
pub use aa_runtime::settings::{DatabaseSettings, ServerSettings};
use aa_runtime::settings::{Environment, MasterKey, MasterKeys, Secret, SettingsError};
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
    /// The simulated bank's customers and accounts, loaded at start-up in `local` and
    /// `sandbox` (refused in production); relative paths are resolved against the
    /// configuration directory. Unset or empty: no seed.
    #[serde(default)]
    pub seed_file: Option<PathBuf>,
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
    /// How customers confirm a link request.
    #[serde(default)]
    pub linking: LinkingSettings,
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

/// How a link request is confirmed (`AccLinkResponse.AuthenticatorType`): `TOKEN`, an OTP to
/// the customer's mobile that the AA gives back to `POST /Accounts/link/verify`; or `DIRECT`,
/// the customer confirms with the bank itself (here the back office's
/// `POST /bank/link-requests/{refNumber}/confirm`) and the FIP tells the AA with
/// `POST /Account/link/Notification`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct LinkingSettings {
    pub authenticator: AuthenticatorType,
    /// How long a discovery binds its customer address to the customer it found: linking
    /// within this time is allowed (`crate::domain::discovery`); older records are purged by
    /// the periodic sweep.
    pub discovery_lifetime_seconds: u64,
}

impl Default for LinkingSettings {
    fn default() -> Self {
        Self {
            authenticator: AuthenticatorType::Token,
            discovery_lifetime_seconds: 86_400,
        }
    }
}

impl LinkingSettings {
    /// [`LinkingSettings::discovery_lifetime_seconds`], at least a second.
    pub fn discovery_lifetime(&self) -> time::Duration {
        time::Duration::seconds(
            i64::try_from(self.discovery_lifetime_seconds.max(1)).unwrap_or(86_400),
        )
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
    /// The master keys that wrap the per-consent data keys sealing prepared data, newest
    /// first: `{id, key}` (base64 of 32 bytes) or `{id, file}`
    /// (`aa_runtime::settings::MasterKeys`). New data keys are wrapped under the first; the
    /// others still open older ones until `fip-service rewrap`.
    pub master_keys: Vec<MasterKey>,
    /// One master key, the older spelling (when `master_keys` is empty): base64 of 32 bytes
    /// (a secret: `FIP_FI__MASTER_KEY`). Unset: read from `master_key_file`.
    pub master_key: Option<Secret>,
    /// Unset: `<data_dir>/fip-master.key`, created with a fresh key when missing (not in
    /// production, where the key must be given).
    pub master_key_file: Option<PathBuf>,
    /// The id of that one master key, written into every data key wrapped under it.
    pub master_key_id: String,
    /// How long this FIP's `KeyMaterial` in a fetch answer stays valid.
    pub key_validity_minutes: u64,
    /// How often the sweeps run (session expiry, forgetting idempotency keys and old
    /// discoveries); preparation is
    /// a queue job, retried as the `queue` section says.
    pub sweep_interval_ms: u64,
    /// How long a session lives after its `FI/request`: then it is `EXPIRED`, its prepared
    /// data purged, and fetching it is 400 `InvalidSessionId`.
    pub session_lifetime_seconds: u64,
}

impl Default for FiSettings {
    fn default() -> Self {
        Self {
            master_keys: Vec::new(),
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

/// A configuration that cannot work; the message names the setting.
pub type ConfigError = SettingsError;

impl Settings {
    /// Where the SQLite database lives, or the configured URL.
    pub fn database_url(&self) -> Secret {
        self.database
            .url_or_sqlite(&self.data_dir, "fip-service.db")
    }

    /// The master key ring (`fi.master_keys`, or the one key, by default in
    /// `<data_dir>/fip-master.key`, created when missing outside production).
    pub fn key_ring(&self) -> Result<aa_core::key_ring::KeyRing, ConfigError> {
        self.fi.master_keys().load(
            &self.data_dir.join("fip-master.key"),
            self.environment,
            PREFIX,
        )
    }

    /// The seed file, resolved against the configuration directory when relative; `None`
    /// when unset or empty.
    pub fn seed_path(&self) -> Option<PathBuf> {
        let file = self
            .seed_file
            .as_ref()
            .filter(|f| !f.as_os_str().is_empty())?;
        Some(if file.is_absolute() {
            file.clone()
        } else {
            self.config_dir.join(file)
        })
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
        self.fi.master_keys().check(environment, PREFIX)?;
        if environment.is_production() && self.seed_path().is_some() {
            return Err(ConfigError::Invalid(
                "seed_file names the simulated bank's sample customers, loaded only in local \
                 and sandbox; unset it in production (seed_file: ~)"
                    .into(),
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
        let seed = settings.seed_path().unwrap();
        assert!(seed.is_file(), "{seed:?}");
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

#[cfg(test)]
mod production_tests {
    use super::*;

    const KEY: &str = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=";

    fn production() -> Settings {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("configuration");
        let mut settings = load_for(&dir, Environment::Local).unwrap();
        settings.seed_file = None;
        settings.bank_api.token = None;
        settings.otp.pepper = Secret::new("p".repeat(32));
        settings.database.url = Some(Secret::new("postgres://db/fip"));
        settings.fi.master_key = Some(Secret::new(KEY));
        let delivery = &mut settings.otp.delivery;
        delivery.mode = aa_runtime::otp_delivery::Mode::Http;
        delivery.url = Some("https://sms.example.com/send".into());
        delivery.header = Some("Authorization".into());
        delivery.token = Some(Secret::new("t".repeat(32)));
        delivery.template = Some("code {otp}".into());
        settings
    }

    #[test]
    fn a_seed_is_refused_in_production_only() {
        let settings = production();
        assert_eq!(settings.seed_path(), None);
        settings.check(Environment::Production).unwrap();
        let mut seeded = settings.clone();
        seeded.seed_file = Some("seed/fip-1.yaml".into());
        let error = seeded.check(Environment::Production).unwrap_err();
        assert!(error.to_string().contains("seed_file"), "{error}");
        seeded.check(Environment::Sandbox).unwrap();
        seeded.seed_file = Some(PathBuf::new());
        assert_eq!(seeded.seed_path(), None);
    }

    #[test]
    fn production_needs_a_master_key_in_either_spelling() {
        let mut settings = production();
        settings.fi.master_key = None;
        let error = settings.check(Environment::Production).unwrap_err();
        assert!(error.to_string().contains("FIP__FI__MASTER_KEY"), "{error}");
        settings.fi.master_keys = vec![MasterKey {
            id: "fip-2".into(),
            key: Some(Secret::new(KEY)),
            file: None,
        }];
        settings.check(Environment::Production).unwrap();
    }
}
