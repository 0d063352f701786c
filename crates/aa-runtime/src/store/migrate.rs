//! Running a service's migrations safely when several replicas start at once.
//!
//! PostgreSQL: the whole of `Migrator::up` runs in one transaction that first takes a
//! transaction-scoped advisory lock (`pg_advisory_xact_lock`). A second replica waits on the
//! lock, then finds every migration recorded and applies none. Without it both would read an
//! empty `seaql_migrations` and race on `CREATE TABLE`.
//!
//! SQLite: one process owns the file and writes through one connection (see
//! [`super::connect`]), so there is nobody to race with.
//!
//! Every service names its migrations `m0001_<what>`, `m0002_<what>`, ... A service that
//! renamed migrations already applied somewhere passes the old and new names to
//! [`migrate_renamed`]: the recorded names in `seaql_migrations` are rewritten, under the same
//! lock and in the same transaction (PostgreSQL) as the migrations, before they run, so an
//! existing database is not migrated twice.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, TransactionTrait};
use sea_orm_migration::MigratorTrait;

use super::StoreError;

/// The advisory lock key of schema migrations: any fixed number, the same in every replica
/// and every service (services have databases of their own, so they never wait on each
/// other). It reads "aa-migr" in ASCII.
const MIGRATION_LOCK: i64 = 0x0061_612d_6d69_6772;

/// A migration's former name and its name now.
pub type Renamed = (&'static str, &'static str);

/// Applies `M`'s pending migrations to `db`, holding the migration lock on PostgreSQL.
pub async fn migrate<M: MigratorTrait>(db: &DatabaseConnection) -> Result<(), StoreError> {
    migrate_renamed::<M>(db, &[]).await
}

/// [`migrate`], after rewriting the recorded names of `renamed` migrations.
pub async fn migrate_renamed<M: MigratorTrait>(
    db: &DatabaseConnection,
    renamed: &[Renamed],
) -> Result<(), StoreError> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let txn = db.begin().await?;
            txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
                .await?;
            rename::<M, _>(&txn, renamed).await?;
            M::up(&txn, None).await?;
            txn.commit().await?;
        }
        DbBackend::Sqlite | DbBackend::MySql => {
            rename::<M, _>(db, renamed).await?;
            M::up(db, None).await?;
        }
    }
    Ok(())
}

async fn rename<M: MigratorTrait, C: ConnectionTrait>(
    db: &C,
    renamed: &[Renamed],
) -> Result<(), StoreError> {
    if renamed.is_empty() {
        return Ok(());
    }
    // `up` would create the table anyway; creating it first lets the UPDATE run on a fresh
    // database too, where it changes nothing.
    M::install(db).await?;
    let backend = db.get_database_backend();
    // The migrator's own table: a service may name it (the FIU records `fiu_seaql_migrations`).
    let table = M::migration_table_name().to_string();
    let sql = match backend {
        DbBackend::Postgres => format!("UPDATE \"{table}\" SET version = $1 WHERE version = $2"),
        _ => format!("UPDATE \"{table}\" SET version = ? WHERE version = ?"),
    };
    for (old, new) in renamed {
        db.execute(sea_orm::Statement::from_sql_and_values(
            backend,
            &sql,
            [(*new).into(), (*old).into()],
        ))
        .await?;
    }
    Ok(())
}
