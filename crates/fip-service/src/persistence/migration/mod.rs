//! The FIP's one migration set (sea-orm-migration), applied at start-up on SQLite and
//! PostgreSQL alike.

use sea_orm_migration::{MigrationTrait, MigratorTrait};

mod m20250601_000001_create_tables;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m20250601_000001_create_tables::Migration)]
    }
}
