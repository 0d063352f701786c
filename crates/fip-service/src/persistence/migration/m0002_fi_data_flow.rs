//! The FI data flow: fetch sessions (each one also the durable preparation job, claimed with a
//! lease like the outbox), their accounts with the prepared data sealed at rest, and the
//! per-consent data keys that seal it, stored wrapped under the master key.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, blob, blob_null, integer, string, text, text_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FiSessions {
    Table,
    SessionId,
    ConsentId,
    AaId,
    Txnid,
    Status,
    RangeFrom,
    RangeTo,
    FromMs,
    ToMs,
    KeyMaterial,
    Attempts,
    DueAtMs,
    LeaseUntilMs,
    LastError,
    CreatedAtMs,
    UpdatedAtMs,
}

#[derive(DeriveIden)]
enum FiSessionAccounts {
    Table,
    SessionId,
    LinkRefNumber,
    MaskedAccNumber,
    FiStatus,
    Description,
    Sealed,
    FetchedAtMs,
}

#[derive(DeriveIden)]
enum DataKeys {
    Table,
    KeyId,
    ConsentId,
    MasterKeyId,
    Wrapped,
    CreatedAtMs,
}

fn key<T: IntoIden>(col: T) -> ColumnDef {
    string(col).primary_key().take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(FiSessions::Table)
                    .col(key(FiSessions::SessionId))
                    .col(string(FiSessions::ConsentId))
                    .col(string(FiSessions::AaId))
                    .col(string(FiSessions::Txnid))
                    .col(string(FiSessions::Status))
                    .col(string(FiSessions::RangeFrom))
                    .col(string(FiSessions::RangeTo))
                    .col(big_integer(FiSessions::FromMs))
                    .col(big_integer(FiSessions::ToMs))
                    .col(text(FiSessions::KeyMaterial))
                    .col(integer(FiSessions::Attempts))
                    .col(big_integer(FiSessions::DueAtMs))
                    .col(big_integer_null(FiSessions::LeaseUntilMs))
                    .col(text_null(FiSessions::LastError))
                    .col(big_integer(FiSessions::CreatedAtMs))
                    .col(big_integer(FiSessions::UpdatedAtMs))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("fi_sessions_due")
                    .table(FiSessions::Table)
                    .col(FiSessions::Status)
                    .col(FiSessions::DueAtMs)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FiSessionAccounts::Table)
                    .col(string(FiSessionAccounts::SessionId))
                    .col(string(FiSessionAccounts::LinkRefNumber))
                    .col(string(FiSessionAccounts::MaskedAccNumber))
                    .col(string(FiSessionAccounts::FiStatus))
                    .col(text(FiSessionAccounts::Description))
                    .col(blob_null(FiSessionAccounts::Sealed))
                    .col(big_integer_null(FiSessionAccounts::FetchedAtMs))
                    .primary_key(
                        Index::create()
                            .col(FiSessionAccounts::SessionId)
                            .col(FiSessionAccounts::LinkRefNumber),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(FiSessionAccounts::Table, FiSessionAccounts::SessionId)
                            .to(FiSessions::Table, FiSessions::SessionId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DataKeys::Table)
                    .col(key(DataKeys::KeyId))
                    .col(string(DataKeys::ConsentId))
                    .col(string(DataKeys::MasterKeyId))
                    .col(blob(DataKeys::Wrapped))
                    .col(big_integer(DataKeys::CreatedAtMs))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
