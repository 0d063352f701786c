//! The binary's command line: `fiu-service migrate` applies the migrations and exits; a command,
//! an environment or a setting it does not know stops it before anything runs, as does a
//! production configuration without a database; `config check` prints no secret; a bad
//! database URL fails fast without its password in the log; a master key ring rotated and
//! rewrapped keeps every stored account readable, and a wrong ring is refused at start-up.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use aa_testkit::ServiceBinary;
use fiu_service::persistence::migration::Migrator;
use fiu_service::persistence::Store;
use sea_orm_migration::MigratorTrait;

fn binary() -> ServiceBinary {
    ServiceBinary {
        exe: env!("CARGO_BIN_EXE_fiu-service"),
        prefix: "FIU",
        name: "fiu-service",
        config_dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("configuration"),
        migrations_table: "fiu_seaql_migrations",
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
    binary().check_config_check_and_typos(&["local-fiu-app-token"]);
}

#[test]
fn production_without_a_database_url_is_refused_as_one_json_line() {
    binary().check_production_needs_a_database_url(&[
        ("APP_API__TOKEN", "0123456789abcdef0123456789abcdef"),
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

use aa_testkit::master_keys::{M1, M2, WRONG};

/// The settings of `ring`, for opening the store from the test.
fn vault(ring: &[(&str, &str)]) -> fiu_service::vault::Vault {
    let fi = fiu_service::configuration::FiSettings {
        master_keys: aa_testkit::master_key_ring(ring),
        ..Default::default()
    };
    let nowhere = Path::new("/nonexistent");
    fiu_service::vault::Vault::load(&fi, nowhere, aa_runtime::settings::Environment::Local).unwrap()
}

/// Opens every sealed account of `accounts` through `vault`.
async fn read_all(
    data: &Path,
    db: Option<&str>,
    vault: &fiu_service::vault::Vault,
    accounts: &[(String, Vec<u8>)],
) {
    let store = Store::connect(&binary().store_url(data, db), 1)
        .await
        .unwrap();
    for (consent, sealed) in accounts {
        let key = vault
            .data_key(&store, consent, time::OffsetDateTime::now_utc())
            .await
            .unwrap();
        let document = fiu_service::vault::open_account(&key, consent, sealed).unwrap();
        assert_eq!(document, format!("account of {consent}").into_bytes());
    }
}

#[tokio::test]
async fn a_rotated_ring_and_rewrap_keep_every_account_readable_and_a_wrong_ring_is_refused_on_sqlite(
) {
    rotation(None).await;
}

#[tokio::test]
async fn a_rotated_ring_and_rewrap_keep_every_account_readable_and_a_wrong_ring_is_refused_on_postgres(
) {
    rotation(Some(&aa_testkit::fresh_postgres_database().await)).await;
}

/// Data sealed under m1; the ring rotated to [m2, m1], rewrapped, m1 retired; wrong rings.
async fn rotation(db: Option<&str>) {
    use aa_core::registry::Role;
    let eco = aa_testkit::Ecosystem::new(vec![aa_testkit::Party::new(
        "FIU-1",
        Role::Fiu,
        aa_testkit::keys::FIU_1,
        "http://127.0.0.1:9",
    )]);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let (mut first, _c1) = binary().with_master_keys(&eco, "FIU-1", data, db, &[("m1", M1)]);
    assert!(first.arg("migrate").output().unwrap().status.success());

    // Accounts sealed under data keys wrapped under m1.
    let mut accounts = Vec::new();
    {
        let store = Store::connect(&binary().store_url(data, db), 1)
            .await
            .unwrap();
        let m1 = vault(&[("m1", M1)]);
        for n in 0..3 {
            let consent = format!("consent-{n}");
            let key = m1
                .data_key(&store, &consent, time::OffsetDateTime::now_utc())
                .await
                .unwrap();
            let doc = format!("account of {consent}");
            let sealed = fiu_service::vault::seal_account(&key, &consent, doc.as_bytes()).unwrap();
            accounts.push((consent, sealed));
        }
    }

    // Rotated to [m2, m1]: it starts, m1 still opens the old keys, a new key goes under m2.
    let rotated = [("m2", M2), ("m1", M1)];
    let (serve, _c2) = binary().with_master_keys(&eco, "FIU-1", data, db, &rotated);
    binary().serve_until_listening(serve).unwrap();
    read_all(data, db, &vault(&rotated), &accounts).await;
    {
        let store = Store::connect(&binary().store_url(data, db), 1)
            .await
            .unwrap();
        let key = vault(&rotated)
            .data_key(&store, "consent-new", time::OffsetDateTime::now_utc())
            .await
            .unwrap();
        let doc = b"account of consent-new";
        let sealed = fiu_service::vault::seal_account(&key, "consent-new", doc).unwrap();
        accounts.push(("consent-new".into(), sealed));
        let wrapped = store
            .wrapped_data_key("consent-new")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(aa_core::seal::key_id(&wrapped).unwrap(), "m2");
    }

    // m1 cannot be retired before rewrap: start-up names it.
    let (serve, _c3) = binary().with_master_keys(&eco, "FIU-1", data, db, &[("m2", M2)]);
    let out = binary().serve_until_listening(serve).unwrap_err();
    assert!(!out.status.success());
    let log = aa_testkit::said(&out);
    assert!(
        log.contains("master key \"m1\", which is not in the key ring"),
        "{log}"
    );

    // Rewrap moves the three old keys, then nothing; m1 retired, everything still opens.
    let (command, _c4) = binary().with_master_keys(&eco, "FIU-1", data, db, &rotated);
    let printed = binary().rewrap(command);
    assert!(
        printed.contains("moved 3 data keys to master key \"m2\""),
        "{printed}"
    );
    let (command, _c5) = binary().with_master_keys(&eco, "FIU-1", data, db, &rotated);
    assert!(binary().rewrap(command).contains("moved 0 data keys"));
    let retired = [("m2", M2)];
    let (serve, _c6) = binary().with_master_keys(&eco, "FIU-1", data, db, &retired);
    binary().serve_until_listening(serve).unwrap();
    read_all(data, db, &vault(&retired), &accounts).await;

    // A wrong key under a known id is refused at start-up, naming the id, never a key.
    let (serve, _c7) = binary().with_master_keys(&eco, "FIU-1", data, db, &[("m2", WRONG)]);
    let out = binary().serve_until_listening(serve).unwrap_err();
    let log = aa_testkit::said(&out);
    assert!(
        log.contains("master key \"m2\" does not open the data keys stored under it"),
        "{log}"
    );
    assert!(!log.contains(WRONG) && !log.contains(M2));
}

#[test]
fn production_creates_no_master_key_file_and_refuses_without_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = binary()
        .command(dir.path())
        .arg("migrate")
        .env("FIU_ENVIRONMENT", "production")
        .env("FIU__APP_API__TOKEN", "0123456789abcdef0123456789abcdef")
        .env("FIU__DATABASE__URL", "sqlite::memory:")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("FIU__FI__MASTER_KEY"));
    assert!(!dir.path().join("fiu-master.key").exists());
}

/// A data key stored before `fiu_data_keys` recorded its master key id gets the id its envelope
/// names when the migration runs, so start-up checks it and `rewrap` moves it.
#[tokio::test]
async fn data_keys_stored_before_the_master_key_id_column_get_it_from_their_envelope() {
    use sea_orm::{ConnectionTrait, Statement};
    use sea_orm_migration::MigratorTrait;
    let eco = aa_testkit::Ecosystem::new(vec![aa_testkit::Party::new(
        "FIU-1",
        aa_core::registry::Role::Fiu,
        aa_testkit::keys::FIU_1,
        "http://127.0.0.1:9",
    )]);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    assert!(binary().migrate(data).status.success());
    let data_key = aa_core::seal::DataKey::generate("consent:old").unwrap();
    let wrapped =
        aa_core::key_ring::KeyRing::new(vec![
            aa_core::seal::DataKey::from_bytes("m1", [1; 32]).unwrap()
        ])
        .unwrap()
        .wrap(&data_key)
        .unwrap();
    {
        let db = aa_runtime::store::connect(&binary().database_url(data), 1)
            .await
            .unwrap();
        // Back to before m0008 (the migrations after it, then m0008 itself).
        let after_m0008 = Migrator::migrations()
            .iter()
            .rev()
            .take_while(|m| m.name() != "m0008_master_key_id")
            .count();
        Migrator::down(&db, Some(u32::try_from(after_m0008 + 1).unwrap()))
            .await
            .unwrap();
        let backend = db.get_database_backend();
        db.execute(Statement::from_sql_and_values(
            backend,
            "INSERT INTO fiu_data_keys (consent_id, key_id, wrapped, created_at) \
             VALUES ('old', 'consent:old', $1, 0)",
            [wrapped.into()],
        ))
        .await
        .unwrap();
    }
    assert!(binary().migrate(data).status.success());
    let (serve, _config) = binary().with_master_keys(&eco, "FIU-1", data, None, &[("m2", M2)]);
    let log = aa_testkit::said(&binary().serve_until_listening(serve).unwrap_err());
    assert!(log.contains("master key \"m1\", which is not in"), "{log}");
    let (command, _config) =
        binary().with_master_keys(&eco, "FIU-1", data, None, &[("m2", M2), ("m1", M1)]);
    assert!(binary().rewrap(command).contains("moved 1 data keys"));
    let store = Store::connect(&binary().database_url(data), 1)
        .await
        .unwrap();
    let opened = vault(&[("m2", M2)])
        .data_key(&store, "old", time::OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!(opened.id(), "consent:old");
}
