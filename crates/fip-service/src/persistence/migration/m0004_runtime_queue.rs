//! The FIP's own `outbox` table goes: notifications live on the runtime queue
//! (`aa_runtime::queue::Migration`, run just before this one), in order per AA. Messages still
//! pending in the old table are carried over, oldest first, so an upgrade loses none.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The payload is the outbox's JSON `{"path", "body"}` (`aa_runtime::outbox`).
        let payload = match manager.get_database_backend() {
            DatabaseBackend::Postgres => "json_build_object('path', path, 'body', body)::text",
            _ => "json_object('path', path, 'body', body)",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "INSERT INTO runtime_queue (kind, ordering_key, payload, status, attempts, \
                 due_at_ms, lease_until_ms, last_error, created_at_ms, finished_at_ms) \
                 SELECT 'notification', callee, {payload}, 'pending', attempts, due_at_ms, \
                 NULL, last_error, created_at_ms, NULL FROM outbox WHERE status = 'PENDING' \
                 ORDER BY created_at_ms, id"
            ))
            .await?;
        manager
            .drop_table(Table::drop().table(Alias::new("outbox")).to_owned())
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the outbox moved to the runtime queue; there is no way back".into(),
        ))
    }
}
