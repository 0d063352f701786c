//! The AA's migrations (sea-orm-migration), run at start-up on SQLite and PostgreSQL alike.

use sea_orm_migration::prelude::*;

mod m0001_initial;
mod m0002_fi_sessions;
mod m0003_consent_lifecycle;
mod m0004_rebit_requests;
mod m0005_runtime_queue;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_initial::Migration),
            Box::new(m0002_fi_sessions::Migration),
            Box::new(m0003_consent_lifecycle::Migration),
            Box::new(m0004_rebit_requests::Migration),
            Box::new(aa_runtime::queue::Migration),
            Box::new(m0005_runtime_queue::Migration),
            Box::new(aa_runtime::idempotency::migration::Migration {
                name: "m0006_idempotency_keys",
                replaces: &["rebit_requests"],
            }),
            Box::new(aa_runtime::rate_limit::Migration),
        ]
    }
}
