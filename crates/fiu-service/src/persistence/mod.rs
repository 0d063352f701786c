//! The FIU's database: the only module that imports sea-orm. SQLite under `data_dir` by default,
//! PostgreSQL by URL; the same migrations on both. Connecting and migrating are the runtime's
//! store kit (`aa_runtime::store`); instants are epoch milliseconds (`aa_runtime::clock`).
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
//! - [`redirects`]: links to AAs' consent managers and the outcome each came back with.

pub mod artefact_jobs;
pub mod consents;
pub mod data_keys;
mod entities;
pub mod fi_accounts;
pub mod fi_records;
pub mod fi_requests;
pub mod fi_sessions;
pub mod jobs;
pub mod migration;
pub mod purge;
pub mod redirects;
pub mod updates;

use aa_runtime::idempotency::Idempotency;
use aa_runtime::settings::Secret;
use aa_runtime::store;
use sea_orm::DatabaseConnection;

pub use aa_runtime::store::StoreError;

/// The connection pool, cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    db: DatabaseConnection,
}

impl Store {
    /// Connects and brings the schema up to date (under the migration lock: replicas may start
    /// together). SQLite gets one connection (one writer at a time), PostgreSQL a pool of
    /// `max_connections` (`aa_runtime::store::connect`).
    pub async fn connect(url: &Secret, max_connections: u32) -> Result<Self, StoreError> {
        let db = store::connect(url, max_connections).await?;
        store::migrate::<migration::Migrator>(&db).await?;
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
