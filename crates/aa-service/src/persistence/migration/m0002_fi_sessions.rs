//! FI data flow: `fi_sessions` (one per FIU `POST /FI/request`, mapped to the FIP's own session)
//! and `fi_session_accounts` (each account's `FIStatus` as the FIP reports it). No column holds
//! FI data or key material: the AA passes those through in memory only.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn string(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .string()
        .not_null()
        .to_owned()
}

fn string_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).string().null().to_owned()
}

fn text_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).text().null().to_owned()
}

fn millis(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .big_integer()
        .not_null()
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
        let mut id = string("id");
        id.primary_key();
        let mut account_id = string("id");
        account_id.primary_key();
        let tables = [
            table(
                "fi_sessions",
                vec![
                    id,
                    string("consent_id"),
                    string("fiu_id"),
                    string("fip_id"),
                    string("fiu_txnid"),
                    string_null("fip_session_id"),
                    string("status"),
                    string("data_from"),
                    string("data_to"),
                    text_null("last_error"),
                    millis("created_at"),
                    millis("updated_at"),
                ],
            ),
            table(
                "fi_session_accounts",
                vec![
                    account_id,
                    string("session_id"),
                    string("link_ref_number"),
                    string("masked_acc_number"),
                    string("fi_status"),
                    text_null("description"),
                    millis("updated_at"),
                ],
            ),
        ];
        for create in tables {
            manager.create_table(create).await?;
        }
        let indexes = [
            index(
                "ux_fi_sessions_fiu_txnid",
                "fi_sessions",
                &["fiu_id", "fiu_txnid"],
                true,
            ),
            index(
                "ix_fi_sessions_fip_session",
                "fi_sessions",
                &["fip_id", "fip_session_id"],
                false,
            ),
            index(
                "ux_fi_session_accounts_link",
                "fi_session_accounts",
                &["session_id", "link_ref_number"],
                true,
            ),
        ];
        for create in indexes {
            manager.create_index(create).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in ["fi_session_accounts", "fi_sessions"] {
            manager
                .drop_table(Table::drop().table(Alias::new(name)).to_owned())
                .await?;
        }
        Ok(())
    }
}
