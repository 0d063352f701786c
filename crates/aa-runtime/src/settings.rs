//! Layered configuration with the `config` crate: `base.yaml`, then `<environment>.yaml`, then
//! environment variables with a per-service prefix and `__` between levels. Both spellings of
//! the prefix are accepted: `FIP_DATABASE__URL` and `FIP__DATABASE__URL`. The environment is
//! named by `<PREFIX>_ENVIRONMENT` (`local` when unset; `production` switches logs to JSON).
//!
//! There is no global settings singleton: each service loads its own type once at start-up and
//! passes it down.

use std::fmt;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Deserialize;

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

/// The environment a service runs in, from `<PREFIX>_ENVIRONMENT`.
pub fn environment(prefix: &str) -> String {
    std::env::var(format!("{prefix}_ENVIRONMENT")).unwrap_or_else(|_| "local".to_owned())
}

/// Loads `T` from `dir/base.yaml`, `dir/<environment>.yaml` (optional) and the environment.
pub fn load<T: DeserializeOwned>(dir: &Path, prefix: &str) -> Result<T, config::ConfigError> {
    let env = environment(prefix);
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
        .build()?
        .try_deserialize()
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
}
