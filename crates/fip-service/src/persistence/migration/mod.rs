//! The FIP's one migration set (sea-orm-migration), applied at start-up on SQLite and
//! PostgreSQL alike. Never edit a migration that has shipped: add a new one.

use aa_runtime::store::Renamed;
use sea_orm_migration::{MigrationTrait, MigratorTrait};

mod m0001_create_tables;
mod m0002_fi_data_flow;
mod m0003_answered_txns;
mod m0004_runtime_queue;
mod m0006_fi_prepare_queue;
mod m0007_account_discoveries;
mod m0008_link_authenticator;

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
            Box::new(m0001_create_tables::Migration),
            Box::new(m0002_fi_data_flow::Migration),
            Box::new(m0003_answered_txns::Migration),
            Box::new(aa_runtime::queue::Migration),
            Box::new(m0004_runtime_queue::Migration),
            Box::new(aa_runtime::idempotency::migration::Migration {
                name: "m0005_idempotency_keys",
                replaces: &["answered_txns"],
            }),
            Box::new(m0006_fi_prepare_queue::Migration),
            Box::new(aa_runtime::rate_limit::Migration),
            Box::new(m0007_account_discoveries::Migration),
            Box::new(m0008_link_authenticator::Migration),
        ]
    }
}
