//! The FI data flow: data requests, their sessions (one `POST /FI/request` per artefact), the
//! accounts of each session with their sealed data, the per-consent data keys, and a `subject`
//! column on jobs (the session an FI job is about).

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum FiuDataRequests {
    Table,
    Id,
    Handle,
    AaId,
    Trigger,
    DataFrom,
    DataTo,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum FiuFiSessions {
    Table,
    Id,
    RequestId,
    Handle,
    ConsentId,
    AaId,
    FipId,
    SessionId,
    Status,
    Error,
    DataFrom,
    DataTo,
    Txnid,
    SealedKey,
    KeyExpiry,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum FiuFiAccounts {
    Table,
    Id,
    SessionRow,
    LinkRefNumber,
    MaskedAccNumber,
    FiType,
    FiStatus,
    Error,
    SealedData,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum FiuDataKeys {
    Table,
    ConsentId,
    KeyId,
    Wrapped,
    CreatedAt,
}

#[derive(DeriveIden)]
enum FiuJobs {
    Table,
    Subject,
}

fn text(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).text().not_null().to_owned()
}

fn text_null(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).text().null().to_owned()
}

/// An identifier column that is indexed (a bounded length, which every database can index).
fn id(column: impl IntoIden) -> ColumnDef {
    ColumnDef::new(column).string_len(255).not_null().to_owned()
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
    unique: bool,
) -> IndexCreateStatement {
    let mut index = Index::create();
    index.name(name).table(table).if_not_exists();
    if unique {
        index.unique();
    }
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
        use FiuDataKeys as K;
        use FiuDataRequests as R;
        use FiuFiAccounts as A;
        use FiuFiSessions as S;
        manager
            .create_table(
                Table::create()
                    .table(R::Table)
                    .if_not_exists()
                    .col(key(R::Id))
                    .col(id(R::Handle))
                    .col(text(R::AaId))
                    .col(text(R::Trigger))
                    .col(text_null(R::DataFrom))
                    .col(text_null(R::DataTo))
                    .col(millis(R::CreatedAt))
                    .col(millis(R::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "fiu_data_requests_handle",
                R::Table,
                vec![R::Handle.into_iden(), R::CreatedAt.into_iden()],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(S::Table)
                    .if_not_exists()
                    .col(key(S::Id))
                    .col(id(S::RequestId))
                    .col(text(S::Handle))
                    .col(id(S::ConsentId))
                    .col(id(S::AaId))
                    .col(text(S::FipId))
                    .col(ColumnDef::new(S::SessionId).string_len(255).null())
                    .col(text(S::Status))
                    .col(text_null(S::Error))
                    .col(text(S::DataFrom))
                    .col(text(S::DataTo))
                    .col(text_null(S::Txnid))
                    .col(ColumnDef::new(S::SealedKey).blob().null())
                    .col(ColumnDef::new(S::KeyExpiry).big_integer().null())
                    .col(millis(S::CreatedAt))
                    .col(millis(S::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "fiu_fi_sessions_request",
                S::Table,
                vec![S::RequestId.into_iden()],
                false,
            ))
            .await?;
        manager
            .create_index(index(
                "fiu_fi_sessions_session_id",
                S::Table,
                vec![S::AaId.into_iden(), S::SessionId.into_iden()],
                true,
            ))
            .await?;
        manager
            .create_index(index(
                "fiu_fi_sessions_consent",
                S::Table,
                vec![S::ConsentId.into_iden()],
                false,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .if_not_exists()
                    .col(key(A::Id))
                    .col(id(A::SessionRow))
                    .col(id(A::LinkRefNumber))
                    .col(text_null(A::MaskedAccNumber))
                    .col(text_null(A::FiType))
                    .col(text(A::FiStatus))
                    .col(text_null(A::Error))
                    .col(ColumnDef::new(A::SealedData).blob().null())
                    .col(millis(A::CreatedAt))
                    .col(millis(A::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "fiu_fi_accounts_session",
                A::Table,
                vec![A::SessionRow.into_iden(), A::LinkRefNumber.into_iden()],
                true,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(K::Table)
                    .if_not_exists()
                    .col(key(K::ConsentId))
                    .col(text(K::KeyId))
                    .col(ColumnDef::new(K::Wrapped).blob().not_null())
                    .col(millis(K::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(FiuJobs::Table)
                    .add_column(ColumnDef::new(FiuJobs::Subject).string_len(255).null())
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(FiuJobs::Table)
                    .drop_column(FiuJobs::Subject)
                    .to_owned(),
            )
            .await?;
        for table in [
            FiuDataKeys::Table.into_iden(),
            FiuFiAccounts::Table.into_iden(),
            FiuFiSessions::Table.into_iden(),
            FiuDataRequests::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
