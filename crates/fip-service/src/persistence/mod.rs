//! Storage: the only module that speaks SQL (sea-orm 1.1 over sqlx). Embedded SQLite by
//! default, PostgreSQL by URL; one migration set ([`migration`]) applied at start-up.
//!
//! [`Store`] is the handle the rest of the service uses; its queries live beside the data
//! they touch ([`seed`], [`bank`], [`discoveries`], [`links`], [`consents`], [`fi_sessions`],
//! [`fi_session_expiry`], `delinked_sessions`, [`data_keys`], idempotency keys are `aa_runtime::idempotency`'s) and return domain
//! types, never entities. Instants are stored as epoch milliseconds (`aa_runtime::clock::millis`)
//! so that both databases compare them the same way.
//!
//! Connecting (SQLite in WAL mode on one connection, or a PostgreSQL pool) and migrating under
//! the migration lock are the runtime's store kit (`aa_runtime::store`). The store carries the
//! service's [`Clock`]: every instant it writes or compares is the clock's.

use aa_runtime::clock::Clock;
use aa_runtime::idempotency::Idempotency;
use aa_runtime::settings::Secret;
use aa_runtime::store;
use sea_orm::{DatabaseConnection, TransactionTrait};

pub use aa_runtime::store::StoreError;

/// A transaction on the store: the idempotency claim's (`Claim::transaction`), or one of
/// [`Store::begin`]; the `*_in` queries write in it.
pub type Tx = sea_orm::DatabaseTransaction;

pub mod bank;
pub mod consents;
pub mod data_keys;
mod delinked_sessions;
pub mod direct_links;
pub mod discoveries;
mod entities;
pub mod fi_session_expiry;
pub mod fi_sessions;
pub mod links;
pub mod migration;
pub mod seed;

/// The database, migrated, and the clock its instants come from.
#[derive(Debug, Clone)]
pub struct Store {
    db: DatabaseConnection,
    clock: Clock,
}

impl Store {
    /// The idempotency keys in this store (`aa_runtime::idempotency`), digested under `digest_key`.
    pub fn idempotency<'a>(&'a self, digest_key: &'a [u8]) -> Idempotency<'a> {
        Idempotency::new(&self.db, digest_key)
    }

    /// Connects to `url` and applies the migrations (under the migration lock: replicas may
    /// start together). The clock is the system's until [`Store::with_clock`].
    pub async fn connect(url: &Secret, max_connections: u32) -> Result<Self, StoreError> {
        let db = store::connect(url, max_connections).await?;
        store::migrate_renamed::<migration::Migrator>(&db, migration::RENAMED).await?;
        Ok(Self {
            db,
            clock: Clock::system(),
        })
    }

    /// The same store reading `clock` (tests set the time).
    pub fn with_clock(self, clock: Clock) -> Self {
        Self { clock, ..self }
    }

    /// The clock the store's instants come from.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// A transaction of its own, for work that is not under an idempotency claim.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(self.db.begin().await?)
    }

    /// Checks the database answers (readiness).
    pub async fn ping(&self) -> Result<(), StoreError> {
        Ok(self.db.ping().await?)
    }

    /// The runtime queue on this database (notifications to AAs; its table is a migration).
    pub fn queue(&self) -> aa_runtime::queue::Queue {
        aa_runtime::queue::Queue::new(self.db.clone())
    }

    /// The rate limiter on this database's `rate_limits` table (shared by replicas), on the
    /// store's clock.
    pub fn limiter(
        &self,
        settings: aa_runtime::rate_limit::RateLimitSettings,
    ) -> aa_runtime::rate_limit::Limiter {
        aa_runtime::rate_limit::Limiter::new(self.db.clone(), settings, self.clock().clone())
    }
}
