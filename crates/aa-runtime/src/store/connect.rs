//! Opening the database a URL names.
//!
//! SQLite gets one connection in WAL mode, with foreign keys on and a busy timeout. One
//! connection because SQLite takes one writer at a time anyway: with several, two transactions
//! that both read and then write fail with "database is locked" when they try to upgrade at
//! once; a single connection queues them instead (the services rely on this: their read-then-
//! write transactions assume they are not interleaved). WAL lets readers of other processes
//! (the `aa` CLI, an operator's sqlite3) read while the service writes. Scale out with
//! PostgreSQL, which gets a pool of `max_connections`.

use std::time::Duration;

use sea_orm::sqlx::sqlite::SqliteJournalMode;
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

use super::StoreError;
use crate::settings::{redact_url, Secret};

/// How long SQLite waits for another process's write lock before it answers "busy".
pub(crate) const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Whether `url` names an SQLite database.
pub fn is_sqlite(url: &Secret) -> bool {
    url.expose().trim_start().starts_with("sqlite:")
}

/// How long reaching the database may take before start-up gives up with the cause.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Connects to `url` (`sqlite://...` or `postgres://...`). Migrations are not run here; see
/// [`super::migrate`]. A database that cannot be reached fails within [`CONNECT_TIMEOUT`]
/// or two, naming host, port and cause ([`StoreError::Connect`]), never the password.
pub async fn connect(url: &Secret, max_connections: u32) -> Result<DatabaseConnection, StoreError> {
    let text = url.expose().trim();
    let failed = |cause: String| StoreError::Connect {
        target: redact_url(text),
        cause: scrub(&cause, text),
    };
    let mut options = ConnectOptions::new(text.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(CONNECT_TIMEOUT)
        .acquire_timeout(CONNECT_TIMEOUT.saturating_mul(2));
    if is_sqlite(url) {
        options
            .max_connections(1)
            .min_connections(1)
            .map_sqlx_sqlite_opts(|o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .foreign_keys(true)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
            });
    } else {
        // The pool reports an unreachable server only as "pool timed out": reach it first, so
        // the operator reads refused, timed out or no such host.
        reach(text).await.map_err(failed)?;
        options.max_connections(max_connections.max(1));
    }
    Database::connect(options)
        .await
        .map_err(|e| failed(e.to_string()))
}

/// Opens (and closes) a TCP connection to the URL's host and port.
async fn reach(url: &str) -> Result<(), String> {
    let (host, port) = host_port(url).ok_or("the URL names no valid host and port")?;
    let address = format!("{host}:{port}");
    match tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::TcpStream::connect(&address)).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(format!("{address}: {e}")),
        Err(_) => Err(format!(
            "{address}: no answer within {} s",
            CONNECT_TIMEOUT.as_secs()
        )),
    }
}

/// The host and port of `scheme://[user[:password]@]host[:port][/...]` (PostgreSQL's 5432 when
/// no port is given).
fn host_port(url: &str) -> Option<(String, u16)> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?']).next()?;
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = match hostport.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || hostport.starts_with('[') => {
            (host, port.parse().ok()?)
        }
        _ => (hostport, 5432),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    (!host.is_empty()).then(|| (host.to_owned(), port))
}

/// `cause` without the URL or its password, should a driver have quoted either.
fn scrub(cause: &str, url: &str) -> String {
    let mut cause = cause.replace(url, &redact_url(url));
    let password = url
        .split_once("://")
        .and_then(|(_, rest)| rest.split(['/', '?']).next())
        .and_then(|authority| authority.rsplit_once('@'))
        .and_then(|(user, _)| user.split_once(':'))
        .map(|(_, password)| password)
        .filter(|password| !password.is_empty());
    if let Some(password) = password {
        cause = cause.replace(password, "***");
    }
    cause
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use sea_orm::{ConnectionTrait, Statement};

    use super::*;

    async fn pragma(db: &DatabaseConnection, name: &str) -> String {
        let row = db
            .query_one(Statement::from_string(
                db.get_database_backend(),
                format!("PRAGMA {name}"),
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index::<i64>(0)
            .map(|n| n.to_string())
            .or_else(|_| row.try_get_by_index::<String>(0))
            .unwrap()
    }

    #[tokio::test]
    async fn sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let url = Secret::new(format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("kit.db").display()
        ));
        let db = connect(&url, 8).await.unwrap();
        assert_eq!(pragma(&db, "journal_mode").await, "wal");
        assert_eq!(pragma(&db, "foreign_keys").await, "1");
        assert_eq!(
            pragma(&db, "busy_timeout").await,
            SQLITE_BUSY_TIMEOUT.as_millis().to_string()
        );
    }

    #[tokio::test]
    async fn an_unreachable_database_fails_at_once_naming_host_port_and_cause_but_no_password() {
        // A port nothing listens on: refused at once.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = Secret::new(format!("postgres://app:hunter2hunter2@127.0.0.1:{port}/aa"));
        let started = std::time::Instant::now();
        let error = connect(&url, 2).await.unwrap_err().to_string();
        assert!(
            started.elapsed() < CONNECT_TIMEOUT,
            "{:?}",
            started.elapsed()
        );
        assert!(!error.contains("hunter2"), "{error}");
        assert!(
            error.starts_with(&format!(
                "cannot connect to the database at postgres://app:***@127.0.0.1:{port}/aa: 127.0.0.1:{port}: "
            )),
            "{error}"
        );
        assert!(error.to_lowercase().contains("refused"), "{error}");
    }

    #[test]
    fn host_and_port_come_from_the_authority_only() {
        assert_eq!(
            host_port("postgres://u:p@a@db.x:6543/aa?host=other"),
            Some(("db.x".to_owned(), 6543))
        );
        assert_eq!(
            host_port("postgres://db.x/aa"),
            Some(("db.x".to_owned(), 5432))
        );
        assert_eq!(
            host_port("postgres://[::1]:7000/aa"),
            Some(("::1".to_owned(), 7000))
        );
        assert_eq!(host_port("postgres://u@:5/aa"), None);
        assert_eq!(
            scrub("bad pw s3cret for x", "postgres://u:s3cret@h/d"),
            "bad pw *** for x"
        );
    }

    #[tokio::test]
    async fn sqlite_refuses_a_row_whose_foreign_key_points_nowhere() {
        let dir = tempfile::tempdir().unwrap();
        let url = Secret::new(format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("fk.db").display()
        ));
        let db = connect(&url, 1).await.unwrap();
        db.execute_unprepared("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
            .await
            .unwrap();
        db.execute_unprepared(
            "CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER NOT NULL REFERENCES parent(id))",
        )
        .await
        .unwrap();
        let orphan = db
            .execute_unprepared("INSERT INTO child (id, parent) VALUES (1, 42)")
            .await;
        assert!(orphan.is_err(), "an orphan row was accepted");
    }
}
