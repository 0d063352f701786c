//! The sections every service's settings share: `server`, `database` and `data_dir`. Each
//! service's `configuration.rs` holds these with its own sections beside them.

use std::path::Path;

use serde::Deserialize;

use super::{Environment, Secret, SettingsError};

/// The shortest secret (pepper, token, password) production accepts.
pub const MIN_SECRET_BYTES: usize = 32;

/// `server`: where the HTTP server listens.
#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    pub host: String,
    /// 0 = any free port.
    pub port: u16,
    /// HTTP worker threads; unset: one per CPU core.
    #[serde(default)]
    pub workers: Option<usize>,
}

/// `database`: which database, and how many connections to PostgreSQL.
#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    /// `postgres://...` or `sqlite://...` (a secret: it may carry a password). Unset or
    /// empty: an SQLite file under `data_dir` ([`DatabaseSettings::url_or_sqlite`]).
    #[serde(default)]
    pub url: Option<Secret>,
    /// PostgreSQL pool size (SQLite always uses one connection: one writer at a time).
    #[serde(default = "default_max_connections")]
    pub max_connections: u32,
}

fn default_max_connections() -> u32 {
    10
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            url: None,
            max_connections: default_max_connections(),
        }
    }
}

impl DatabaseSettings {
    /// Production names its database: an SQLite file under `data_dir` is for local and
    /// sandbox set-ups, not a silent fallback.
    pub fn check(&self, environment: Environment, prefix: &str) -> Result<(), SettingsError> {
        let unset = self
            .url
            .as_ref()
            .is_none_or(|url| url.expose().trim().is_empty());
        if environment.is_production() && unset {
            return Err(SettingsError::Invalid(format!(
                "production needs database.url ({prefix}__DATABASE__URL); the SQLite fallback \
                 under data_dir is for local and sandbox only"
            )));
        }
        Ok(())
    }

    /// The configured URL, or `sqlite://<data_dir>/<file>?mode=rwc`.
    pub fn url_or_sqlite(&self, data_dir: &Path, file: &str) -> Secret {
        match &self.url {
            Some(url) if !url.expose().trim().is_empty() => Secret::new(url.expose().trim()),
            _ => Secret::new(format!(
                "sqlite://{}?mode=rwc",
                data_dir.join(file).display()
            )),
        }
    }
}

impl Secret {
    /// In production, the secret `name` must be at least [`MIN_SECRET_BYTES`] long.
    pub fn check_strength(
        &self,
        name: &str,
        environment: Environment,
    ) -> Result<(), SettingsError> {
        let length = self.expose().len();
        if environment.is_production() && length < MIN_SECRET_BYTES {
            return Err(SettingsError::Invalid(format!(
                "{name} is {length} bytes; production needs at least {MIN_SECRET_BYTES}"
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_needs_a_database_url_and_long_secrets() {
        let database = DatabaseSettings::default();
        assert!(database.check(Environment::Local, "AA").is_ok());
        let error = database.check(Environment::Production, "AA").unwrap_err();
        assert!(error.to_string().contains("AA__DATABASE__URL"), "{error}");
        let short = Secret::new("12345");
        assert!(short
            .check_strength("auth.pepper", Environment::Sandbox)
            .is_ok());
        let error = short
            .check_strength("auth.pepper", Environment::Production)
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "configuration: auth.pepper is 5 bytes; production needs at least 32"
        );
        assert!(Secret::new("x".repeat(32))
            .check_strength("auth.pepper", Environment::Production)
            .is_ok());
    }

    #[test]
    fn an_unset_or_blank_url_means_the_sqlite_file_under_data_dir() {
        let mut database = DatabaseSettings::default();
        let dir = Path::new("/var/lib/x");
        assert_eq!(
            database.url_or_sqlite(dir, "x.db").expose(),
            "sqlite:///var/lib/x/x.db?mode=rwc"
        );
        database.url = Some(Secret::new("  "));
        assert!(database
            .url_or_sqlite(dir, "x.db")
            .expose()
            .starts_with("sqlite://"));
        database.url = Some(Secret::new(" postgres://db/x "));
        assert_eq!(
            database.url_or_sqlite(dir, "x.db").expose(),
            "postgres://db/x"
        );
        assert_eq!(database.max_connections, 10);
    }
}
