//! Running a service's migrations safely when several replicas start at once.
//!
//! PostgreSQL: the whole of `Migrator::up` runs in one transaction that first takes a
//! transaction-scoped advisory lock (`pg_advisory_xact_lock`). A second replica waits on the
//! lock, then finds every migration recorded and applies none. Without it both would read an
//! empty `seaql_migrations` and race on `CREATE TABLE`.
//!
//! SQLite: one process owns the file and writes through one connection (see
//! [`super::connect`]), so there is nobody to race with.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, TransactionTrait};
use sea_orm_migration::MigratorTrait;

use super::StoreError;

/// The advisory lock key of schema migrations: any fixed number, the same in every replica
/// and every service (services have databases of their own, so they never wait on each
/// other). It reads "aa-migr" in ASCII.
const MIGRATION_LOCK: i64 = 0x0061_612d_6d69_6772;

/// Applies `M`'s pending migrations to `db`, holding the migration lock on PostgreSQL.
pub async fn migrate<M: MigratorTrait>(db: &DatabaseConnection) -> Result<(), StoreError> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let txn = db.begin().await?;
            txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
                .await?;
            M::up(&txn, None).await?;
            txn.commit().await?;
        }
        DbBackend::Sqlite | DbBackend::MySql => M::up(db, None).await?,
    }
    Ok(())
}
