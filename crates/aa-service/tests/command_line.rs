//! The binary's command line: `aa-service migrate` applies the migrations and exits; a command,
//! an environment or a setting it does not know stops it before anything runs, as does a
//! production configuration without a database; `config check` prints no secret; a bad
//! database URL fails fast without its password in the log; `rewrap` is refused (the AA has no
//! master keys).

#![allow(clippy::unwrap_used)]

use std::path::Path;

use aa_service::persistence::migration::Migrator;
use aa_testkit::ServiceBinary;
use sea_orm_migration::MigratorTrait;

fn binary() -> ServiceBinary {
    ServiceBinary {
        exe: env!("CARGO_BIN_EXE_aa-service"),
        prefix: "AA",
        name: "aa-service",
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

#[test]
fn config_check_prints_no_secret_and_a_settings_typo_is_refused_naming_it() {
    binary().check_config_check_and_typos(&["local-development-pepper-not-secret"]);
}

#[test]
fn production_without_a_database_url_is_refused_as_one_json_line() {
    binary().check_production_needs_a_database_url(&[(
        "AUTH__PEPPER",
        "0123456789abcdef0123456789abcdef",
    )]);
}

#[test]
fn a_database_that_is_not_there_fails_fast_and_the_log_has_no_password() {
    binary().check_a_bad_database_url_leaks_no_password();
}

/// The AA seals nothing at rest: `rewrap` is refused, before touching any database.
#[test]
fn rewrap_is_refused_by_the_aa_which_has_no_master_keys() {
    let dir = tempfile::tempdir().unwrap();
    let out = binary().command(dir.path()).arg("rewrap").output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let said = aa_testkit::said(&out);
    assert!(said.contains("aa-service seals no data at rest"), "{said}");
    assert!(!dir.path().join("aa-service.db").exists());
}
