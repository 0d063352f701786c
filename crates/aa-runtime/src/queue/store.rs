//! The queue's persistence: the `runtime_queue` entity and every statement on it. The only
//! sea-orm code of the queue; callers see [`Job`], [`DeadJob`] and [`NewJob`].
//!
//! A claim is a compare-and-set on the row (pending, due, lease free), so among workers on one
//! database exactly one wins each job. Finishing is conditional on the lease the worker holds:
//! a worker whose lease expired and was taken over records nothing.

use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;

use super::{Job, NewJob};

pub(super) mod entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "runtime_queue")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub kind: String,
        pub ordering_key: Option<String>,
        #[sea_orm(column_type = "Text")]
        pub payload: String,
        /// `pending`, `done` or `dead`.
        pub status: String,
        pub attempts: i32,
        pub due_at_ms: i64,
        pub lease_until_ms: Option<i64>,
        #[sea_orm(column_type = "Text", nullable)]
        pub last_error: Option<String>,
        pub created_at_ms: i64,
        pub finished_at_ms: Option<i64>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

use entity::{ActiveModel, Column, Entity};

const PENDING: &str = "pending";
const DONE: &str = "done";
const DEAD: &str = "dead";
const DISCARDED: &str = "discarded";

/// Longest error text kept with a job (the full cause is in the log).
const MAX_ERROR_CHARS: usize = 500;

/// Leases and due times are on the system clock: they order work among replicas, which a
/// test's manual clock must not stall.
pub(crate) fn now_ms() -> i64 {
    crate::clock::Clock::system().now_millis()
}

fn clip(error: &str) -> String {
    error.chars().take(MAX_ERROR_CHARS).collect()
}

/// No older pending job shares this row's ordering key (a row without a key always passes).
/// Written against the table's own name so the same SQL runs on SQLite and PostgreSQL.
fn first_of_its_key() -> SimpleExpr {
    Expr::cust(
        "(runtime_queue.ordering_key IS NULL OR NOT EXISTS (SELECT 1 FROM runtime_queue AS older \
         WHERE older.ordering_key = runtime_queue.ordering_key AND older.status = 'pending' \
         AND older.id < runtime_queue.id))",
    )
}

fn lease_free(now: i64) -> SimpleExpr {
    Expr::col(Column::LeaseUntilMs)
        .is_null()
        .or(Expr::col(Column::LeaseUntilMs).lt(now))
}

/// Writes `job` on `conn` (the caller's transaction, so it commits with the change that caused
/// it), due at once; returns its id. Poke the [`super::Waker`] after the commit.
pub async fn enqueue<C: ConnectionTrait>(conn: &C, job: NewJob) -> Result<i64, DbErr> {
    enqueue_after(conn, job, std::time::Duration::ZERO).await
}

/// Writes `job` on `conn` like [`enqueue`], due `delay` from now (by the queue's clock): a
/// check to make later, such as a poll for what a counterparty has not announced.
pub async fn enqueue_after<C: ConnectionTrait>(
    conn: &C,
    job: NewJob,
    delay: std::time::Duration,
) -> Result<i64, DbErr> {
    let now = now_ms();
    let inserted = Entity::insert(ActiveModel {
        kind: Set(job.kind),
        ordering_key: Set(job.key),
        payload: Set(job.payload),
        status: Set(PENDING.to_owned()),
        attempts: Set(0),
        due_at_ms: Set(now.saturating_add(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX))),
        lease_until_ms: Set(None),
        last_error: Set(None),
        created_at_ms: Set(now),
        finished_at_ms: Set(None),
        ..Default::default()
    })
    .exec(conn)
    .await?;
    Ok(inserted.last_insert_id)
}

/// The payloads of the pending jobs of `kind` with `key`, oldest first (a service asking
/// whether something is still on its way).
pub async fn pending_payloads<C: ConnectionTrait>(
    conn: &C,
    kind: &str,
    key: &str,
) -> Result<Vec<String>, DbErr> {
    Ok(Entity::find()
        .filter(Column::Kind.eq(kind))
        .filter(Column::OrderingKey.eq(key))
        .filter(Column::Status.eq(PENDING))
        .order_by_asc(Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|row| row.payload)
        .collect())
}

/// A dead-lettered job, as the admin endpoint lists it (the payload is left out: it may hold
/// a notification's body).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeadJob {
    pub id: i64,
    pub kind: String,
    pub key: Option<String>,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub created_at_ms: i64,
    pub finished_at_ms: Option<i64>,
}

/// Where a job stands: `status` is `pending`, `done`, `dead` or `discarded`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobState {
    pub id: i64,
    pub key: Option<String>,
    pub payload: String,
    pub status: String,
    pub attempts: u32,
    pub last_error: Option<String>,
}

/// The queue on one database.
#[derive(Debug, Clone)]
pub struct Queue {
    db: DatabaseConnection,
}

impl Queue {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    pub(super) fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Writes `job` outside any transaction (see [`enqueue`] for the usual way).
    pub async fn enqueue(&self, job: NewJob) -> Result<i64, DbErr> {
        enqueue(&self.db, job).await
    }

    /// Claims up to `limit` due jobs of `kinds` under a lease of `lease_ms`.
    pub(crate) async fn claim(
        &self,
        kinds: &[String],
        limit: u64,
        lease_ms: i64,
    ) -> Result<Vec<Job>, DbErr> {
        let now = now_ms();
        let candidates = Entity::find()
            .filter(Column::Status.eq(PENDING))
            .filter(Column::DueAtMs.lte(now))
            .filter(Column::Kind.is_in(kinds.iter().cloned()))
            .filter(lease_free(now))
            .filter(first_of_its_key())
            .order_by_asc(Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        let lease = now.saturating_add(lease_ms);
        let mut claimed = Vec::with_capacity(candidates.len());
        for row in candidates {
            let won = Entity::update_many()
                .col_expr(Column::LeaseUntilMs, Expr::value(lease))
                .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
                .filter(Column::Id.eq(row.id))
                .filter(Column::Status.eq(PENDING))
                .filter(Column::DueAtMs.lte(now))
                .filter(lease_free(now))
                .filter(first_of_its_key())
                .exec(&self.db)
                .await?
                .rows_affected
                == 1;
            if won {
                let job = Job {
                    id: row.id,
                    kind: row.kind,
                    key: row.ordering_key,
                    payload: row.payload,
                    attempts: u32::try_from(row.attempts).unwrap_or(0).saturating_add(1),
                    lease,
                };
                claimed.push(job);
            }
        }
        Ok(claimed)
    }

    /// When the next job of `kinds` that is not held up by an older one falls due (epoch ms),
    /// if any is waiting.
    pub(crate) async fn next_due(&self, kinds: &[String]) -> Result<Option<i64>, DbErr> {
        let now = now_ms();
        Entity::find()
            .select_only()
            .column(Column::DueAtMs)
            .filter(Column::Status.eq(PENDING))
            .filter(Column::DueAtMs.gt(now))
            .filter(Column::Kind.is_in(kinds.iter().cloned()))
            .filter(first_of_its_key())
            .order_by_asc(Column::DueAtMs)
            .limit(1)
            .into_tuple::<i64>()
            .one(&self.db)
            .await
    }

    pub(crate) async fn settle(&self, job: &Job, outcome: Settle<'_>) -> Result<bool, DbErr> {
        settle(&self.db, job, outcome).await
    }

    /// Every dead job, oldest first.
    pub async fn dead(&self) -> Result<Vec<DeadJob>, DbErr> {
        Ok(Entity::find()
            .filter(Column::Status.eq(DEAD))
            .order_by_asc(Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|row| DeadJob {
                id: row.id,
                kind: row.kind,
                key: row.ordering_key,
                attempts: u32::try_from(row.attempts).unwrap_or(0),
                last_error: row.last_error,
                created_at_ms: row.created_at_ms,
                finished_at_ms: row.finished_at_ms,
            })
            .collect())
    }

    /// Puts the dead job `id` back as pending, due now, with its attempts reset; false when
    /// there is no dead job `id`. The last error is kept until the job next runs.
    pub async fn replay(&self, id: i64) -> Result<bool, DbErr> {
        let result = Entity::update_many()
            .col_expr(Column::Status, Expr::value(PENDING))
            .col_expr(Column::Attempts, Expr::value(0))
            .col_expr(Column::DueAtMs, Expr::value(now_ms()))
            .col_expr(Column::LeaseUntilMs, Expr::value(Option::<i64>::None))
            .col_expr(Column::FinishedAtMs, Expr::value(Option::<i64>::None))
            .filter(Column::Id.eq(id))
            .filter(Column::Status.eq(DEAD))
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Marks the dead job `id` discarded: it is never run again and leaves the dead-letter
    /// list, but its row (kind, key, last error) stays for the record. False when there is no
    /// dead job `id`.
    pub async fn discard(&self, id: i64) -> Result<bool, DbErr> {
        let result = Entity::update_many()
            .col_expr(Column::Status, Expr::value(DISCARDED))
            .col_expr(Column::FinishedAtMs, Expr::value(now_ms()))
            .filter(Column::Id.eq(id))
            .filter(Column::Status.eq(DEAD))
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected == 1)
    }

    /// Every job of `kind`, oldest first, for tests and operations.
    pub async fn jobs(&self, kind: &str) -> Result<Vec<JobState>, DbErr> {
        Ok(Entity::find()
            .filter(Column::Kind.eq(kind))
            .order_by_asc(Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|row| JobState {
                id: row.id,
                key: row.ordering_key,
                payload: row.payload,
                status: row.status,
                attempts: u32::try_from(row.attempts).unwrap_or(0),
                last_error: row.last_error,
            })
            .collect())
    }

    /// Counts jobs by status (`pending`, `done`, `dead`), for tests and operations.
    pub async fn count(&self, status: &str) -> Result<u64, DbErr> {
        use sea_orm::PaginatorTrait;
        Entity::find()
            .filter(Column::Status.eq(status))
            .count(&self.db)
            .await
    }
}

/// How a claimed job ended.
#[derive(Debug, Clone, Copy)]
pub enum Settle<'a> {
    /// Finished; `note` is kept as its last error (e.g. "nothing left to do").
    Done { note: Option<&'a str> },
    /// Pending again, due at `at` (epoch ms).
    Retry { at: i64, error: &'a str },
    /// A dead letter, until an operator replays it.
    Dead { error: &'a str },
}

/// Records the outcome of the claimed `job` on `conn`: a handler that passes its own
/// transaction finishes the job together with its effect, so the two commit or fail as one.
/// Returns false when the job was no longer ours (settled already, or its lease passed to
/// another worker).
pub async fn settle<C: ConnectionTrait>(
    conn: &C,
    job: &Job,
    outcome: Settle<'_>,
) -> Result<bool, DbErr> {
    let now = now_ms();
    let update =
        Entity::update_many().col_expr(Column::LeaseUntilMs, Expr::value(Option::<i64>::None));
    let update = match outcome {
        Settle::Done { note } => update
            .col_expr(Column::Status, Expr::value(DONE))
            .col_expr(Column::LastError, Expr::value(note.map(clip)))
            .col_expr(Column::FinishedAtMs, Expr::value(now)),
        Settle::Retry { at, error } => update
            .col_expr(Column::DueAtMs, Expr::value(at))
            .col_expr(Column::LastError, Expr::value(clip(error))),
        Settle::Dead { error } => update
            .col_expr(Column::Status, Expr::value(DEAD))
            .col_expr(Column::LastError, Expr::value(clip(error)))
            .col_expr(Column::FinishedAtMs, Expr::value(now)),
    };
    let result = update
        .filter(Column::Id.eq(job.id))
        .filter(Column::Status.eq(PENDING))
        .filter(Column::LeaseUntilMs.eq(job.lease))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}
