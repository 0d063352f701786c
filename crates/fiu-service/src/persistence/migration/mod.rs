//! The FIU's schema, as sea-orm-migration migrations, run at start-up on SQLite and PostgreSQL
//! alike: each is an SQL script (`aa_runtime::store::sql`) but `m0008`, which fills in a column
//! from the stored envelopes. Tables are prefixed `fiu_` and the migration history has its own
//! table, so the FIU can share a database with other services. Migrations are never edited once
//! released; a change is a new migration.

mod m0008_master_key_id;

use aa_runtime::store::sql;
use sea_orm_migration::prelude::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            sql(
                "m0001_create_tables",
                include_str!("m0001_create_tables.sql"),
            ),
            sql("m0002_fi_data", include_str!("m0002_fi_data.sql")),
            sql("m0003_data_life", include_str!("m0003_data_life.sql")),
            sql("m0004_idempotency", include_str!("m0004_idempotency.sql")),
            sql("m0005_poll_error", include_str!("m0005_poll_error.sql")),
            Box::new(aa_runtime::queue::MIGRATION),
            sql(
                "m0006_runtime_queue",
                include_str!("m0006_runtime_queue.sql"),
            ),
            Box::new(aa_runtime::idempotency::migration::Migration {
                name: "m0007_idempotency_keys",
                replaces: &["fiu_idempotency"],
            }),
            Box::new(m0008_master_key_id::Migration),
            sql("m0009_redirects", include_str!("m0009_redirects.sql")),
        ]
    }

    fn migration_table_name() -> DynIden {
        Alias::new("fiu_seaql_migrations").into_iden()
    }
}
