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
mod strict;

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

/// The value is overwritten when dropped, so it does not linger in freed memory.
impl Drop for Secret {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

/// `url` with its password (and any query string, which may carry one) replaced, for messages:
/// `postgres://app:***@db:5432/aa`.
pub fn redact_url(url: &str) -> String {
    let url = url.trim();
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (scheme, rest),
        None => return "[redacted]".to_owned(),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((rest, _)) => (rest, "?***"),
        None => (rest, ""),
    };
    let rest = match rest.rsplit_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((name, _)) => format!("{name}:***@{host}"),
            None => format!("{user}@{host}"),
        },
        None => rest.to_owned(),
    };
    format!("{scheme}://{rest}{query}")
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
/// environment variables. A key that is not a setting of `T`, in a file or a variable, is
/// refused with its name and where it came from ([`strict`]).
pub fn load_for<T: DeserializeOwned>(
    dir: &Path,
    prefix: &str,
    environment: Environment,
) -> Result<T, SettingsError> {
    let load_error = |source| SettingsError::Load {
        dir: dir.to_owned(),
        source: Box::new(source),
    };
    let files = [
        dir.join("base.yaml"),
        dir.join(format!("{}.yaml", environment.as_str())),
    ];
    let variables = strict::Variables::of(prefix);
    let mut builder = config::Config::builder();
    for file in &files {
        builder = builder.add_source(config::File::from(file.as_path()).required(false));
    }
    let config = builder
        .add_source(
            config::Environment::with_prefix(prefix)
                .prefix_separator("_")
                .separator("__")
                .try_parsing(true)
                .source(Some(variables.single.clone())),
        )
        .add_source(
            config::Environment::with_prefix(prefix)
                .prefix_separator("__")
                .separator("__")
                .try_parsing(true)
                .source(Some(variables.double.clone())),
        )
        .build()
        .map_err(load_error)?;
    let (settings, unknown) = strict::deserialize(config).map_err(load_error)?;
    if unknown.is_empty() {
        Ok(settings)
    } else {
        Err(SettingsError::Invalid(strict::describe(
            &unknown, &files, &variables, prefix,
        )))
    }
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
    fn a_key_that_is_no_setting_is_refused_with_the_file_or_variable_that_set_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("base.yaml"),
            "server:\n  host: 0.0.0.0\n  prot: 8000\n  port: 1\nsigning_key: k\n",
        )
        .unwrap();
        let error = load::<Settings>(dir.path(), "AASTRICTFILE").unwrap_err();
        let base = dir.path().join("base.yaml");
        assert_eq!(
            error.to_string(),
            format!(
                "configuration: unknown setting \"server.prot\" (in {})",
                base.display()
            )
        );
        std::fs::write(&base, "server:\n  host: h\n  port: 1\nsigning_key: k\n").unwrap();
        std::env::set_var("AASTRICTENV__SERVER__HOTS", "x");
        let error = load::<Settings>(dir.path(), "AASTRICTENV").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("unknown setting \"server.hots\" (in AASTRICTENV__SERVER__HOTS)"),
            "{error}"
        );
        // The variables read before the settings are not settings, and are no typo.
        std::env::set_var("AASTRICTOK_ENVIRONMENT", "local");
        std::env::set_var("AASTRICTOK_CONFIG_DIR", dir.path());
        std::env::set_var("AASTRICTOK_SERVER__PORT", "7");
        let settings: Settings = load(dir.path(), "AASTRICTOK").unwrap();
        assert_eq!(settings.server.port, 7);
    }

    #[test]
    fn a_redacted_url_keeps_scheme_user_host_and_database_only() {
        assert_eq!(
            redact_url("postgres://app:s3cr%40t@db.internal:5432/aa?sslmode=require&password=x"),
            "postgres://app:***@db.internal:5432/aa?***"
        );
        assert_eq!(redact_url("postgres://db:5432/aa"), "postgres://db:5432/aa");
        assert_eq!(redact_url("not a url with p4ss"), "[redacted]");
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
