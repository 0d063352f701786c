//! Migrations written as SQL. A migration's script is a list of statements, each ending with
//! `;` at the end of a line; it runs on SQLite and PostgreSQL alike. A statement with a line
//! `-- postgres only` or `-- sqlite only` among the comment lines that open it runs on that
//! backend only (column types differ for JSON, binary data and autoincrement keys; JSON
//! functions differ). A line `-- down` ends the `up` script
//! and starts the `down` one; a script without it has no way back.
//!
//! On PostgreSQL the statements run inside the migration transaction of [`super::migrate`].

use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;

/// A migration that is just its SQL: its name in the history table and its script.
pub struct SqlMigration {
    pub name: &'static str,
    pub script: &'static str,
}

/// [`SqlMigration`], e.g. `sql("m0001_initial", include_str!("m0001_initial.sql"))`.
pub fn sql(name: &'static str, script: &'static str) -> Box<SqlMigration> {
    Box::new(SqlMigration { name, script })
}

impl MigrationName for SqlMigration {
    fn name(&self) -> &str {
        self.name
    }
}

#[async_trait::async_trait]
impl MigrationTrait for SqlMigration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, up(self.script)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        match down(self.script) {
            Some(script) => run(manager, script).await,
            None => Err(DbErr::Migration(format!("{} has no way back", self.name))),
        }
    }
}

/// The part of `script` before its `-- down` line (all of it if none).
pub fn up(script: &str) -> &str {
    split(script).0
}

/// The part of `script` after its `-- down` line, if any.
pub fn down(script: &str) -> Option<&str> {
    split(script).1
}

fn split(script: &str) -> (&str, Option<&str>) {
    match script.find("\n-- down\n") {
        Some(at) => (&script[..at + 1], Some(&script[at + "\n-- down\n".len()..])),
        None => (script, None),
    }
}

/// Runs each statement of `script` meant for the manager's backend, in order.
pub async fn run(manager: &SchemaManager<'_>, script: &str) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for statement in statements(script, manager.get_database_backend()) {
        db.execute_unprepared(statement).await?;
    }
    Ok(())
}

/// The statements of `script` for `backend`, without the empty ones (comments only).
pub fn statements(script: &str, backend: DbBackend) -> Vec<&str> {
    script
        .split(";\n")
        .map(str::trim)
        .filter(|statement| {
            statement
                .lines()
                .any(|line| !line.trim().is_empty() && !line.trim_start().starts_with("--"))
        })
        .filter(|statement| {
            let comments = statement.lines().take_while(|line| line.starts_with("--"));
            let only: Vec<&str> = comments.filter(|line| line.ends_with(" only")).collect();
            match only.as_slice() {
                ["-- postgres only"] => backend == DbBackend::Postgres,
                ["-- sqlite only"] => backend == DbBackend::Sqlite,
                _ => true,
            }
        })
        .map(|statement| statement.trim_end_matches(';'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCRIPT: &str = "-- A table.\nCREATE TABLE a (x text);\n-- B.\n-- postgres only\n\
        CREATE TABLE b (y bytea);\n-- sqlite only\nCREATE TABLE b (y blob);\n-- down\n\
        DROP TABLE b;\nDROP TABLE a;\n";

    #[test]
    fn statements_are_split_at_line_ends_and_kept_in_order() {
        let down = down(SCRIPT).unwrap();
        assert_eq!(
            statements(down, DbBackend::Sqlite),
            ["DROP TABLE b", "DROP TABLE a"]
        );
    }

    #[test]
    fn a_marked_statement_runs_on_its_backend_only() {
        let up = up(SCRIPT);
        let postgres = statements(up, DbBackend::Postgres);
        assert_eq!(postgres.len(), 2);
        assert!(postgres[1].ends_with("CREATE TABLE b (y bytea)"));
        let sqlite = statements(up, DbBackend::Sqlite);
        assert!(sqlite[1].ends_with("CREATE TABLE b (y blob)"));
        assert!(sqlite[0].starts_with("-- A table.\nCREATE TABLE a"));
    }

    #[test]
    fn a_script_without_a_down_line_has_no_way_back() {
        assert_eq!(down("CREATE TABLE a (x text);\n"), None);
        assert_eq!(
            up("CREATE TABLE a (x text);\n"),
            "CREATE TABLE a (x text);\n"
        );
    }

    #[test]
    fn comments_alone_are_no_statement() {
        assert!(statements("-- nothing here\n;\n", DbBackend::Postgres).is_empty());
    }
}
