//! The store kit: what every service's `persistence::Store` stands on. The only sea-orm code
//! of the runtime.
//!
//! - [`connect`]: SQLite (WAL, foreign keys, busy timeout, one connection) or a PostgreSQL
//!   pool, from a URL.
//! - [`migrate`]: a service's migrations, under a lock so replicas starting together apply
//!   each migration once.
//! - [`sql`]: migrations written as SQL scripts, one for both backends.
//! - [`KeyTable`]: a table of wrapped data keys, for `crate::sealed_keys`.
//! - [`StoreError`]: one error for every query, keeping the database error as its source.

mod connect;
mod error;
mod key_table;
mod migrate;
pub mod sql;

pub use connect::{connect, is_sqlite};
pub use error::StoreError;
pub use key_table::KeyTable;
pub use migrate::{migrate, migrate_renamed, Renamed};
pub use sql::{sql, SqlMigration};
