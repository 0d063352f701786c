//! The FIP's own `outbox` table goes: notifications live on the runtime queue
//! (`aa_runtime::queue::Migration`, run just before this one), in order per AA. Messages still
//! pending in the old table are carried over, oldest first, so an upgrade loses none.

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
                table: "outbox",
                kind: "'notification'",
                ordering_key: "callee",
                // The outbox's JSON `{"path", "body"}` (`aa_runtime::outbox`).
                payload: &["path", "body"],
                attempts: "attempts",
                due_at_ms: "due_at_ms",
                created_at_ms: "created_at_ms",
                pending: "status = 'PENDING'",
            },
        )
        .await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Err(no_way_back())
    }
}
