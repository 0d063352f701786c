//! The queue's table, `runtime_queue` (`migration.sql`), as a migration every service adds to
//! its own `Migrator`. A service that had a job or outbox table of its own carries its pending
//! rows over in a migration right after this one (e.g. the AA's `m0005_runtime_queue`).

use crate::store::SqlMigration;

/// Creates `runtime_queue` and its indexes.
pub const MIGRATION: SqlMigration = SqlMigration {
    name: "aa_runtime_m0001_queue",
    script: include_str!("migration.sql"),
};
