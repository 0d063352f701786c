//! The first schema: consent requests, artefacts, notifications seen, jobs.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum FiuConsentRequests {
    Table,
    Handle,
    AaId,
    Customer,
    Template,
    Txnid,
    Status,
    Terms,
    CreatedAt,
    UpdatedAt,
    CheckedAt,
}

#[derive(DeriveIden)]
enum FiuConsentArtefacts {
    Table,
    ConsentId,
    Handle,
    AaId,
    Status,
    FetchState,
    FipId,
    SignerKid,
    SignedConsent,
    ConsentDetail,
    Error,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum FiuNotifications {
    Table,
    Id,
    DedupeKey,
    AaId,
    Txnid,
    Handle,
    ConsentId,
    Status,
    Applied,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum FiuJobs {
    Table,
    Id,
    Kind,
    AaId,
    Handle,
    ConsentId,
    State,
    Attempts,
    DueAt,
    LeaseUntil,
    LastError,
    CreatedAt,
    UpdatedAt,
}

fn text(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).text().not_null().to_owned()
}

fn text_null(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).text().null().to_owned()
}

fn millis(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).big_integer().not_null().to_owned()
}

fn key(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column)
        .string_len(255)
        .not_null()
        .primary_key()
        .to_owned()
}

fn index(
    name: &str,
    table: impl IntoIden + 'static,
    columns: Vec<DynIden>,
) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table).if_not_exists();
    for column in columns {
        index.col(column);
    }
    index.to_owned()
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use FiuConsentArtefacts as A;
        use FiuConsentRequests as R;
        use FiuJobs as J;
        use FiuNotifications as N;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .if_not_exists()
                    .col(key(R::Handle))
                    .col(text(R::AaId))
                    .col(text(R::Customer))
                    .col(text(R::Template))
                    .col(text(R::Txnid))
                    .col(text(R::Status))
                    .col(text(R::Terms))
                    .col(millis(R::CreatedAt))
                    .col(millis(R::UpdatedAt))
                    .col(millis(R::CheckedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "fiu_consent_requests_txnid",
                R::Table,
                vec![R::AaId.into_iden(), R::Txnid.into_iden()],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .if_not_exists()
                    .col(key(A::ConsentId))
                    .col(text(A::Handle))
                    .col(text(A::AaId))
                    .col(text(A::Status))
                    .col(text(A::FetchState))
                    .col(text_null(A::FipId))
                    .col(text_null(A::SignerKid))
                    .col(text_null(A::SignedConsent))
                    .col(text_null(A::ConsentDetail))
                    .col(text_null(A::Error))
                    .col(millis(A::CreatedAt))
                    .col(millis(A::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "fiu_consent_artefacts_handle",
                A::Table,
                vec![A::Handle.into_iden()],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(N::Table)
                    .if_not_exists()
                    .col(key(N::Id))
                    .col(
                        ColumnDef::new(N::DedupeKey)
                            .string_len(1024)
                            .not_null()
                            .unique_key(),
                    )
                    .col(text(N::AaId))
                    .col(text(N::Txnid))
                    .col(text(N::Handle))
                    .col(text_null(N::ConsentId))
                    .col(text(N::Status))
                    .col(ColumnDef::new(N::Applied).boolean().not_null())
                    .col(millis(N::ReceivedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(J::Table)
                    .if_not_exists()
                    .col(key(J::Id))
                    .col(text(J::Kind))
                    .col(text(J::AaId))
                    .col(text(J::Handle))
                    .col(text(J::ConsentId))
                    .col(text(J::State))
                    .col(ColumnDef::new(J::Attempts).integer().not_null())
                    .col(millis(J::DueAt))
                    .col(ColumnDef::new(J::LeaseUntil).big_integer().null())
                    .col(text_null(J::LastError))
                    .col(millis(J::CreatedAt))
                    .col(millis(J::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "fiu_jobs_due",
                J::Table,
                vec![J::State.into_iden(), J::DueAt.into_iden()],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            FiuJobs::Table.into_iden(),
            FiuNotifications::Table.into_iden(),
            FiuConsentArtefacts::Table.into_iden(),
            FiuConsentRequests::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
