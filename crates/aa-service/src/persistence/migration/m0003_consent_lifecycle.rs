//! Consent lifecycle: `consent_requests.expires_at`, the request's `consentExpiry` in epoch
//! milliseconds, so that the expiry scheduler finds what is due with an indexed comparison
//! instead of reading every request's terms. Rows written before this migration are filled in
//! from their stored terms.

use sea_orm::{ConnectionTrait, Statement};
use sea_orm_migration::prelude::*;

use crate::domain::lifecycle::expiry_millis;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("consent_requests"))
                    .add_column(
                        ColumnDef::new(Alias::new("expires_at"))
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_consent_requests_status_expires")
                    .table(Alias::new("consent_requests"))
                    .col(Alias::new("status"))
                    .col(Alias::new("expires_at"))
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let backend = db.get_database_backend();
        let rows = db
            .query_all(Statement::from_string(
                backend,
                "SELECT handle, detail FROM consent_requests",
            ))
            .await?;
        for row in rows {
            let handle: String = row.try_get("", "handle")?;
            let detail: String = row.try_get("", "detail")?;
            let update = Query::update()
                .table(Alias::new("consent_requests"))
                .value(Alias::new("expires_at"), expiry_millis(&detail))
                .and_where(Expr::col(Alias::new("handle")).eq(handle))
                .to_owned();
            manager.exec_stmt(update).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_consent_requests_status_expires")
                    .table(Alias::new("consent_requests"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("consent_requests"))
                    .drop_column(Alias::new("expires_at"))
                    .to_owned(),
            )
            .await
    }
}
