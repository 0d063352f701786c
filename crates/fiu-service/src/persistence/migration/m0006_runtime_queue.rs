//! The FIU's own job table, `fiu_jobs`, goes: its jobs live on the runtime queue
//! (`aa_runtime::queue::Migration`, run just before this one). Jobs still pending are carried
//! over, oldest first, so an upgrade loses none.

use aa_runtime::queue::migration::{carry_over, no_way_back, OldJobs};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        carry_over(
            manager,
            OldJobs {
                table: "fiu_jobs",
                kind: "kind",
                ordering_key: "NULL",
                // The payload of `persistence::jobs`.
                payload: &["subject", "aa_id", "handle", "consent_id"],
                attempts: "attempts",
                due_at_ms: "due_at",
                created_at_ms: "created_at",
                pending: "state = 'PENDING'",
            },
        )
        .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(no_way_back())
    }
}
