//! `link_requests.authenticator`: how a link request is confirmed, `TOKEN` (an OTP through the
//! AA; every request before this migration) or `DIRECT` (the customer, with the bank).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "ALTER TABLE link_requests \
                 ADD COLUMN authenticator VARCHAR NOT NULL DEFAULT 'TOKEN'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("ALTER TABLE link_requests DROP COLUMN authenticator")
            .await?;
        Ok(())
    }
}
