//! The migration that creates `idempotency_keys`, for each service's `Migrator`: the service
//! names it after its own scheme and lists the idempotency tables it replaces (dropped in the
//! same migration). The table is created only if missing, so services sharing one database
//! share it (their keys differ by caller).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, integer_null, string, text, text_null};

/// Creates `idempotency_keys` and drops `replaces`.
pub struct Migration {
    /// The migration's name in the service's history, e.g. `m0005_idempotency`.
    pub name: &'static str,
    /// The service's former idempotency tables.
    pub replaces: &'static [&'static str],
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Caller,
    Endpoint,
    Txnid,
    Digest,
    Status,
    Answer,
    ClaimedAtMs,
    CreatedAtMs,
}

impl MigrationName for Migration {
    fn name(&self) -> &str {
        self.name
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKeys::Table)
                    .if_not_exists()
                    .col(string(IdempotencyKeys::Caller))
                    .col(string(IdempotencyKeys::Endpoint))
                    .col(string(IdempotencyKeys::Txnid))
                    .col(text(IdempotencyKeys::Digest))
                    .col(integer_null(IdempotencyKeys::Status))
                    .col(text_null(IdempotencyKeys::Answer))
                    .col(big_integer(IdempotencyKeys::ClaimedAtMs))
                    .col(big_integer(IdempotencyKeys::CreatedAtMs))
                    .primary_key(
                        Index::create()
                            .col(IdempotencyKeys::Caller)
                            .col(IdempotencyKeys::Endpoint)
                            .col(IdempotencyKeys::Txnid),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idempotency_keys_created")
                    .table(IdempotencyKeys::Table)
                    .col(IdempotencyKeys::CreatedAtMs)
                    .to_owned(),
            )
            .await?;
        for table in self.replaces {
            manager
                .drop_table(
                    Table::drop()
                        .table(Alias::new(*table))
                        .if_exists()
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(IdempotencyKeys::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
