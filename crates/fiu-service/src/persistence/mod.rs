//! The FIU's database: the only module that imports sea-orm. SQLite under `data_dir` by default,
//! PostgreSQL by URL; the same migrations on both.
//!
//! - [`migration`]: the schema.
//! - [`entities`]: one sea-orm entity per table; they never leave this module.
//! - [`consents`]: consent requests and their artefacts (records the rest of the service reads).
//! - [`updates`]: notifications and polled statuses applied in one transaction, with the jobs
//!   they call for.
//! - [`jobs`]: claiming, finishing and retrying jobs, with the artefact changes they make.
//! - [`fi_requests`]: FI data requests, their sessions and accounts (sealed data as blobs).
//! - [`data_keys`]: the per-consent data keys, wrapped.
//! - [`purge`]: deleting FI data whose time is up, or whose consent was revoked or expired.

pub mod consents;
pub mod data_keys;
mod entities;
pub mod fi_requests;
pub mod jobs;
pub mod migration;
pub mod purge;
pub mod updates;

use std::time::Duration;

use aa_runtime::idempotency::Idempotency;

use aa_runtime::settings::Secret;
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};
use sea_orm_migration::MigratorTrait;

/// A database failure; the cause is for the log, never for a response.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] DbErr),
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
}

/// The connection pool, cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    db: DatabaseConnection,
}

impl Store {
    /// Connects and brings the schema up to date.
    pub async fn connect(url: &Secret, max_connections: u32) -> Result<Self, StoreError> {
        let url = url.expose();
        let mut options = ConnectOptions::new(url.to_owned());
        // SQLite takes one writer at a time; a single connection serialises the service's
        // transactions instead of failing them with "database is locked".
        let pool = if url.starts_with("sqlite:") {
            1
        } else {
            max_connections.max(1)
        };
        options
            .max_connections(pool)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .sqlx_logging(false);
        let db = Database::connect(options).await?;
        migration::Migrator::up(&db, None).await?;
        Ok(Self { db })
    }

    /// Readiness: the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        Ok(self.db.ping().await?)
    }

    /// The idempotency keys in this store (`aa_runtime::idempotency`), digested under `digest_key`.
    pub fn idempotency<'a>(&'a self, digest_key: &'a [u8]) -> Idempotency<'a> {
        Idempotency::new(&self.db, digest_key)
    }

    pub(crate) fn db(&self) -> &DatabaseConnection {
        &self.db
    }
}

/// Milliseconds since the epoch, the unit of every stored instant.
pub fn millis(at: time::OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// The instant of a stored value.
pub fn instant(millis: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}
