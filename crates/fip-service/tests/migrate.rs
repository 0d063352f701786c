//! The binary's command line: `fip-service migrate` applies the migrations and exits; a command
//! or an environment it does not know stops it before anything runs.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

use sea_orm::{ConnectionTrait, Statement};

fn binary(data_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_fip-service"));
    command
        .env(
            "FIP_CONFIG_DIR",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("configuration"),
        )
        .env("FIP_ENVIRONMENT", "local")
        .env("FIP__DATA_DIR", data_dir)
        .env_remove("FIP__DATABASE__URL")
        .env_remove("FIP_DATABASE__URL");
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
        dir.path().join("fip-service.db").display()
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
            "m0001_create_tables",
            "m0002_fi_data_flow",
            "m0003_answered_txns",
            "m0004_runtime_queue",
            "m0005_idempotency_keys",
        ]
    );
}

/// A database migrated before the FIP's migrations took the `m000N_<what>` names records them
/// under their old names; migrating it again renames them and applies nothing twice (applying
/// `m0001_create_tables` again would fail: its tables exist).
#[tokio::test]
async fn a_database_with_the_old_migration_names_migrates_without_applying_them_again() {
    let dir = tempfile::tempdir().unwrap();
    let out = binary(dir.path()).arg("migrate").output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let url = aa_runtime::settings::Secret::new(format!(
        "sqlite://{}?mode=rw",
        dir.path().join("fip-service.db").display()
    ));
    let versions = |db: sea_orm::DatabaseConnection| async move {
        let rows = db
            .query_all(Statement::from_string(
                db.get_database_backend(),
                "SELECT version FROM seaql_migrations ORDER BY version",
            ))
            .await
            .unwrap();
        rows.iter()
            .map(|r| r.try_get::<String>("", "version").unwrap())
            .collect::<Vec<_>>()
    };
    {
        let db = aa_runtime::store::connect(&url, 1).await.unwrap();
        for (old, new) in fip_service::persistence::migration::RENAMED {
            db.execute_unprepared(&format!(
                "UPDATE seaql_migrations SET version = '{old}' WHERE version = '{new}'"
            ))
            .await
            .unwrap();
        }
        assert!(versions(db)
            .await
            .contains(&"m20250601_000001_create_tables".to_owned()));
    }
    let out = binary(dir.path()).arg("migrate").output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let db = aa_runtime::store::connect(&url, 1).await.unwrap();
    let after = versions(db).await;
    assert!(
        after.contains(&"m0001_create_tables".to_owned()),
        "{after:?}"
    );
    assert!(!after.iter().any(|v| v.starts_with("m2025")), "{after:?}");
    assert_eq!(after.len(), 6, "{after:?}");
}

#[test]
fn an_unknown_command_or_environment_exits_2_before_anything_runs() {
    let dir = tempfile::tempdir().unwrap();
    let out = binary(dir.path()).arg("migrat").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown command \"migrat\""));
    let out = binary(dir.path())
        .arg("migrate")
        .env("FIP_ENVIRONMENT", "prod")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("FIP_ENVIRONMENT is \"prod\""));
    assert!(!dir.path().join("fip-service.db").exists());
}
