//! Storage: the only module that speaks SQL (sea-orm 1.1 over sqlx). Embedded SQLite by
//! default, PostgreSQL by URL; one migration set ([`migration`]) applied at start-up.
//!
//! [`Store`] is the handle the rest of the service uses; its queries live beside the data
//! they touch ([`seed`], [`bank`], [`links`], [`consents`], [`fi_sessions`],
//! [`fi_session_expiry`], [`data_keys`], [`outbox`]; idempotency keys are `aa_runtime::idempotency`'s) and return domain
//! types, never entities. Instants are stored as epoch milliseconds so that both databases
//! compare them the same way.
//!
//! SQLite runs with one connection in WAL mode: writes are serialised by SQLite anyway, and a
//! single connection rules out "database is locked" failures between a reading transaction
//! and a concurrent writer. Scale out with PostgreSQL.

use std::time::Duration;

use aa_runtime::http::RebitError;
use aa_runtime::idempotency::Idempotency;
use aa_runtime::settings::Secret;
use sea_orm::sqlx::sqlite::SqliteJournalMode;
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use sea_orm_migration::MigratorTrait;
use time::OffsetDateTime;

pub mod bank;
pub mod consents;
pub mod data_keys;
mod entities;
pub mod fi_session_expiry;
pub mod fi_sessions;
pub mod links;
mod migration;
pub mod outbox;
pub mod seed;

/// Why a query failed. Never shown to a caller: it becomes a 500 "internal error".
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] DbErr),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("sealing: {0}")]
    Seal(#[from] aa_core::seal::SealError),
}

impl From<StoreError> for RebitError {
    fn from(error: StoreError) -> Self {
        RebitError::internal(&error)
    }
}

/// The database, migrated.
#[derive(Debug, Clone)]
pub struct Store {
    db: DatabaseConnection,
}

impl Store {
    /// The idempotency keys in this store (`aa_runtime::idempotency`), digested under `digest_key`.
    pub fn idempotency<'a>(&'a self, digest_key: &'a [u8]) -> Idempotency<'a> {
        Idempotency::new(&self.db, digest_key)
    }

    /// Connects to `url` and applies the migrations.
    pub async fn connect(url: &Secret, max_connections: u32) -> Result<Self, StoreError> {
        let url = url.expose();
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .sqlx_logging(false)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(30));
        if url.starts_with("sqlite:") {
            options
                .max_connections(1)
                .min_connections(1)
                .map_sqlx_sqlite_opts(|o| {
                    o.journal_mode(SqliteJournalMode::Wal)
                        .busy_timeout(Duration::from_secs(10))
                        .foreign_keys(true)
                });
        } else {
            options.max_connections(max_connections.max(1));
        }
        let db = Database::connect(options).await?;
        migration::Migrator::up(&db, None).await?;
        Ok(Self { db })
    }

    /// Checks the database answers (readiness).
    pub async fn ping(&self) -> Result<(), StoreError> {
        Ok(self.db.ping().await?)
    }
}

/// Now, in epoch milliseconds.
pub fn now_ms() -> i64 {
    to_ms(OffsetDateTime::now_utc())
}

/// An instant in epoch milliseconds.
pub fn to_ms(at: OffsetDateTime) -> i64 {
    (at.unix_timestamp_nanos() / 1_000_000) as i64
}

/// Epoch milliseconds as an instant (UTC).
pub fn from_ms(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}
