//! `rebit_requests`: the answers the AA gave to ReBIT notifications, by (caller, endpoint,
//! txnid), so that a repeat gets the same answer and a different body under the same txnid is
//! told apart (409 `IdempotencyError`). Notifications carry no FI data or key material.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let column = |name: &str| ColumnDef::new(Alias::new(name)).to_owned();
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("rebit_requests"))
                    .if_not_exists()
                    .col(column("id").string().not_null().primary_key())
                    .col(column("caller").string().not_null())
                    .col(column("endpoint").string().not_null())
                    .col(column("txnid").string().not_null())
                    .col(column("request").text().not_null())
                    .col(column("answer").text().not_null())
                    .col(column("created_at").big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_rebit_requests_key")
                    .table(Alias::new("rebit_requests"))
                    .col(Alias::new("caller"))
                    .col(Alias::new("endpoint"))
                    .col(Alias::new("txnid"))
                    .unique()
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Alias::new("rebit_requests")).to_owned())
            .await
    }
}
