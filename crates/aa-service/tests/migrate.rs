//! The binary's command line: `aa-service migrate` applies the migrations and exits; a command
//! or an environment it does not know stops it before anything runs.

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
