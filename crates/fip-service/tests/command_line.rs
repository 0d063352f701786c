//! The binary's command line: `fip-service migrate` applies the migrations and exits; a command,
//! an environment or a setting it does not know stops it before anything runs, as does a
//! production configuration without a database; `config check` prints no secret; a bad
//! database URL fails fast without its password in the log.

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

#[test]
fn config_check_prints_no_secret_and_a_settings_typo_is_refused_naming_it() {
    binary().check_config_check_and_typos(&[
        "local-development-otp-pepper-not-secret",
        "local-bank-back-office-token",
    ]);
}

#[test]
fn production_without_a_database_url_is_refused_as_one_json_line() {
    binary().check_production_needs_a_database_url(&[
        ("IDENTITY__ENTITY_ID", "FIP-1"),
        ("IDENTITY__SIGNING_KID", "fip-1-sig"),
        ("IDENTITY__SIGNING_KEY__FILE", "/nonexistent/fip-1.pem"),
        ("IDENTITY__REGISTRY_FILE", "/nonexistent/registry.yaml"),
        ("IDENTITY__API_KEYS__MODE", "mint"),
        ("IDENTITY__API_KEYS__ISSUER_ID", "local-token-service"),
        ("IDENTITY__API_KEYS__ISSUER_KID", "local-tokens-1"),
        (
            "IDENTITY__API_KEYS__ISSUER_KEY__FILE",
            "/nonexistent/issuer.pem",
        ),
        ("OTP__PEPPER", "0123456789abcdef0123456789abcdef"),
        (
            "FI__MASTER_KEY",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        ),
    ]);
}

#[test]
fn a_database_that_is_not_there_fails_fast_and_the_log_has_no_password() {
    binary().check_a_bad_database_url_leaks_no_password();
}
