//! The binary's command line: `fip-service migrate` applies the migrations and exits; a command,
//! an environment or a setting it does not know stops it before anything runs, as does a
//! production configuration without a database; `config check` prints no secret; a bad
//! database URL fails fast without its password in the log; production refuses a seed file;
//! a master key ring rotated and rewrapped keeps prepared data readable. In production, as a
//! bank runs it, a linking OTP goes to the SMS gateway (a fake on loopback) through the queue and never into
//! the service's log, the AA completes the link with it, and link requests over the limit are
//! 429 with `Retry-After` and the spec's error body.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use aa_core::registry::Role;
use aa_testkit::fakes::FakeSmsGateway;
use aa_testkit::{keys, post_signed, Answer, Ecosystem, Party, ServiceBinary};
use fip_service::persistence::migration::Migrator;
use fip_service::persistence::Store;
use sea_orm_migration::MigratorTrait;
use serde_json::{json, Value};

const HANDLE: &str = "9999999999@AA-1";
/// The SMS gateway's key, as the FIP sends it in `Authorization`.
const TOKEN: &str = "Bearer an sms gateway key of 32 bytes";

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

/// Production's OTP delivery: an SMS gateway (none listens: these tests send no OTP).
fn gateway_vars() -> Vec<(String, String)> {
    [
        ("MODE", "http"),
        ("URL", "http://127.0.0.1:9/sms"),
        ("HEADER", "Authorization"),
        ("TOKEN", TOKEN),
        ("TEMPLATE", "Bank code {otp} links your accounts"),
    ]
    .into_iter()
    .map(|(k, v)| (format!("FIP__OTP__DELIVERY__{k}"), v.to_owned()))
    .collect()
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
            .envs(PRODUCTION.iter().map(|(k, v)| (format!("FIP__{k}"), *v)))
            .envs(gateway_vars());
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
        .envs(gateway_vars())
        .envs(
            eco.identity_vars("FIP-1")
                .into_iter()
                .map(|(k, v)| (format!("FIP__{k}"), v)),
        );
    let logged = fip.serve_until_listening(command).unwrap();
    assert!(logged.contains("no seed in production"), "{logged}");
    assert!(!logged.contains("seed loaded"), "{logged}");
}

fn envelope(extra: Value) -> Value {
    let mut body = json!({
        "ver": "2.0.0",
        "timestamp": aa_core::timefmt::now_millis(),
        "txnid": uuid::Uuid::new_v4().to_string(),
    });
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    body
}

async fn post(eco: &Ecosystem, url: &str, path: &str, body: &Value) -> Answer {
    let key = eco.api_key("AA-1");
    post_signed(
        &format!("{url}{path}"),
        Some(("aa_api_key", &key)),
        Some(&eco.signer("AA-1")),
        &serde_json::to_vec(body).unwrap(),
    )
    .await
}

#[tokio::test]
async fn in_production_linking_otps_reach_the_gateway_never_the_log_and_the_third_link_is_429() {
    let gateway = FakeSmsGateway::start("Authorization", &[]);
    let port = aa_testkit::free_port();
    let eco = Ecosystem::new(vec![
        Party::new("AA-1", Role::Aa, keys::AA_1, "http://127.0.0.1:9"),
        Party::new(
            "FIP-1",
            Role::Fip,
            keys::FIP_1,
            &format!("http://127.0.0.1:{port}"),
        ),
    ]);
    // Production loads no seed: the bank's customers are in its database already (here, the
    // sample bank's, written before the FIP starts).
    let database = aa_testkit::fresh_postgres_database().await;
    let seed = fip_service::bank::seed::SeedFile::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("configuration/seed/fip-1.yaml"),
    )
    .unwrap();
    Store::connect(&aa_runtime::settings::Secret::new(database.clone()), 1)
        .await
        .unwrap()
        .load_seed(&seed, fip_service::bank::dates::today_ist())
        .await
        .unwrap();
    let mut vars = eco.identity_vars("FIP-1");
    vars.extend(gateway.delivery_vars(TOKEN, "Bank code {otp} links your accounts"));
    vars.extend([
        ("DATABASE__URL", database),
        (
            "OTP__PEPPER",
            "a production pepper of 32 bytes or more".to_owned(),
        ),
        (
            "FI__MASTER_KEY",
            "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=".to_owned(),
        ),
        ("RATE_LIMITS__OTP_SENDS_PER_CUSTOMER", "2".to_owned()),
    ]);
    let fip = binary().serve("production", port, &vars).await;
    let url = fip.base_url.clone();

    let discovered = post(
        &eco,
        &url,
        "/Accounts/discover",
        &envelope(json!({
            "Customer": {"id": HANDLE, "Identifiers": [
                {"category": "STRONG", "type": "MOBILE", "value": "9999999999"}]},
            "FITypes": ["DEPOSIT"],
        })),
    )
    .await;
    assert_eq!(discovered.status, 200, "{}", discovered.body);
    let accounts = discovered.body["DiscoveredAccounts"].clone();
    let link = || envelope(json!({"Customer": {"id": HANDLE, "Accounts": accounts}}));
    let first = post(&eco, &url, "/Accounts/link", &link()).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let second = post(&eco, &url, "/Accounts/link", &link()).await;
    assert_eq!(second.status, 200, "{}", second.body);
    let ref_number = second.body["RefNumber"].as_str().unwrap().to_owned();

    let third_body = link();
    let key = eco.api_key("AA-1");
    let third = reqwest::Client::new()
        .post(format!("{url}/Accounts/link"))
        .header("aa_api_key", key)
        .header(
            "x-jws-signature",
            aa_core::jws::detached::sign(
                &eco.signer("AA-1"),
                &serde_json::to_vec(&third_body).unwrap(),
            ),
        )
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&third_body).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(third.status(), 429);
    let wait: u64 = third.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&wait), "Retry-After {wait}");
    assert!(third.headers().contains_key("x-jws-signature"));
    let error: Value = serde_json::from_slice(&third.bytes().await.unwrap()).unwrap();
    assert_eq!(error["errorCode"], "ServiceUnavailable");
    assert_eq!(error["txnid"], third_body["txnid"]);
    assert_eq!(error["ver"], "2.0.0");
    assert!(
        error["timestamp"].is_string() && error["errorMsg"].is_string(),
        "{error}"
    );

    let sms = aa_testkit::eventually("the second OTP at the gateway", || {
        gateway
            .received()
            .into_iter()
            .position(|r| r.body["reference"] == ref_number.as_str())
    })
    .await;
    let received = gateway.received();
    assert_eq!(
        received[sms].auth.as_deref(),
        Some("Bearer an sms gateway key of 32 bytes")
    );
    assert_eq!(received[sms].body["to"], "9999999999");
    let otp = gateway.otp(sms).unwrap();
    let verified = post(
        &eco,
        &url,
        "/Accounts/link/verify",
        &envelope(json!({"refNumber": ref_number, "token": otp})),
    )
    .await;
    assert_eq!(verified.status, 200, "{}", verified.body);

    let log = fip.log();
    assert!(log.contains("OTP queued for the SMS gateway"), "{log}");
    for index in 0..received.len() {
        let code = gateway.otp(index).unwrap();
        assert!(
            !log.contains(&code),
            "OTP {code} is in the production log:\n{log}"
        );
    }
}
