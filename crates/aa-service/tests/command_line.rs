//! The binary's command line: `aa-service migrate` applies the migrations and exits; a command,
//! an environment or a setting it does not know stops it before anything runs, as does a
//! production configuration without a database; `config check` prints no secret; a bad
//! database URL fails fast without its password in the log; `rewrap` is refused (the AA has no
//! master keys). In production, as an operator runs
//! it, login OTPs go to the SMS gateway (a fake on loopback) through the queue and never into
//! the service's log, and the sends over the limit are 429 with `Retry-After`.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use aa_core::registry::Role;
use aa_service::persistence::migration::Migrator;
use aa_testkit::fakes::FakeSmsGateway;
use aa_testkit::{keys, Ecosystem, Party, ServiceBinary};
use sea_orm_migration::MigratorTrait;
use serde_json::json;

/// The SMS gateway's key, as the AA sends it in `X-Sms-Key`.
const TOKEN: &str = "an sms gateway key of 32 bytes or more";

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

/// POSTs `body` as JSON: status, headers, body.
async fn post(
    url: String,
    body: serde_json::Value,
) -> (u16, reqwest::header::HeaderMap, serde_json::Value) {
    let answer = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&body).unwrap())
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let headers = answer.headers().clone();
    let bytes = answer.bytes().await.unwrap();
    (
        status,
        headers,
        serde_json::from_slice(&bytes).unwrap_or_default(),
    )
}

#[tokio::test]
async fn in_production_login_otps_reach_the_gateway_never_the_log_and_the_fourth_send_is_429() {
    let gateway = FakeSmsGateway::start("X-Sms-Key", &[503]);
    let port = aa_testkit::free_port();
    let ecosystem = Ecosystem::new(vec![Party::new(
        "AA-1",
        Role::Aa,
        keys::AA_1,
        &format!("http://127.0.0.1:{port}"),
    )]);
    let mut vars = ecosystem.identity_vars("AA-1");
    vars.extend(gateway.delivery_vars(TOKEN, "{otp} is your AA login code"));
    vars.extend([
        ("DATABASE__URL", aa_testkit::fresh_postgres_database().await),
        (
            "AUTH__PEPPER",
            "a production pepper of 32 bytes or more".to_owned(),
        ),
        ("QUEUE__FIRST_RETRY_MS", "10".to_owned()),
        ("RATE_LIMITS__OTP_SENDS_PER_CUSTOMER", "3".to_owned()),
    ]);
    let aa = binary().serve("production", port, &vars).await;
    let handle = "9876543210@AA-1";
    let otp_url = format!("{}/customer/otp", aa.base_url);
    for _ in 0..3 {
        let (status, _, body) = post(otp_url.clone(), json!({ "handle": handle })).await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, headers, body) = post(otp_url, json!({ "handle": handle })).await;
    assert_eq!(status, 429, "{body}");
    let wait: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&wait), "Retry-After {wait}");
    assert_eq!(body["error"], "too_many_requests");

    // The gateway's first answer was a 503: the queue tried again; three OTPs arrived.
    aa_testkit::eventually("three OTPs at the gateway", || {
        let received = gateway.received();
        let delivered: std::collections::BTreeSet<String> = received
            .iter()
            .map(|r| r.body["reference"].as_str().unwrap_or("").to_owned())
            .collect();
        (delivered.len() == 3).then_some(())
    })
    .await;
    let received = gateway.received();
    let last = received.last().unwrap();
    assert_eq!(
        last.auth.as_deref(),
        Some("an sms gateway key of 32 bytes or more")
    );
    assert_eq!(last.body["to"], "9876543210");
    let reference = last.body["reference"].as_str().unwrap().to_owned();
    let otp = gateway.otp(received.len() - 1).unwrap();
    assert_eq!(last.body["message"], format!("{otp} is your AA login code"));

    let (status, _, body) = post(
        format!("{}/customer/session", aa.base_url),
        json!({ "handle": handle, "otpRef": reference, "otp": otp }),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let log = aa.log();
    assert!(log.contains("OTP queued for the SMS gateway"), "{log}");
    assert!(log.contains("customer logged in"), "{log}");
    for index in 0..received.len() {
        let code = gateway.otp(index).unwrap();
        assert!(
            !log.contains(&code),
            "OTP {code} is in the production log:\n{log}"
        );
    }
}
