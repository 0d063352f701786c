//! Persistence: the only module that imports sea-orm. [`Store`] owns the connection pool; its
//! methods (in `queries`) take and return the plain records of [`records`], never entities.
//! SQLite under `data_dir` by default, PostgreSQL by URL; connecting and migrating are the
//! runtime's store kit (`aa_runtime::store`).

mod entities;
pub mod migration;
mod queries;
pub mod records;

use aa_runtime::settings::Secret;
use aa_runtime::store;
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};

use aa_runtime::idempotency::Idempotency;
pub use aa_runtime::store::StoreError;

/// A transaction of the store (an idempotency claim's), for the `*_in` queries that write in it.
pub type Tx = sea_orm::DatabaseTransaction;

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

    /// Connects to `url` (`sqlite://...` or `postgres://...`) and brings the schema up to date
    /// (under the migration lock: replicas may start together).
    pub async fn connect(url: &Secret, max_connections: u32) -> Result<Self, StoreError> {
        let db = store::connect(url, max_connections).await?;
        store::migrate::<migration::Migrator>(&db).await?;
        Ok(Self { db })
    }

    /// The runtime queue on this database (its table is one of the migrations).
    pub fn queue(&self) -> aa_runtime::queue::Queue {
        aa_runtime::queue::Queue::new(self.db.clone())
    }

    /// The rate limiter on this store's `rate_limits` table (shared by replicas).
    pub fn limiter(
        &self,
        settings: aa_runtime::rate_limit::RateLimitSettings,
        clock: aa_runtime::clock::Clock,
    ) -> aa_runtime::rate_limit::Limiter {
        aa_runtime::rate_limit::Limiter::new(self.db.clone(), settings, clock)
    }

    /// A transaction of its own, for the `*_in` queries (commit or roll it back).
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(self.db.begin().await?)
    }

    /// Readiness: the database answers a trivial query.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.db.execute_unprepared("SELECT 1").await?;
        Ok(())
    }
}
