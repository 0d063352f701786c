//! What `/metrics` reads from `runtime_queue` when scraped: jobs, attempts and the oldest
//! job per kind and state (dead letters are the `dead` state).

use sea_orm::sea_query::Expr;
use sea_orm::{DbErr, EntityTrait, QuerySelect};

use super::store::entity::{Column, Entity};
use super::Queue;

/// The jobs of one kind in one state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindStats {
    pub kind: String,
    /// `pending`, `done`, `dead` or `discarded`.
    pub state: String,
    pub jobs: i64,
    /// Attempts made, summed over the jobs.
    pub attempts: i64,
    /// Creation time of the oldest job (epoch ms).
    pub oldest_created_ms: i64,
}

/// The database pool as sqlx reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections open now (idle or in use).
    pub size: u32,
    pub idle: u32,
    pub max: u32,
}

impl Queue {
    /// Jobs per kind and state, in one grouped query.
    pub async fn stats(&self) -> Result<Vec<KindStats>, DbErr> {
        let rows: Vec<(String, String, i64, i64, i64)> = Entity::find()
            .select_only()
            .column(Column::Kind)
            .column(Column::Status)
            .column_as(Expr::col(Column::Id).count(), "jobs")
            .column_as(
                Expr::cust("CAST(COALESCE(SUM(attempts), 0) AS BIGINT)"),
                "attempts",
            )
            .column_as(Expr::col(Column::CreatedAtMs).min(), "oldest")
            .group_by(Column::Kind)
            .group_by(Column::Status)
            .into_tuple()
            .all(self.db())
            .await?;
        Ok(rows
            .into_iter()
            .map(
                |(kind, state, jobs, attempts, oldest_created_ms)| KindStats {
                    kind,
                    state,
                    jobs,
                    attempts,
                    oldest_created_ms,
                },
            )
            .collect())
    }

    /// The pool of the queue's database connection.
    pub fn pool(&self) -> PoolStats {
        use sea_orm::DatabaseConnection as Db;
        let (size, idle, max) = match self.db() {
            Db::SqlxPostgresPoolConnection(_) => {
                let pool = self.db().get_postgres_connection_pool();
                (
                    pool.size(),
                    pool.num_idle(),
                    pool.options().get_max_connections(),
                )
            }
            Db::SqlxSqlitePoolConnection(_) => {
                let pool = self.db().get_sqlite_connection_pool();
                (
                    pool.size(),
                    pool.num_idle(),
                    pool.options().get_max_connections(),
                )
            }
            _ => (0, 0, 0),
        };
        PoolStats {
            size,
            idle: u32::try_from(idle).unwrap_or(u32::MAX),
            max,
        }
    }
}
