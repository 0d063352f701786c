//! The queue's table, `runtime_queue`, as a sea-orm migration every service adds to its own
//! `Migrator`. The id is an autoincrement sequence: it is the strict insertion order that
//! ordering per key relies on (two jobs written in one transaction share a millisecond).

use sea_orm_migration::prelude::*;

pub(crate) const TABLE: &str = "runtime_queue";

/// Creates `runtime_queue` and its indexes.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "aa_runtime_m0001_queue"
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
                    .col(
                        column("id")
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(column("kind").string().not_null())
                    .col(column("ordering_key").string().null())
                    .col(column("payload").text().not_null())
                    .col(column("status").string().not_null())
                    .col(column("attempts").integer().not_null())
                    .col(column("due_at_ms").big_integer().not_null())
                    .col(column("lease_until_ms").big_integer().null())
                    .col(column("last_error").text().null())
                    .col(column("created_at_ms").big_integer().not_null())
                    .col(column("finished_at_ms").big_integer().null())
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("ix_runtime_queue_due", ["status", "due_at_ms"]),
            ("ix_runtime_queue_key", ["ordering_key", "status"]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Alias::new(TABLE)).if_not_exists();
            for column in columns {
                index.col(Alias::new(column));
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Alias::new(TABLE)).to_owned())
            .await
    }
}
