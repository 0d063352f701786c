//! The binary's command line: `fip-service migrate` applies the migrations and exits; a command,
//! an environment or a setting it does not know stops it before anything runs, as does a
//! production configuration without a database; `config check` prints no secret; a bad
//! database URL fails fast without its password in the log; production refuses a seed file;
//! a master key ring rotated and rewrapped keeps prepared data readable.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use aa_testkit::ServiceBinary;
use fip_service::persistence::migration::Migrator;
use fip_service::persistence::Store;
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

/// What gets the FIP past its production rules but the database.
const PRODUCTION: [(&str, &str); 10] = [
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
];

#[test]
fn production_without_a_database_url_is_refused_as_one_json_line() {
    binary().check_production_needs_a_database_url(&PRODUCTION);
}

/// The shipped production configuration names no seed; naming one there is refused, so the
/// simulated bank's sample customers never reach a production database.
#[test]
fn production_refuses_a_seed_file() {
    let dir = tempfile::tempdir().unwrap();
    let production = |seed: Option<&str>| {
        let mut command = binary().command(dir.path());
        command
            .args(["config", "check"])
            .env("FIP_ENVIRONMENT", "production")
            .env("FIP__DATABASE__URL", "postgres://127.0.0.1:9/fip")
            .envs(PRODUCTION.iter().map(|(k, v)| (format!("FIP__{k}"), *v)));
        if let Some(seed) = seed {
            command.env("FIP__SEED_FILE", seed);
        }
        command.output().unwrap()
    };
    let out = production(None);
    assert!(out.status.success(), "{out:?}");
    let out = production(Some("seed/fip-1.yaml"));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let said = aa_testkit::said(&out);
    assert!(
        said.contains("seed_file names the simulated bank's sample customers"),
        "{said}"
    );
}

use aa_testkit::master_keys::{M1, M2, WRONG};

fn ring(keys: &[(&str, &str)]) -> aa_core::key_ring::KeyRing {
    let settings = aa_runtime::settings::MasterKeys {
        ring: aa_testkit::master_key_ring(keys),
        ..Default::default()
    };
    let local = aa_runtime::settings::Environment::Local;
    settings
        .load(Path::new("/nonexistent"), local, "FIP")
        .unwrap()
}

/// Opens what `sealed` holds for each consent with the data keys `keys` opens.
async fn read_all(
    data: &Path,
    db: Option<&str>,
    keys: &[(&str, &str)],
    sealed: &[(String, Vec<u8>)],
) {
    let store = Store::connect(&binary().store_url(data, db), 1)
        .await
        .unwrap();
    for (consent, envelope) in sealed {
        let key = store.consent_data_key(consent, &ring(keys)).await.unwrap();
        let opened = key.open(consent.as_bytes(), envelope).unwrap();
        assert_eq!(opened, format!("prepared for {consent}").into_bytes());
    }
}

#[tokio::test]
async fn a_rotated_ring_and_rewrap_keep_prepared_data_readable_and_a_wrong_ring_is_refused_on_sqlite(
) {
    rotation(None).await;
}

#[tokio::test]
async fn a_rotated_ring_and_rewrap_keep_prepared_data_readable_and_a_wrong_ring_is_refused_on_postgres(
) {
    rotation(Some(&aa_testkit::fresh_postgres_database().await)).await;
}

/// Data sealed under m1; the ring rotated to [m2, m1], rewrapped, m1 retired; wrong rings.
async fn rotation(db: Option<&str>) {
    use aa_core::registry::Role;
    let fip = binary();
    let eco = aa_testkit::Ecosystem::new(vec![aa_testkit::Party::new(
        "FIP-1",
        Role::Fip,
        aa_testkit::keys::FIP_1,
        "http://127.0.0.1:9",
    )]);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let (first, _c1) = fip.with_master_keys(&eco, "FIP-1", data, db, &[("m1", M1)]);
    fip.serve_until_listening(first).unwrap();
    let mut sealed = Vec::new();
    {
        let store = Store::connect(&fip.store_url(data, db), 1).await.unwrap();
        for n in 0..4 {
            let consent = format!("consent-{n}");
            let key = store
                .consent_data_key(&consent, &ring(&[("m1", M1)]))
                .await
                .unwrap();
            let text = format!("prepared for {consent}");
            sealed.push((
                consent.clone(),
                key.seal(consent.as_bytes(), text.as_bytes()).unwrap(),
            ));
        }
    }
    let rotated = [("m2", M2), ("m1", M1)];
    let (serve, _c2) = fip.with_master_keys(&eco, "FIP-1", data, db, &rotated);
    fip.serve_until_listening(serve).unwrap();
    read_all(data, db, &rotated, &sealed).await;

    let (serve, _c3) = fip.with_master_keys(&eco, "FIP-1", data, db, &[("m2", M2)]);
    let said = aa_testkit::said(&fip.serve_until_listening(serve).unwrap_err());
    assert!(
        said.contains("master key \"m1\", which is not in the key ring"),
        "{said}"
    );

    let (command, _c4) = fip.with_master_keys(&eco, "FIP-1", data, db, &rotated);
    let printed = fip.rewrap(command);
    assert!(
        printed.contains("moved 4 data keys to master key \"m2\""),
        "{printed}"
    );
    let (command, _c5) = fip.with_master_keys(&eco, "FIP-1", data, db, &rotated);
    assert!(fip.rewrap(command).contains("moved 0 data keys"));
    let retired = [("m2", M2)];
    let (serve, _c6) = fip.with_master_keys(&eco, "FIP-1", data, db, &retired);
    fip.serve_until_listening(serve).unwrap();
    read_all(data, db, &retired, &sealed).await;

    let (serve, _c7) = fip.with_master_keys(&eco, "FIP-1", data, db, &[("m2", WRONG)]);
    let said = aa_testkit::said(&fip.serve_until_listening(serve).unwrap_err());
    assert!(said.contains("master key \"m2\" does not open"), "{said}");
    assert!(!said.contains(WRONG) && !said.contains(M2));
}

#[test]
fn a_database_that_is_not_there_fails_fast_and_the_log_has_no_password() {
    binary().check_a_bad_database_url_leaks_no_password();
}

/// A production FIP starts without loading the simulated bank, and says so.
#[tokio::test]
async fn production_serves_without_the_seed_and_says_so() {
    let fip = binary();
    let eco = aa_testkit::Ecosystem::new(vec![aa_testkit::Party::new(
        "FIP-1",
        aa_core::registry::Role::Fip,
        aa_testkit::keys::FIP_1,
        "http://127.0.0.1:9",
    )]);
    let dir = tempfile::tempdir().unwrap();
    let mut command = fip.command(dir.path());
    command
        .env("FIP_ENVIRONMENT", "production")
        .env(
            "FIP__DATABASE__URL",
            aa_testkit::fresh_postgres_database().await,
        )
        .envs(PRODUCTION.iter().map(|(k, v)| (format!("FIP__{k}"), *v)))
        .envs(eco.identity_env("FIP", "FIP-1"));
    let logged = fip.serve_until_listening(command).unwrap();
    assert!(logged.contains("no seed in production"), "{logged}");
    assert!(!logged.contains("seed loaded"), "{logged}");
}
