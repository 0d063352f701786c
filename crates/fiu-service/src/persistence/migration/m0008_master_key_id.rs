//! `fiu_data_keys.master_key_id`: the master key that wraps each data key, recorded beside it
//! (as the FIP records it), so start-up finds the master key ids in use without opening every
//! envelope, and `fiu-service rewrap` finds the keys still under an older one. Existing rows
//! are filled in from their envelopes, which name their master key.

use aa_runtime::store::sql;
use sea_orm::{ConnectionTrait, Statement};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const DOWN: &str = "DROP INDEX fiu_data_keys_master_key_id;
ALTER TABLE fiu_data_keys DROP COLUMN master_key_id;
";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let add = "ALTER TABLE fiu_data_keys ADD COLUMN master_key_id varchar NOT NULL DEFAULT ''";
        db.execute_unprepared(add).await?;
        let backend = db.get_database_backend();
        let select = "SELECT consent_id, wrapped FROM fiu_data_keys";
        for row in db
            .query_all(Statement::from_string(backend, select))
            .await?
        {
            let consent_id: String = row.try_get("", "consent_id")?;
            let wrapped: Vec<u8> = row.try_get("", "wrapped")?;
            let master_id = aa_core::seal::key_id(&wrapped)
                .map_err(|e| DbErr::Migration(format!("data key of {consent_id}: {e}")))?;
            let update = Query::update()
                .table(Alias::new("fiu_data_keys"))
                .value(Alias::new("master_key_id"), master_id)
                .and_where(Expr::col(Alias::new("consent_id")).eq(consent_id.as_str()))
                .to_owned();
            manager.exec_stmt(update).await?;
        }
        let index = "CREATE INDEX fiu_data_keys_master_key_id ON fiu_data_keys (master_key_id)";
        db.execute_unprepared(index).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        sql::run(manager, DOWN).await
    }
}
