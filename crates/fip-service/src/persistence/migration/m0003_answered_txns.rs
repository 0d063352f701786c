//! Idempotency of the ReBIT endpoints: `answered_txns`, keyed by caller, endpoint and txnid.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, integer_null, string, text, text_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AnsweredTxns {
    Table,
    CallerId,
    Endpoint,
    Txnid,
    Digest,
    Status,
    Answer,
    ClaimedAtMs,
    CreatedAtMs,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AnsweredTxns::Table)
                    .col(string(AnsweredTxns::CallerId))
                    .col(string(AnsweredTxns::Endpoint))
                    .col(string(AnsweredTxns::Txnid))
                    .col(text(AnsweredTxns::Digest))
                    .col(integer_null(AnsweredTxns::Status))
                    .col(text_null(AnsweredTxns::Answer))
                    .col(big_integer(AnsweredTxns::ClaimedAtMs))
                    .col(big_integer(AnsweredTxns::CreatedAtMs))
                    .primary_key(
                        Index::create()
                            .col(AnsweredTxns::CallerId)
                            .col(AnsweredTxns::Endpoint)
                            .col(AnsweredTxns::Txnid),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("answered_txns_created")
                    .table(AnsweredTxns::Table)
                    .col(AnsweredTxns::CreatedAtMs)
                    .to_owned(),
            )
            .await
    }
}
