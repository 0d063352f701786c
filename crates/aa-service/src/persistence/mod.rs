//! Persistence: the only module that imports sea-orm. [`Store`] owns the connection pool; its
//! methods (in `queries`) take and return the plain records of [`records`], never entities.
//! SQLite under `data_dir` by default, PostgreSQL by URL; migrations run at connect time.

mod entities;
mod migration;
mod queries;
pub mod records;

use std::time::Duration;

use aa_runtime::idempotency::Idempotency;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr};
use sea_orm_migration::MigratorTrait;

/// A database failure. Its text is for the log only; callers answer "internal error".
#[derive(Debug, thiserror::Error)]
#[error("database: {0}")]
pub struct StoreError(String);

impl From<DbErr> for StoreError {
    fn from(e: DbErr) -> Self {
        StoreError(e.to_string())
    }
}

impl From<sea_orm::TransactionError<StoreError>> for StoreError {
    fn from(e: sea_orm::TransactionError<StoreError>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(e) => e.into(),
            sea_orm::TransactionError::Transaction(e) => e,
        }
    }
}

/// The AA's database.
#[derive(Debug, Clone)]
pub struct Store {
    db: DatabaseConnection,
}

impl Store {
    /// The idempotency keys in this store (`aa_runtime::idempotency`), digested under `digest_key`.
    pub fn idempotency<'a>(&'a self, digest_key: &'a [u8]) -> Idempotency<'a> {
        Idempotency::new(&self.db, digest_key)
    }

    /// Connects to `url` (`sqlite://...` or `postgres://...`) and brings the schema up to date.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .acquire_timeout(Duration::from_secs(10))
            .sqlx_logging(false);
        if url.starts_with("sqlite:") {
            // One writer at a time: SQLite would otherwise answer "database is locked" when two
            // transactions try to upgrade to a write lock at once.
            options.max_connections(1);
        }
        let db = Database::connect(options).await?;
        migration::Migrator::up(&db, None).await?;
        Ok(Self { db })
    }

    /// Readiness: the database answers a trivial query.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.db.execute_unprepared("SELECT 1").await?;
        Ok(())
    }
}

/// Milliseconds since the epoch, the unit of every time column.
pub fn millis(at: time::OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}
