//! Layered configuration with the `config` crate: `base.yaml`, then `<environment>.yaml`, then
//! environment variables with a per-service prefix and `__` between levels. Both spellings of
//! the prefix are accepted: `FIP_DATABASE__URL` and `FIP__DATABASE__URL`. The environment is
//! named by `<PREFIX>_ENVIRONMENT` ([`Environment`]: `local` when unset; `production` switches
//! logs to JSON; anything else is refused).
//!
//! The sections every service has ([`ServerSettings`], [`DatabaseSettings`]) are here; each
//! service's `configuration.rs` adds only its own; the roles that seal data at rest share the
//! shape of their master keys ([`MasterKeys`]). There is no global settings singleton: each
//! service loads its own type once at start-up and passes it down.

mod environment;
mod master_keys;
mod sections;
mod strict;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Deserialize;

pub use environment::{Environment, UnknownEnvironment};
pub use master_keys::{MasterKey, MasterKeys};
pub use sections::{DatabaseSettings, ServerSettings, MIN_SECRET_BYTES};

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

/// The configuration directory of `service`: the `--config-dir` flag, else
/// `<PREFIX>_CONFIG_DIR`, else `configuration/` beside the binary, else (debug builds only)
/// `dev_dir`, the crate's own, else `/etc/<service>`. A directory named by the flag or the
/// variable must exist; when none of the places does, the error names each one looked at.
pub fn find_config_dir(
    service: &str,
    prefix: &str,
    flag: Option<&Path>,
    dev_dir: Option<&Path>,
) -> Result<PathBuf, SettingsError> {
    let variable = format!("{prefix}_CONFIG_DIR");
    let named = flag
        .map(|dir| (dir.to_owned(), "--config-dir".to_owned()))
        .or_else(|| {
            std::env::var_os(&variable)
                .filter(|dir| !dir.is_empty())
                .map(|dir| (PathBuf::from(dir), variable.clone()))
        });
    if let Some((dir, by)) = named {
        return if dir.is_dir() {
            Ok(dir)
        } else {
            Err(SettingsError::Invalid(format!(
                "the configuration directory {} ({by}) does not exist",
                dir.display()
            )))
        };
    }
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("configuration")));
    let candidates: Vec<PathBuf> = beside
        .into_iter()
        .chain(dev_dir.map(Path::to_owned))
        .chain([PathBuf::from("/etc").join(service)])
        .collect();
    candidates
        .iter()
        .find(|dir| dir.is_dir())
        .cloned()
        .ok_or_else(|| {
            let looked: Vec<String> = candidates.iter().map(|d| d.display().to_string()).collect();
            SettingsError::Invalid(format!(
                "no configuration directory: give --config-dir or {variable}, or create one of {}",
                looked.join(", ")
            ))
        })
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
    fn the_config_dir_flag_wins_then_the_variable_and_a_missing_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::env::set_var("AASETTINGSDIR_CONFIG_DIR", "/nonexistent/somewhere");
        let flagged = find_config_dir("x", "AASETTINGSDIR", Some(dir.path()), None).unwrap();
        assert_eq!(flagged, dir.path());
        let error = find_config_dir("x", "AASETTINGSDIR", None, None).unwrap_err();
        assert_eq!(
            error.to_string(),
            "configuration: the configuration directory /nonexistent/somewhere \
             (AASETTINGSDIR_CONFIG_DIR) does not exist"
        );
        let error = find_config_dir("no-such-service", "AASETTINGSNONE", None, None).unwrap_err();
        assert!(
            error.to_string().contains("/etc/no-such-service"),
            "{error}"
        );
        let dev = find_config_dir("no-such-service", "AASETTINGSNONE", None, Some(dir.path()));
        assert_eq!(dev.unwrap(), dir.path());
    }
}
