//! Why the last status poll of a consent request (`POST /Consent/handle`) failed, for the
//! operator: the AA could not be reached, refused, or answered with a signature that did not
//! verify.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum FiuConsentRequests {
    Table,
    PollError,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(FiuConsentRequests::Table)
                    .add_column(ColumnDef::new(FiuConsentRequests::PollError).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(FiuConsentRequests::Table)
                    .drop_column(FiuConsentRequests::PollError)
                    .to_owned(),
            )
            .await
    }
}
