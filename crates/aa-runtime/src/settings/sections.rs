//! The sections every service's settings share: `server`, `database` and `data_dir`. Each
//! service's `configuration.rs` holds these with its own sections beside them.

use std::path::Path;

use serde::Deserialize;

use super::Secret;

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

#[cfg(test)]
mod tests {
    use super::*;

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
