//! Idempotency of the ReBIT endpoints the FIU serves: which subject (a consent request, an FI
//! session) each `txnid` of a caller on an endpoint was first used for.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum FiuIdempotency {
    Table,
    Caller,
    Endpoint,
    Txnid,
    Subject,
    CreatedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use FiuIdempotency as I;
        let id = |column: I| ColumnDef::new(column).string_len(255).not_null().to_owned();
        manager
            .create_table(
                Table::create()
                    .table(I::Table)
                    .if_not_exists()
                    .col(id(I::Caller))
                    .col(id(I::Endpoint))
                    .col(id(I::Txnid))
                    .col(ColumnDef::new(I::Subject).text().not_null())
                    .col(ColumnDef::new(I::CreatedAt).big_integer().not_null())
                    .primary_key(
                        Index::create()
                            .col(I::Caller)
                            .col(I::Endpoint)
                            .col(I::Txnid),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(FiuIdempotency::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
