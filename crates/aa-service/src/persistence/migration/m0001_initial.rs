//! The first schema: customers, sessions, OTPs, accounts, link requests, consent requests,
//! consent artefacts and the outbox.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn id(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .string()
        .not_null()
        .primary_key()
        .to_owned()
}

fn text(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .text()
        .not_null()
        .to_owned()
}

fn text_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).text().null().to_owned()
}

fn string(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .string()
        .not_null()
        .to_owned()
}

fn string_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).string().null().to_owned()
}

fn millis(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .big_integer()
        .not_null()
        .to_owned()
}

fn millis_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .big_integer()
        .null()
        .to_owned()
}

fn int(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .integer()
        .not_null()
        .default(0)
        .to_owned()
}

fn flag(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .boolean()
        .not_null()
        .default(false)
        .to_owned()
}

fn table(name: &str, columns: Vec<ColumnDef>) -> TableCreateStatement {
    let mut create = Table::create();
    create.table(Alias::new(name)).if_not_exists();
    for mut column in columns {
        create.col(&mut column);
    }
    create.to_owned()
}

fn index(name: &str, table: &str, columns: &[&str], unique: bool) -> IndexCreateStatement {
    let mut create = Index::create();
    create.name(name).table(Alias::new(table)).if_not_exists();
    for column in columns {
        create.col(Alias::new(*column));
    }
    if unique {
        create.unique();
    }
    create.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            table(
                "customers",
                vec![
                    id("id"),
                    string("handle"),
                    string("mobile"),
                    millis("created_at"),
                ],
            ),
            table(
                "sessions",
                vec![
                    id("id"),
                    string("customer_id"),
                    string("token_hash"),
                    millis("created_at"),
                    millis("expires_at"),
                ],
            ),
            table(
                "otps",
                vec![
                    id("otp_ref"),
                    string("handle"),
                    string("code_hash"),
                    string_null("sandbox_code"),
                    int("attempts"),
                    flag("consumed"),
                    millis("created_at"),
                    millis("expires_at"),
                ],
            ),
            table(
                "accounts",
                vec![
                    id("id"),
                    string("customer_id"),
                    string("fip_id"),
                    string("acc_ref_number"),
                    string("masked_acc_number"),
                    string("fi_type"),
                    string("acc_type"),
                    string_null("link_ref_number"),
                    string("status"),
                    millis("updated_at"),
                ],
            ),
            table(
                "link_requests",
                vec![
                    id("id"),
                    string("customer_id"),
                    string("fip_id"),
                    string("ref_number"),
                    text("acc_ref_numbers"),
                    flag("completed"),
                    millis("created_at"),
                ],
            ),
            table(
                "consent_requests",
                vec![
                    id("handle"),
                    string("fiu_id"),
                    string("customer_handle"),
                    string("txnid"),
                    text("detail"),
                    string("status"),
                    millis("created_at"),
                    millis_null("decided_at"),
                ],
            ),
            table(
                "consent_artefacts",
                vec![
                    id("consent_id"),
                    string("consent_handle"),
                    string("fiu_id"),
                    string("fip_id"),
                    string("customer_handle"),
                    text("signed_consent"),
                    string("status"),
                    string("create_timestamp"),
                    int("use_count"),
                    string_null("last_used_at"),
                ],
            ),
            table(
                "outbox",
                vec![
                    id("id"),
                    string("callee"),
                    string("path"),
                    text("body"),
                    int("attempts"),
                    string("status"),
                    millis("next_attempt_at"),
                    text_null("last_error"),
                    millis("created_at"),
                ],
            ),
        ];
        for create in tables {
            manager.create_table(create).await?;
        }
        let indexes = [
            index("ux_customers_handle", "customers", &["handle"], true),
            index("ix_sessions_customer", "sessions", &["customer_id"], false),
            index(
                "ux_accounts_customer_fip_ref",
                "accounts",
                &["customer_id", "fip_id", "acc_ref_number"],
                true,
            ),
            index(
                "ux_link_requests_fip_ref",
                "link_requests",
                &["fip_id", "ref_number"],
                true,
            ),
            index(
                "ux_consent_requests_fiu_txnid",
                "consent_requests",
                &["fiu_id", "txnid"],
                true,
            ),
            index(
                "ix_consent_requests_customer",
                "consent_requests",
                &["customer_handle", "status"],
                false,
            ),
            index(
                "ix_consent_artefacts_handle",
                "consent_artefacts",
                &["consent_handle"],
                false,
            ),
            index(
                "ix_outbox_due",
                "outbox",
                &["status", "next_attempt_at"],
                false,
            ),
        ];
        for create in indexes {
            manager.create_index(create).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "outbox",
            "consent_artefacts",
            "consent_requests",
            "link_requests",
            "accounts",
            "otps",
            "sessions",
            "customers",
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(name)).to_owned())
                .await?;
        }
        Ok(())
    }
}
