//! The FIP's tables: the bank (customers, accounts, account_transactions), linking
//! (link_requests, link_request_accounts, account_links), consents (consents,
//! consent_accounts) and the notification outbox.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, boolean, integer, json, string, string_null, text, text_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
    Mobile,
    Pan,
    Name,
    Dob,
    Email,
    Address,
    Landline,
    CkycCompliance,
    CreatedAtMs,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    CustomerId,
    AccountNumber,
    AccRefNumber,
    MaskedAccNumber,
    FiType,
    AccType,
    Currency,
    Branch,
    Ifsc,
    Micr,
    OpeningDate,
    Status,
    Nominee,
    Summary,
    HistoryUntil,
    CreatedAtMs,
}

#[derive(DeriveIden)]
enum AccountTransactions {
    Table,
    AccountId,
    Seq,
    TxnId,
    TxnType,
    Mode,
    AmountPaise,
    BalancePaise,
    AtMs,
    ValueDate,
    Narration,
    Reference,
}

#[derive(DeriveIden)]
enum LinkRequests {
    Table,
    RefNumber,
    AaId,
    CustomerAddress,
    CustomerId,
    OtpHash,
    ExpiresAtMs,
    Attempts,
    Status,
    Txnid,
    CreatedAtMs,
    CompletedAtMs,
}

#[derive(DeriveIden)]
enum LinkRequestAccounts {
    Table,
    RefNumber,
    AccountId,
}

#[derive(DeriveIden)]
enum AccountLinks {
    Table,
    LinkRefNumber,
    AccountId,
    AaId,
    CustomerAddress,
    LinkRequestRef,
    Status,
    LinkedAtMs,
    DelinkedAtMs,
}

#[derive(DeriveIden)]
enum Consents {
    Table,
    ConsentId,
    AaId,
    CustomerAddress,
    Status,
    SignedConsent,
    Signature,
    Detail,
    ConsentStartMs,
    ConsentExpiryMs,
    CreateTimestamp,
    Txnid,
    ReceivedAtMs,
    UpdatedAtMs,
}

#[derive(DeriveIden)]
enum ConsentAccounts {
    Table,
    ConsentId,
    LinkRefNumber,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    Callee,
    Path,
    Body,
    Status,
    Attempts,
    DueAtMs,
    LeaseUntilMs,
    LastError,
    CreatedAtMs,
    DeliveredAtMs,
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
                    .table(Customers::Table)
                    .col(key(Customers::Id))
                    .col(string(Customers::Mobile).unique_key())
                    .col(string_null(Customers::Pan))
                    .col(string(Customers::Name))
                    .col(string(Customers::Dob))
                    .col(string_null(Customers::Email))
                    .col(text_null(Customers::Address))
                    .col(string_null(Customers::Landline))
                    .col(boolean(Customers::CkycCompliance))
                    .col(big_integer(Customers::CreatedAtMs))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Accounts::Table)
                    .col(key(Accounts::Id))
                    .col(string(Accounts::CustomerId))
                    .col(string(Accounts::AccountNumber).unique_key())
                    .col(string(Accounts::AccRefNumber).unique_key())
                    .col(string(Accounts::MaskedAccNumber))
                    .col(string(Accounts::FiType))
                    .col(string(Accounts::AccType))
                    .col(string(Accounts::Currency))
                    .col(string(Accounts::Branch))
                    .col(string(Accounts::Ifsc))
                    .col(string_null(Accounts::Micr))
                    .col(string(Accounts::OpeningDate))
                    .col(string(Accounts::Status))
                    .col(string(Accounts::Nominee))
                    .col(json(Accounts::Summary))
                    .col(string(Accounts::HistoryUntil))
                    .col(big_integer(Accounts::CreatedAtMs))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Accounts::Table, Accounts::CustomerId)
                            .to(Customers::Table, Customers::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("accounts_customer")
                    .table(Accounts::Table)
                    .col(Accounts::CustomerId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AccountTransactions::Table)
                    .col(string(AccountTransactions::AccountId))
                    .col(integer(AccountTransactions::Seq))
                    .col(string(AccountTransactions::TxnId))
                    .col(string(AccountTransactions::TxnType))
                    .col(string(AccountTransactions::Mode))
                    .col(big_integer(AccountTransactions::AmountPaise))
                    .col(big_integer(AccountTransactions::BalancePaise))
                    .col(big_integer(AccountTransactions::AtMs))
                    .col(string(AccountTransactions::ValueDate))
                    .col(text(AccountTransactions::Narration))
                    .col(string(AccountTransactions::Reference))
                    .primary_key(
                        Index::create()
                            .col(AccountTransactions::AccountId)
                            .col(AccountTransactions::Seq),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AccountTransactions::Table, AccountTransactions::AccountId)
                            .to(Accounts::Table, Accounts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("account_transactions_time")
                    .table(AccountTransactions::Table)
                    .col(AccountTransactions::AccountId)
                    .col(AccountTransactions::AtMs)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("account_transactions_txn_id")
                    .table(AccountTransactions::Table)
                    .col(AccountTransactions::TxnId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LinkRequests::Table)
                    .col(key(LinkRequests::RefNumber))
                    .col(string(LinkRequests::AaId))
                    .col(string(LinkRequests::CustomerAddress))
                    .col(string(LinkRequests::CustomerId))
                    .col(string(LinkRequests::OtpHash))
                    .col(big_integer(LinkRequests::ExpiresAtMs))
                    .col(integer(LinkRequests::Attempts))
                    .col(string(LinkRequests::Status))
                    .col(string(LinkRequests::Txnid))
                    .col(big_integer(LinkRequests::CreatedAtMs))
                    .col(big_integer_null(LinkRequests::CompletedAtMs))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LinkRequestAccounts::Table)
                    .col(string(LinkRequestAccounts::RefNumber))
                    .col(string(LinkRequestAccounts::AccountId))
                    .primary_key(
                        Index::create()
                            .col(LinkRequestAccounts::RefNumber)
                            .col(LinkRequestAccounts::AccountId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(LinkRequestAccounts::Table, LinkRequestAccounts::RefNumber)
                            .to(LinkRequests::Table, LinkRequests::RefNumber),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AccountLinks::Table)
                    .col(key(AccountLinks::LinkRefNumber))
                    .col(string(AccountLinks::AccountId))
                    .col(string(AccountLinks::AaId))
                    .col(string(AccountLinks::CustomerAddress))
                    .col(string(AccountLinks::LinkRequestRef))
                    .col(string(AccountLinks::Status))
                    .col(big_integer(AccountLinks::LinkedAtMs))
                    .col(big_integer_null(AccountLinks::DelinkedAtMs))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AccountLinks::Table, AccountLinks::AccountId)
                            .to(Accounts::Table, Accounts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("account_links_owner")
                    .table(AccountLinks::Table)
                    .col(AccountLinks::AccountId)
                    .col(AccountLinks::AaId)
                    .col(AccountLinks::CustomerAddress)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Consents::Table)
                    .col(key(Consents::ConsentId))
                    .col(string(Consents::AaId))
                    .col(string(Consents::CustomerAddress))
                    .col(string(Consents::Status))
                    .col(text(Consents::SignedConsent))
                    .col(text(Consents::Signature))
                    .col(json(Consents::Detail))
                    .col(big_integer(Consents::ConsentStartMs))
                    .col(big_integer(Consents::ConsentExpiryMs))
                    .col(string(Consents::CreateTimestamp))
                    .col(string(Consents::Txnid))
                    .col(big_integer(Consents::ReceivedAtMs))
                    .col(big_integer(Consents::UpdatedAtMs))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ConsentAccounts::Table)
                    .col(string(ConsentAccounts::ConsentId))
                    .col(string(ConsentAccounts::LinkRefNumber))
                    .primary_key(
                        Index::create()
                            .col(ConsentAccounts::ConsentId)
                            .col(ConsentAccounts::LinkRefNumber),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ConsentAccounts::Table, ConsentAccounts::ConsentId)
                            .to(Consents::Table, Consents::ConsentId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(key(Outbox::Id))
                    .col(string(Outbox::Callee))
                    .col(string(Outbox::Path))
                    .col(text(Outbox::Body))
                    .col(string(Outbox::Status))
                    .col(integer(Outbox::Attempts))
                    .col(big_integer(Outbox::DueAtMs))
                    .col(big_integer_null(Outbox::LeaseUntilMs))
                    .col(text_null(Outbox::LastError))
                    .col(big_integer(Outbox::CreatedAtMs))
                    .col(big_integer_null(Outbox::DeliveredAtMs))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("outbox_due")
                    .table(Outbox::Table)
                    .col(Outbox::Status)
                    .col(Outbox::DueAtMs)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
