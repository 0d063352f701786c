//! The rate limiter's table, `rate_limits(key, window_start, count)` (`migration.sql`), as a
//! migration every service that limits adds to its own `Migrator` (like
//! `aa_runtime::queue::Migration`).

use sea_orm_migration::prelude::*;

use crate::store::SqlMigration;

pub(crate) const TABLE: &str = "rate_limits";

const SQL: SqlMigration = SqlMigration {
    name: "aa_runtime_m0002_rate_limits",
    script: include_str!("migration.sql"),
};

/// Creates `rate_limits`.
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
