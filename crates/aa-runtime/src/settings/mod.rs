//! Layered configuration with the `config` crate: `base.yaml`, then `<environment>.yaml`, then
//! environment variables with a per-service prefix and `__` between levels. Both spellings of
//! the prefix are accepted: `FIP_DATABASE__URL` and `FIP__DATABASE__URL`. The environment is
//! named by `<PREFIX>_ENVIRONMENT` ([`Environment`]: `local` when unset; `production` switches
//! logs to JSON; anything else is refused).
//!
//! The sections every service has ([`ServerSettings`], [`DatabaseSettings`]) are here; each
//! service's `configuration.rs` adds only its own. There is no global settings singleton: each
//! service loads its own type once at start-up and passes it down.

mod environment;
mod sections;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Deserialize;

pub use environment::{Environment, UnknownEnvironment};
pub use sections::{DatabaseSettings, ServerSettings};

/// A secret value (key, password, URL with credentials) that never prints.
#[derive(Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself; call only where it is used, never to log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// Why the settings could not be loaded; the message names the file or the setting.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    Environment(#[from] UnknownEnvironment),
    #[error("configuration in {dir}: {source}")]
    Load {
        dir: PathBuf,
        // Boxed: a config error is large, and every `Result` of the settings carries it.
        #[source]
        source: Box<config::ConfigError>,
    },
    /// Settings that load but cannot work together (checked by the service).
    #[error("configuration: {0}")]
    Invalid(String),
}

/// The configuration directory of a service: `<PREFIX>_CONFIG_DIR`, else `configuration/` in
/// the working directory when it has a `base.yaml`, else `crate_dir/configuration` (the
/// crate's own files, for `cargo run` from anywhere).
pub fn config_dir(prefix: &str, crate_dir: &Path) -> PathBuf {
    if let Ok(dir) = std::env::var(format!("{prefix}_CONFIG_DIR")) {
        return PathBuf::from(dir);
    }
    let local = PathBuf::from("configuration");
    if local.join("base.yaml").is_file() {
        return local;
    }
    crate_dir.join("configuration")
}

/// Loads `T` from `dir` for the environment `<PREFIX>_ENVIRONMENT` names.
pub fn load<T: DeserializeOwned>(dir: &Path, prefix: &str) -> Result<T, SettingsError> {
    load_for(dir, prefix, Environment::from_env(prefix)?)
}

/// Loads `T` from `dir/base.yaml`, `dir/<environment>.yaml` (both optional) and the
/// environment variables.
pub fn load_for<T: DeserializeOwned>(
    dir: &Path,
    prefix: &str,
    environment: Environment,
) -> Result<T, SettingsError> {
    let env = environment.as_str();
    config::Config::builder()
        .add_source(config::File::from(dir.join("base.yaml")).required(false))
        .add_source(config::File::from(dir.join(format!("{env}.yaml"))).required(false))
        .add_source(
            config::Environment::with_prefix(prefix)
                .prefix_separator("_")
                .separator("__")
                .try_parsing(true),
        )
        .add_source(
            config::Environment::with_prefix(prefix)
                .prefix_separator("__")
                .separator("__")
                .try_parsing(true),
        )
        .build()
        .and_then(config::Config::try_deserialize)
        .map_err(|source| SettingsError::Load {
            dir: dir.to_owned(),
            source: Box::new(source),
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Server {
        host: String,
        port: u16,
    }

    #[derive(Debug, Deserialize)]
    struct Settings {
        server: Server,
        signing_key: Secret,
    }

    #[test]
    fn files_then_environment_override_in_order() {
        let dir = std::env::temp_dir().join(format!("aa-core-settings-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("base.yaml"),
            "server:\n  host: 0.0.0.0\n  port: 8000\nsigning_key: from-file\n",
        )
        .unwrap();
        std::fs::write(dir.join("local.yaml"), "server:\n  host: 127.0.0.1\n").unwrap();
        // A prefix no other test uses, so setting the variable races with nothing.
        std::env::set_var("AACORETEST__SERVER__PORT", "9100");
        let settings: Settings = load(&dir, "AACORETEST").unwrap();
        assert_eq!(settings.server.host, "127.0.0.1");
        assert_eq!(settings.server.port, 9100);
        assert_eq!(format!("{:?}", settings.signing_key), "Secret([redacted])");
        assert_eq!(settings.signing_key.expose(), "from-file");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_unknown_environment_stops_the_load() {
        std::env::set_var("AASETTINGSBADENV_ENVIRONMENT", "staging");
        let error = load::<Server>(Path::new("/nonexistent"), "AASETTINGSBADENV").unwrap_err();
        assert!(matches!(error, SettingsError::Environment(_)), "{error}");
    }

    #[test]
    fn the_config_dir_variable_wins() {
        std::env::set_var("AASETTINGSDIR_CONFIG_DIR", "/etc/somewhere");
        assert_eq!(
            config_dir("AASETTINGSDIR", Path::new("/crate")),
            PathBuf::from("/etc/somewhere")
        );
    }
}
