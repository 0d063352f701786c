//! Consent lifecycle: `consent_requests.expires_at`, the request's `consentExpiry` in epoch
//! milliseconds, so that the expiry scheduler finds what is due with an indexed comparison
//! instead of reading every request's terms. Rows written before this migration are filled in
//! from their stored terms.

use aa_runtime::store::sql;
use sea_orm::{ConnectionTrait, Statement};
use sea_orm_migration::prelude::*;

use crate::domain::lifecycle::expiry_millis;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &str = "ALTER TABLE consent_requests ADD COLUMN expires_at bigint NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS ix_consent_requests_status_expires
    ON consent_requests (status, expires_at);
";

const DOWN: &str = "DROP INDEX ix_consent_requests_status_expires;
ALTER TABLE consent_requests DROP COLUMN expires_at;
";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        sql::run(manager, UP).await?;
        let db = manager.get_connection();
        let backend = db.get_database_backend();
        let select = "SELECT handle, detail FROM consent_requests";
        for row in db
            .query_all(Statement::from_string(backend, select))
            .await?
        {
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
        sql::run(manager, DOWN).await
    }
}
