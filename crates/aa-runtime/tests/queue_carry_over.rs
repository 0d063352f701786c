//! The services' carry-over migrations (SQL scripts run by `store::sql`): an upgrade moves a
//! service's old outbox or job table onto the queue with its pending rows only, oldest first,
//! payload as JSON, and drops the old table; on SQLite and PostgreSQL. The scripts are read
//! from the services' sources, so what runs here is what the services ship.

#![allow(clippy::unwrap_used)]

use aa_runtime::store::sql;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use sea_orm_migration::{MigrationTrait, SchemaManager};
use serde_json::{json, Value};

/// A moved job: its kind, ordering key and payload.
type Moved = (String, Option<String>, Value);

/// One service's old table (as its migrations made it, the columns the copy reads), its rows
/// (out of id order: the copy orders by creation time, then id), and its carry-over script.
struct Case {
    old_table: &'static str,
    rows: &'static [&'static str],
    script: &'static str,
    expected: fn() -> Vec<Moved>,
}

fn notifications() -> Vec<Moved> {
    let note = |n: u8| json!({"path": "/Consent/Notification", "body": format!("{{\"n\":{n}}}")});
    let fiu = Some("fiu-1".to_owned());
    vec![
        ("notification".into(), fiu.clone(), note(1)),
        ("notification".into(), fiu, note(2)),
    ]
}

const AA: Case = Case {
    old_table: "CREATE TABLE outbox (id varchar PRIMARY KEY, callee text NOT NULL, \
        path text NOT NULL, body text NOT NULL, attempts integer NOT NULL, \
        status text NOT NULL, next_attempt_at bigint NOT NULL, last_error text, \
        created_at bigint NOT NULL)",
    rows: &[
        "INSERT INTO outbox VALUES ('3', 'fiu-1', '/Consent/Notification', '{\"n\":2}', 2, \
         'PENDING', 50, 'refused', 20)",
        "INSERT INTO outbox VALUES ('1', 'fiu-1', '/Consent/Notification', '{\"n\":1}', 0, \
         'PENDING', 10, NULL, 10)",
        "INSERT INTO outbox VALUES ('2', 'fiu-1', '/Consent/Notification', '{\"n\":0}', 1, \
         'DONE', 10, NULL, 5)",
    ],
    script: include_str!("../../aa-service/src/persistence/migration/m0005_runtime_queue.sql"),
    expected: notifications,
};

const FIP: Case = Case {
    old_table: "CREATE TABLE outbox (id varchar PRIMARY KEY, callee text NOT NULL, \
        path text NOT NULL, body text NOT NULL, status text NOT NULL, attempts integer NOT NULL, \
        due_at_ms bigint NOT NULL, lease_until_ms bigint, last_error text, \
        created_at_ms bigint NOT NULL, delivered_at_ms bigint)",
    rows: &[
        "INSERT INTO outbox VALUES ('3', 'fiu-1', '/Consent/Notification', '{\"n\":2}', \
         'PENDING', 2, 50, NULL, 'refused', 20, NULL)",
        "INSERT INTO outbox VALUES ('1', 'fiu-1', '/Consent/Notification', '{\"n\":1}', \
         'PENDING', 0, 10, NULL, NULL, 10, NULL)",
        "INSERT INTO outbox VALUES ('2', 'fiu-1', '/Consent/Notification', '{\"n\":0}', \
         'DELIVERED', 1, 10, NULL, NULL, 5, 6)",
    ],
    script: include_str!("../../fip-service/src/persistence/migration/m0004_runtime_queue.sql"),
    expected: notifications,
};

const FIU: Case = Case {
    old_table: "CREATE TABLE fiu_jobs (id varchar PRIMARY KEY, kind text NOT NULL, \
        aa_id text NOT NULL, handle text NOT NULL, consent_id text NOT NULL, state text NOT NULL, \
        attempts integer NOT NULL, due_at bigint NOT NULL, lease_until bigint, last_error text, \
        created_at bigint NOT NULL, updated_at bigint NOT NULL, subject varchar(255))",
    rows: &[
        "INSERT INTO fiu_jobs VALUES ('b', 'fetch_data', 'AA-1', 'h2', 'c2', 'PENDING', 1, 30, \
         NULL, 'down', 20, 20, 's2')",
        "INSERT INTO fiu_jobs VALUES ('a', 'fetch_consent', 'AA-1', 'h1', 'c1', 'PENDING', 0, \
         10, NULL, NULL, 10, 10, NULL)",
        "INSERT INTO fiu_jobs VALUES ('c', 'fetch_consent', 'AA-1', 'h0', 'c0', 'DONE', 1, 10, \
         NULL, NULL, 5, 5, NULL)",
    ],
    script: include_str!("../../fiu-service/src/persistence/migration/m0006_runtime_queue.sql"),
    expected: || {
        let job = |subject: Value, handle: &str, consent: &str| json!({"subject": subject, "aa_id": "AA-1", "handle": handle, "consent_id": consent});
        vec![
            ("fetch_consent".into(), None, job(Value::Null, "h1", "c1")),
            ("fetch_data".into(), None, job(json!("s2"), "h2", "c2")),
        ]
    },
};

async fn queued(db: &DatabaseConnection) -> Vec<Moved> {
    let select = "SELECT kind, ordering_key, payload FROM runtime_queue \
                  WHERE status = 'pending' ORDER BY id";
    let rows = db
        .query_all(Statement::from_string(db.get_database_backend(), select))
        .await
        .unwrap();
    rows.iter()
        .map(|row| {
            let payload: String = row.try_get("", "payload").unwrap();
            (
                row.try_get("", "kind").unwrap(),
                row.try_get("", "ordering_key").unwrap(),
                serde_json::from_str(&payload).unwrap(),
            )
        })
        .collect()
}

async fn check(url: &str, case: &Case) {
    let db = Database::connect(url).await.unwrap();
    let manager = SchemaManager::new(&db);
    aa_runtime::queue::MIGRATION.up(&manager).await.unwrap();
    db.execute_unprepared(case.old_table).await.unwrap();
    for row in case.rows {
        db.execute_unprepared(row).await.unwrap();
    }
    sql::run(&manager, sql::up(case.script)).await.unwrap();
    assert_eq!(queued(&db).await, (case.expected)());
    let old = case.old_table.split_whitespace().nth(2).unwrap();
    let gone = db.execute_unprepared(&format!("SELECT 1 FROM {old}")).await;
    assert!(gone.is_err(), "{old} is still there");
}

async fn on_sqlite(case: &Case) {
    let dir = tempfile::tempdir().unwrap();
    check(
        &format!("sqlite://{}?mode=rwc", dir.path().join("q.db").display()),
        case,
    )
    .await;
}

async fn on_postgres(case: &Case) {
    check(&aa_testkit::fresh_postgres_database().await, case).await;
}

#[tokio::test]
async fn the_aa_outbox_moves_in_order_and_goes_on_sqlite() {
    on_sqlite(&AA).await;
}

#[tokio::test]
async fn the_aa_outbox_moves_in_order_and_goes_on_postgres() {
    on_postgres(&AA).await;
}

#[tokio::test]
async fn the_fip_outbox_moves_in_order_and_goes_on_sqlite() {
    on_sqlite(&FIP).await;
}

#[tokio::test]
async fn the_fip_outbox_moves_in_order_and_goes_on_postgres() {
    on_postgres(&FIP).await;
}

#[tokio::test]
async fn the_fiu_jobs_move_in_order_and_go_on_sqlite() {
    on_sqlite(&FIU).await;
}

#[tokio::test]
async fn the_fiu_jobs_move_in_order_and_go_on_postgres() {
    on_postgres(&FIU).await;
}
