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
use crate::settings::Secret;

/// How long SQLite waits for another process's write lock before it answers "busy".
pub(crate) const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Whether `url` names an SQLite database.
pub fn is_sqlite(url: &Secret) -> bool {
    url.expose().trim_start().starts_with("sqlite:")
}

/// Connects to `url` (`sqlite://...` or `postgres://...`). Migrations are not run here; see
/// [`super::migrate`].
pub async fn connect(url: &Secret, max_connections: u32) -> Result<DatabaseConnection, StoreError> {
    let mut options = ConnectOptions::new(url.expose().trim().to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30));
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
        options.max_connections(max_connections.max(1));
    }
    Ok(Database::connect(options).await?)
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
