//! `fiu_data_keys.master_key_id`: the master key that wraps each data key, recorded beside it
//! (as the FIP records it), so start-up finds the master key ids in use without opening every
//! envelope, and `fiu-service rewrap` finds the keys still under an older one. Existing rows
//! are filled in from their envelopes, which name their master key.

use sea_orm::ConnectionTrait;
use sea_orm_migration::prelude::*;

#[derive(DeriveIden)]
enum FiuDataKeys {
    Table,
    ConsentId,
    Wrapped,
    MasterKeyId,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(FiuDataKeys::Table)
                    .add_column(
                        ColumnDef::new(FiuDataKeys::MasterKeyId)
                            .string()
                            .not_null()
                            .default(""),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let backend = db.get_database_backend();
        let select = Query::select()
            .columns([FiuDataKeys::ConsentId, FiuDataKeys::Wrapped])
            .from(FiuDataKeys::Table)
            .to_owned();
        for row in db.query_all(backend.build(&select)).await? {
            let consent_id: String = row.try_get("", "consent_id")?;
            let wrapped: Vec<u8> = row.try_get("", "wrapped")?;
            let master_id = aa_core::seal::key_id(&wrapped)
                .map_err(|e| DbErr::Migration(format!("data key of {consent_id}: {e}")))?;
            let update = Query::update()
                .table(FiuDataKeys::Table)
                .value(FiuDataKeys::MasterKeyId, master_id)
                .and_where(Expr::col(FiuDataKeys::ConsentId).eq(consent_id.as_str()))
                .to_owned();
            db.execute(backend.build(&update)).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("fiu_data_keys_master_key_id")
                    .table(FiuDataKeys::Table)
                    .col(FiuDataKeys::MasterKeyId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("fiu_data_keys_master_key_id")
                    .table(FiuDataKeys::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(FiuDataKeys::Table)
                    .drop_column(FiuDataKeys::MasterKeyId)
                    .to_owned(),
            )
            .await
    }
}
