//! The limiter's one statement: count a hit in the key's current window, atomically, on
//! SQLite and PostgreSQL alike (`INSERT ... ON CONFLICT DO UPDATE ... RETURNING`, which both
//! run as one statement), so replicas on one database share every counter.

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, Statement};

use super::migration::TABLE;

/// Counts one hit of `key` in the window starting at `window_start` (epoch seconds) and
/// returns the window's count, this hit included. A row left from an older window starts
/// again at 1.
pub(crate) async fn hit(
    db: &DatabaseConnection,
    key: &str,
    window_start: i64,
) -> Result<i64, DbErr> {
    let backend = db.get_database_backend();
    let (k, w) = match backend {
        DatabaseBackend::Postgres => ("$1", "$2"),
        _ => ("?", "?"),
    };
    let sql = format!(
        "INSERT INTO {TABLE} (key, window_start, count) VALUES ({k}, {w}, 1) \
         ON CONFLICT (key) DO UPDATE SET \
         count = CASE WHEN {TABLE}.window_start = excluded.window_start \
         THEN {TABLE}.count + 1 ELSE 1 END, \
         window_start = excluded.window_start \
         RETURNING count"
    );
    let row = db
        .query_one(Statement::from_sql_and_values(
            backend,
            sql,
            [key.into(), window_start.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("{TABLE}: no count returned")))?;
    row.try_get_by_index::<i64>(0)
}
