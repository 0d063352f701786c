//! The queue's table, `runtime_queue`, as a sea-orm migration every service adds to its own
//! `Migrator`. The id is an autoincrement sequence: it is the strict insertion order that
//! ordering per key relies on (two jobs written in one transaction share a millisecond).

use sea_orm_migration::prelude::*;

pub(crate) const TABLE: &str = "runtime_queue";

/// Creates `runtime_queue` and its indexes.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "aa_runtime_m0001_queue"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let column = |name: &str| ColumnDef::new(Alias::new(name)).to_owned();
        manager
            .create_table(
                Table::create()
                    .table(Alias::new(TABLE))
                    .if_not_exists()
                    .col(
                        column("id")
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(column("kind").string().not_null())
                    .col(column("ordering_key").string().null())
                    .col(column("payload").text().not_null())
                    .col(column("status").string().not_null())
                    .col(column("attempts").integer().not_null())
                    .col(column("due_at_ms").big_integer().not_null())
                    .col(column("lease_until_ms").big_integer().null())
                    .col(column("last_error").text().null())
                    .col(column("created_at_ms").big_integer().not_null())
                    .col(column("finished_at_ms").big_integer().null())
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("ix_runtime_queue_due", ["status", "due_at_ms"]),
            ("ix_runtime_queue_key", ["ordering_key", "status"]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Alias::new(TABLE)).if_not_exists();
            for column in columns {
                index.col(Alias::new(column));
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Alias::new(TABLE)).to_owned())
            .await
    }
}

/// A service's own job or outbox table from before the queue, for [`carry_over`]. Each field
/// but `table` and `payload` is an SQL expression over the old table's columns.
#[derive(Debug, Clone, Copy)]
pub struct OldJobs<'a> {
    pub table: &'a str,
    /// The job's kind, e.g. `'notification'` or `kind`.
    pub kind: &'a str,
    /// The ordering key, e.g. `callee` or `NULL`.
    pub ordering_key: &'a str,
    /// The columns that make the JSON payload, each under its own name.
    pub payload: &'a [&'a str],
    pub attempts: &'a str,
    pub due_at_ms: &'a str,
    pub created_at_ms: &'a str,
    /// Which rows are still to run, e.g. `status = 'PENDING'`.
    pub pending: &'a str,
}

/// Copies the still pending rows of `old` onto `runtime_queue`, oldest first (so ordering per
/// key holds across the upgrade), in one statement on both backends, then drops the old table.
pub async fn carry_over(manager: &SchemaManager<'_>, old: OldJobs<'_>) -> Result<(), DbErr> {
    let pairs: Vec<String> = old.payload.iter().map(|c| format!("'{c}', {c}")).collect();
    let payload = match manager.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => {
            format!("json_build_object({})::text", pairs.join(", "))
        }
        _ => format!("json_object({})", pairs.join(", ")),
    };
    let OldJobs {
        table,
        kind,
        ordering_key,
        attempts,
        due_at_ms,
        created_at_ms,
        pending,
        ..
    } = old;
    manager
        .get_connection()
        .execute_unprepared(&format!(
            "INSERT INTO {TABLE} (kind, ordering_key, payload, status, attempts, due_at_ms, \
             lease_until_ms, last_error, created_at_ms, finished_at_ms) \
             SELECT {kind}, {ordering_key}, {payload}, 'pending', {attempts}, {due_at_ms}, NULL, \
             last_error, {created_at_ms}, NULL FROM {table} WHERE {pending} \
             ORDER BY {created_at_ms}, id"
        ))
        .await?;
    manager
        .drop_table(Table::drop().table(Alias::new(table)).to_owned())
        .await
}

/// The `down` of a [`carry_over`] migration: the old table is gone for good.
pub fn no_way_back() -> DbErr {
    DbErr::Migration("the jobs moved to the runtime queue; there is no way back".into())
}
