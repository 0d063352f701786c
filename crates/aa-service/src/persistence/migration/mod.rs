//! The AA's migrations (sea-orm-migration), run at start-up on SQLite and PostgreSQL alike:
//! each is an SQL script (`aa_runtime::store::sql`) but `m0003`, which fills in a column from
//! the stored terms.

use aa_runtime::store::sql;
use sea_orm_migration::prelude::*;

mod m0003_consent_lifecycle;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            sql("m0001_initial", include_str!("m0001_initial.sql")),
            sql("m0002_fi_sessions", include_str!("m0002_fi_sessions.sql")),
            Box::new(m0003_consent_lifecycle::Migration),
            sql(
                "m0004_rebit_requests",
                include_str!("m0004_rebit_requests.sql"),
            ),
            Box::new(aa_runtime::queue::MIGRATION),
            sql(
                "m0005_runtime_queue",
                include_str!("m0005_runtime_queue.sql"),
            ),
            Box::new(aa_runtime::idempotency::migration::Migration {
                name: "m0006_idempotency_keys",
                replaces: &["rebit_requests"],
            }),
            Box::new(aa_runtime::rate_limit::MIGRATION),
            sql(
                "m0007_link_authenticator",
                include_str!("m0007_link_authenticator.sql"),
            ),
        ]
    }
}
