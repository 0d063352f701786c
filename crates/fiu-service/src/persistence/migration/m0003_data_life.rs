//! DataLife at the FIU: each session records until when its data may be kept (`purge_at`), the
//! rule that set that bound (`purge_rule`), and, once its data was purged, when (`purged_at`).
//! The purge sweep finds due sessions by `purge_at`.

use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum FiuFiSessions {
    Table,
    PurgeAt,
    PurgeRule,
    PurgedAt,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use FiuFiSessions as S;
        // One column per statement: SQLite alters one column at a time.
        for column in [
            ColumnDef::new(S::PurgeAt).big_integer().null().to_owned(),
            ColumnDef::new(S::PurgeRule)
                .string_len(32)
                .null()
                .to_owned(),
            ColumnDef::new(S::PurgedAt).big_integer().null().to_owned(),
        ] {
            manager
                .alter_table(Table::alter().table(S::Table).add_column(column).to_owned())
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("fiu_fi_sessions_purge")
                    .table(S::Table)
                    .col(S::PurgedAt)
                    .col(S::PurgeAt)
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use FiuFiSessions as S;
        manager
            .drop_index(
                Index::drop()
                    .name("fiu_fi_sessions_purge")
                    .table(S::Table)
                    .to_owned(),
            )
            .await?;
        for column in [S::PurgeAt, S::PurgeRule, S::PurgedAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(S::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
