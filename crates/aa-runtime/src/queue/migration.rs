//! The queue's table, `runtime_queue` (`migration.sql`), as a migration every service adds to
//! its own `Migrator`. A service that had a job or outbox table of its own carries its pending
//! rows over in a migration right after this one (e.g. the AA's `m0005_runtime_queue`).

use sea_orm_migration::prelude::*;

use crate::store::SqlMigration;

const SQL: SqlMigration = SqlMigration {
    name: "aa_runtime_m0001_queue",
    script: include_str!("migration.sql"),
};

/// Creates `runtime_queue` and its indexes.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        SQL.name
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        SQL.up(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        SQL.down(manager).await
    }
}
