//! `queue::migration::carry_over`: an upgrade moves a service's old outbox onto the queue with
//! its pending rows only, oldest first, payload as JSON, and drops the old table; on SQLite and
//! PostgreSQL.

#![allow(clippy::unwrap_used)]

use aa_runtime::queue::migration::{carry_over, OldJobs};
use aa_runtime::queue::pending_payloads;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use sea_orm_migration::{MigrationTrait, SchemaManager};

async fn check(db: DatabaseConnection) {
    aa_runtime::queue::Migration
        .up(&SchemaManager::new(&db))
        .await
        .unwrap();
    for sql in [
        "CREATE TABLE outbox (id BIGINT PRIMARY KEY, callee TEXT NOT NULL, path TEXT NOT NULL, \
         body TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL, \
         next_attempt_at BIGINT NOT NULL, last_error TEXT, created_at BIGINT NOT NULL)",
        // Written out of id order: the copy orders by creation time, then id.
        "INSERT INTO outbox VALUES (3, 'fiu-1', '/Consent/Notification', '{\"n\":2}', 'PENDING', \
         2, 50, 'refused', 20)",
        "INSERT INTO outbox VALUES (1, 'fiu-1', '/Consent/Notification', '{\"n\":1}', 'PENDING', \
         0, 10, NULL, 10)",
        "INSERT INTO outbox VALUES (2, 'fiu-1', '/Consent/Notification', '{\"n\":0}', 'DONE', \
         1, 10, NULL, 5)",
    ] {
        db.execute_unprepared(sql).await.unwrap();
    }
    let old = OldJobs {
        table: "outbox",
        kind: "'notification'",
        ordering_key: "callee",
        payload: &["path", "body"],
        attempts: "attempts",
        due_at_ms: "next_attempt_at",
        created_at_ms: "created_at",
        pending: "status = 'PENDING'",
    };
    carry_over(&SchemaManager::new(&db), old).await.unwrap();
    let payloads = pending_payloads(&db, "notification", "fiu-1")
        .await
        .unwrap();
    let bodies: Vec<serde_json::Value> = payloads
        .iter()
        .map(|p| serde_json::from_str(p).unwrap())
        .collect();
    assert_eq!(
        bodies,
        [
            serde_json::json!({"path": "/Consent/Notification", "body": "{\"n\":1}"}),
            serde_json::json!({"path": "/Consent/Notification", "body": "{\"n\":2}"}),
        ]
    );
    assert!(db.execute_unprepared("SELECT 1 FROM outbox").await.is_err());
}

#[tokio::test]
async fn pending_rows_move_in_order_and_the_old_table_goes_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("q.db").display());
    check(Database::connect(&url).await.unwrap()).await;
}

#[tokio::test]
async fn pending_rows_move_in_order_and_the_old_table_goes_on_postgres() {
    let url = aa_testkit::fresh_postgres_database().await;
    check(Database::connect(&url).await.unwrap()).await;
}
