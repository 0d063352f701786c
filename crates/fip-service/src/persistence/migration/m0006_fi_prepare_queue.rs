//! FI preparation moves onto the runtime queue (`fi_prepare` jobs): the claim columns of
//! `fi_sessions` (`attempts`, `due_at_ms`, `lease_until_ms`, `last_error`) and their index go.
//! Sessions still `PENDING` are queued first, with their attempts and due time, so an upgrade
//! prepares every one of them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The payload is the job's JSON `{"session_id"}` (`crate::jobs::fi_prepare`).
        let payload = match manager.get_database_backend() {
            DatabaseBackend::Postgres => "json_build_object('session_id', session_id)::text",
            _ => "json_object('session_id', session_id)",
        };
        let db = manager.get_connection();
        db.execute_unprepared(&format!(
            "INSERT INTO runtime_queue (kind, ordering_key, payload, status, attempts, \
             due_at_ms, lease_until_ms, last_error, created_at_ms, finished_at_ms) \
             SELECT 'fi_prepare', NULL, {payload}, 'pending', attempts, due_at_ms, NULL, \
             last_error, created_at_ms, NULL FROM fi_sessions WHERE status = 'PENDING' \
             ORDER BY created_at_ms"
        ))
        .await?;
        db.execute_unprepared("DROP INDEX fi_sessions_due").await?;
        for column in ["attempts", "due_at_ms", "lease_until_ms", "last_error"] {
            db.execute_unprepared(&format!("ALTER TABLE fi_sessions DROP COLUMN {column}"))
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("fi_sessions_status")
                    .table(Alias::new("fi_sessions"))
                    .col(Alias::new("status"))
                    .col(Alias::new("created_at_ms"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "FI preparation moved to the runtime queue; there is no way back".into(),
        ))
    }
}
