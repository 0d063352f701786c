//! The rate limiter's table, `rate_limits(key, window_start, count)` (`migration.sql`), as a
//! migration every service that limits adds to its own `Migrator` (like
//! `aa_runtime::queue::MIGRATION`).

use crate::store::SqlMigration;

pub(crate) const TABLE: &str = "rate_limits";

/// Creates `rate_limits`.
pub const MIGRATION: SqlMigration = SqlMigration {
    name: "aa_runtime_m0002_rate_limits",
    script: include_str!("migration.sql"),
};
