//! The rate limiter's table, `rate_limits(key, window_start, count)`, as a sea-orm migration
//! every service that limits adds to its own `Migrator` (like `aa_runtime::queue::Migration`).
//! One row per key: the counter of its current window, overwritten when a new window starts.

use sea_orm_migration::prelude::*;

pub(crate) const TABLE: &str = "rate_limits";

/// Creates `rate_limits`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "aa_runtime_m0002_rate_limits"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let column = |name: &str| ColumnDef::new(Alias::new(name)).to_owned();
        manager
            .create_table(
                Table::create()
                    .table(Alias::new(TABLE))
                    .if_not_exists()
                    .col(column("key").string().not_null().primary_key())
                    .col(column("window_start").big_integer().not_null())
                    .col(column("count").big_integer().not_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Alias::new(TABLE)).to_owned())
            .await
    }
}
