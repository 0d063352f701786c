//! The FIP's one migration set (sea-orm-migration), applied at start-up on SQLite and
//! PostgreSQL alike. Never edit a migration that has shipped: add a new one.

use sea_orm_migration::{MigrationTrait, MigratorTrait};

mod m20250601_000001_create_tables;
mod m20250701_000002_fi_data_flow;
mod m20251201_000003_answered_txns;
mod m20251203_000004_runtime_queue;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20250601_000001_create_tables::Migration),
            Box::new(m20250701_000002_fi_data_flow::Migration),
            Box::new(m20251201_000003_answered_txns::Migration),
            Box::new(aa_runtime::queue::Migration),
            Box::new(m20251203_000004_runtime_queue::Migration),
            Box::new(aa_runtime::idempotency::migration::Migration {
                name: "m20251203_000005_idempotency_keys",
                replaces: &["answered_txns"],
            }),
        ]
    }
}
