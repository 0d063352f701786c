//! The binary's command line: `fip-service migrate` applies the migrations and exits; a command
//! or an environment it does not know stops it before anything runs.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use aa_testkit::ServiceBinary;
use fip_service::persistence::migration::Migrator;
use sea_orm_migration::MigratorTrait;

fn binary() -> ServiceBinary {
    ServiceBinary {
        exe: env!("CARGO_BIN_EXE_fip-service"),
        prefix: "FIP",
        name: "fip-service",
        config_dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("configuration"),
        migrations_table: "seaql_migrations",
    }
}

#[tokio::test]
async fn migrate_applies_every_migration_once_and_exits() {
    let expected = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    binary()
        .check_migrate_applies_every_migration_once(expected)
        .await;
}

#[test]
fn an_unknown_command_or_environment_exits_2_before_anything_runs() {
    binary().check_unknown_command_or_environment_exits_2();
}

/// A database migrated before the FIP's migrations took the `m000N_<what>` names records them
/// under their old names; migrating it again renames them and applies nothing twice (applying
/// `m0001_create_tables` again would fail: its tables exist).
#[tokio::test]
async fn a_database_with_the_old_migration_names_migrates_without_applying_them_again() {
    use sea_orm::ConnectionTrait;
    let fip = binary();
    let dir = tempfile::tempdir().unwrap();
    let out = fip.migrate(dir.path());
    assert!(out.status.success(), "{out:?}");
    {
        let db = aa_runtime::store::connect(&fip.database_url(dir.path()), 1)
            .await
            .unwrap();
        for (old, new) in fip_service::persistence::migration::RENAMED {
            db.execute_unprepared(&format!(
                "UPDATE seaql_migrations SET version = '{old}' WHERE version = '{new}'"
            ))
            .await
            .unwrap();
        }
    }
    let before = fip.applied_migrations(dir.path()).await;
    assert!(before.contains(&"m20250601_000001_create_tables".to_owned()));
    let out = fip.migrate(dir.path());
    assert!(out.status.success(), "{out:?}");
    let after = fip.applied_migrations(dir.path()).await;
    assert!(
        after.contains(&"m0001_create_tables".to_owned()),
        "{after:?}"
    );
    assert!(!after.iter().any(|v| v.starts_with("m2025")), "{after:?}");
    assert_eq!(after.len(), Migrator::migrations().len(), "{after:?}");
}
