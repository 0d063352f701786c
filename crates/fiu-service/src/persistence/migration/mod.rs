//! The FIU's schema, as sea-orm-migration migrations, run at start-up on SQLite and PostgreSQL
//! alike. Tables are prefixed `fiu_` and the migration history has its own table, so the FIU can
//! share a database with other services. Migrations are never edited once released; a change
//! is a new migration.

mod m0001_create_tables;
mod m0002_fi_data;
mod m0003_data_life;
mod m0004_idempotency;
mod m0005_poll_error;
mod m0006_runtime_queue;
mod m0008_master_key_id;

use sea_orm_migration::prelude::*;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_create_tables::Migration),
            Box::new(m0002_fi_data::Migration),
            Box::new(m0003_data_life::Migration),
            Box::new(m0004_idempotency::Migration),
            Box::new(m0005_poll_error::Migration),
            Box::new(aa_runtime::queue::Migration),
            Box::new(m0006_runtime_queue::Migration),
            Box::new(aa_runtime::idempotency::migration::Migration {
                name: "m0007_idempotency_keys",
                replaces: &["fiu_idempotency"],
            }),
            Box::new(m0008_master_key_id::Migration),
        ]
    }

    fn migration_table_name() -> DynIden {
        Alias::new("fiu_seaql_migrations").into_iden()
    }
}
