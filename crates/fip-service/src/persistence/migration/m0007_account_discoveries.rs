//! `account_discoveries`: which customer of the bank each AA's discovery found for a customer
//! address, so that `POST /Accounts/link` binds an address only to the accounts of the
//! customer its identifiers named (`crate::domain::discovery`).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE TABLE account_discoveries (\
                 aa_id VARCHAR NOT NULL, \
                 customer_address VARCHAR NOT NULL, \
                 customer_id VARCHAR NOT NULL, \
                 discovered_at_ms BIGINT NOT NULL, \
                 PRIMARY KEY (aa_id, customer_address, customer_id))",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE account_discoveries")
            .await?;
        Ok(())
    }
}
