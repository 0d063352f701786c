//! What the FIP's database holds, to assert that a request changed nothing: every table's rows
//! in full, except where background workers legitimately move rows on (the runtime queue's delivery
//! bookkeeping, a session's preparation lease), whose rows are counted instead.

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, Database, Statement};

use crate::helpers::TestApp;

/// Tables whose rows the workers update: counted only.
const COUNTED: [&str; 2] = ["runtime_queue", "fi_sessions"];

/// Table name → its rows (sorted), or its row count for [`COUNTED`] tables.
pub async fn snapshot(app: &TestApp) -> BTreeMap<String, Vec<String>> {
    let path = app.eco.dir.path().join("fip-1").join("fip-service.db");
    let db = Database::connect(format!("sqlite://{}?mode=ro", path.display()))
        .await
        .unwrap();
    let backend = db.get_database_backend();
    let tables: Vec<String> = db
        .query_all(Statement::from_string(
            backend,
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name <> 'seaql_migrations' ORDER BY name",
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect();
    let mut out = BTreeMap::new();
    for table in tables {
        let rows = if COUNTED.contains(&table.as_str()) {
            let count = db
                .query_one(Statement::from_string(
                    backend,
                    format!("SELECT COUNT(*) FROM \"{table}\""),
                ))
                .await
                .unwrap()
                .unwrap()
                .try_get_by_index::<i64>(0)
                .unwrap();
            vec![count.to_string()]
        } else {
            let columns: Vec<String> = db
                .query_all(Statement::from_string(
                    backend,
                    format!("SELECT name FROM pragma_table_info('{table}')"),
                ))
                .await
                .unwrap()
                .iter()
                .map(|r| r.try_get_by_index::<String>(0).unwrap())
                .collect();
            let row = columns
                .iter()
                .map(|c| format!("quote(\"{c}\")"))
                .collect::<Vec<_>>()
                .join(" || '|' || ");
            let mut rows: Vec<String> = db
                .query_all(Statement::from_string(
                    backend,
                    format!("SELECT {row} FROM \"{table}\""),
                ))
                .await
                .unwrap()
                .iter()
                .map(|r| r.try_get_by_index::<String>(0).unwrap())
                .collect();
            rows.sort();
            rows
        };
        out.insert(table, rows);
    }
    db.close().await.unwrap();
    out
}
