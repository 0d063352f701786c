//! The FIU's own job table, `fiu_jobs`, goes: its jobs live on the runtime queue
//! (`aa_runtime::queue::Migration`, run just before this one). Jobs still pending are carried
//! over, oldest first, so an upgrade loses none.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The payload of `persistence::jobs`.
        let payload = match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                "json_build_object('subject', subject, 'aa_id', aa_id, 'handle', handle, \
                 'consent_id', consent_id)::text"
            }
            _ => {
                "json_object('subject', subject, 'aa_id', aa_id, 'handle', handle, \
                 'consent_id', consent_id)"
            }
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "INSERT INTO runtime_queue (kind, ordering_key, payload, status, attempts, \
                 due_at_ms, lease_until_ms, last_error, created_at_ms, finished_at_ms) \
                 SELECT kind, NULL, {payload}, 'pending', attempts, due_at, NULL, last_error, \
                 created_at, NULL FROM fiu_jobs WHERE state = 'PENDING' ORDER BY created_at, id"
            ))
            .await?;
        manager
            .drop_table(Table::drop().table(Alias::new("fiu_jobs")).to_owned())
            .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration(
            "the jobs moved to the runtime queue; there is no way back".into(),
        ))
    }
}
