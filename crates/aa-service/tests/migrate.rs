//! The binary's command line: `aa-service migrate` applies the migrations and exits; a command
//! or an environment it does not know stops it before anything runs.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

use sea_orm::{ConnectionTrait, Statement};

fn binary(data_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_aa-service"));
    command
        .env(
            "AA_CONFIG_DIR",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("configuration"),
        )
        .env("AA_ENVIRONMENT", "local")
        .env("AA__DATA_DIR", data_dir)
        .env_remove("AA__DATABASE__URL")
        .env_remove("AA_DATABASE__URL");
    command
}

#[tokio::test]
async fn migrate_applies_every_migration_once_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let out = binary(dir.path()).arg("migrate").output().unwrap();
        assert!(out.status.success(), "{out:?}");
    }
    let url = format!(
        "sqlite://{}?mode=rw",
        dir.path().join("aa-service.db").display()
    );
    // Through the kit (WAL): the migrated schema may still be in the write-ahead log.
    let db = aa_runtime::store::connect(&aa_runtime::settings::Secret::new(url), 1)
        .await
        .unwrap();
    let rows = db
        .query_all(Statement::from_string(
            db.get_database_backend(),
            "SELECT version FROM seaql_migrations ORDER BY version",
        ))
        .await
        .unwrap();
    let versions: Vec<String> = rows
        .iter()
        .map(|r| r.try_get("", "version").unwrap())
        .collect();
    assert_eq!(
        versions,
        [
            "aa_runtime_m0001_queue",
            "m0001_initial",
            "m0002_fi_sessions",
            "m0003_consent_lifecycle",
            "m0004_rebit_requests",
            "m0005_runtime_queue",
            "m0006_idempotency_keys",
        ]
    );
}

#[test]
fn an_unknown_command_or_environment_exits_2_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let out = binary(dir.path()).arg("migrat").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown command \"migrat\""));
    let out = binary(dir.path())
        .arg("migrate")
        .env("AA_ENVIRONMENT", "prod")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("AA_ENVIRONMENT is \"prod\""));
    assert!(!dir.path().join("aa-service.db").exists());
}
