//! The AA's own `outbox` table goes: notifications live on the runtime queue
//! (`aa_runtime::queue::Migration`, run just before this one). Messages still pending in the
//! old table are carried over, in the order they were written, so an upgrade loses none.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The payload is the outbox's JSON `{"path", "body"}`; built in SQL so the copy is one
        // statement on both backends.
        let payload = match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                "json_build_object('path', path, 'body', body)::text"
            }
            _ => "json_object('path', path, 'body', body)",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "INSERT INTO runtime_queue (kind, ordering_key, payload, status, attempts, \
                 due_at_ms, lease_until_ms, last_error, created_at_ms, finished_at_ms) \
                 SELECT 'notification', callee, {payload}, 'pending', attempts, next_attempt_at, \
                 NULL, last_error, created_at, NULL FROM outbox WHERE status = 'PENDING' \
                 ORDER BY created_at, id"
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
