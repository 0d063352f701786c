//! The FIP's one migration set (sea-orm-migration), applied at start-up on SQLite and
//! PostgreSQL alike, each an SQL script (`aa_runtime::store::sql`). Never edit a migration
//! that has shipped: add a new one.

use aa_runtime::store::{sql, Renamed};
use sea_orm_migration::{MigrationTrait, MigratorTrait};

/// The names the first three migrations were recorded under before the FIP took the workspace's
/// one naming scheme (`m000N_<what>`); `Store::connect` rewrites them, so an existing database
/// does not apply them again.
pub const RENAMED: &[Renamed] = &[
    ("m20250601_000001_create_tables", "m0001_create_tables"),
    ("m20250701_000002_fi_data_flow", "m0002_fi_data_flow"),
    ("m20251201_000003_answered_txns", "m0003_answered_txns"),
];

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            sql(
                "m0001_create_tables",
                include_str!("m0001_create_tables.sql"),
            ),
            sql("m0002_fi_data_flow", include_str!("m0002_fi_data_flow.sql")),
            sql(
                "m0003_answered_txns",
                include_str!("m0003_answered_txns.sql"),
            ),
            Box::new(aa_runtime::queue::MIGRATION),
            sql(
                "m0004_runtime_queue",
                include_str!("m0004_runtime_queue.sql"),
            ),
            Box::new(aa_runtime::idempotency::migration::Migration {
                name: "m0005_idempotency_keys",
                replaces: &["answered_txns"],
            }),
            sql(
                "m0006_fi_prepare_queue",
                include_str!("m0006_fi_prepare_queue.sql"),
            ),
            Box::new(aa_runtime::rate_limit::MIGRATION),
            sql(
                "m0007_account_discoveries",
                include_str!("m0007_account_discoveries.sql"),
            ),
            sql(
                "m0008_link_authenticator",
                include_str!("m0008_link_authenticator.sql"),
            ),
        ]
    }
}
