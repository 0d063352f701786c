//! The migration that creates `idempotency_keys`, for each service's `Migrator`: the service
//! names it after its own scheme and lists the idempotency tables it replaces (dropped in the
//! same migration). The table is created only if missing, so services sharing one database
//! share it (their keys differ by caller).

use sea_orm_migration::prelude::*;

use crate::store::sql;

/// Creates `idempotency_keys` and drops `replaces`.
pub struct Migration {
    /// The migration's name in the service's history, e.g. `m0005_idempotency`.
    pub name: &'static str,
    /// The service's former idempotency tables.
    pub replaces: &'static [&'static str],
}

const UP: &str = "CREATE TABLE IF NOT EXISTS idempotency_keys (
    caller varchar NOT NULL,
    endpoint varchar NOT NULL,
    txnid varchar NOT NULL,
    digest text NOT NULL,
    status integer NULL,
    answer text NULL,
    claimed_at_ms bigint NOT NULL,
    created_at_ms bigint NOT NULL,
    PRIMARY KEY (caller, endpoint, txnid)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_created ON idempotency_keys (created_at_ms);
";

impl MigrationName for Migration {
    fn name(&self) -> &str {
        self.name
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        sql::run(manager, UP).await?;
        for table in self.replaces {
            let drop = format!("DROP TABLE IF EXISTS {table}");
            manager.get_connection().execute_unprepared(&drop).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let drop = "DROP TABLE IF EXISTS idempotency_keys";
        manager.get_connection().execute_unprepared(drop).await?;
        Ok(())
    }
}
