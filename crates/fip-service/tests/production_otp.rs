//! The FIP binary in production, as a bank runs it: a linking OTP goes to the SMS gateway (a
//! fake on loopback) through the queue and never into the service's log, the AA completes the
//! link with it, and link requests over the limit are 429 with `Retry-After` and the spec's
//! error body.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use aa_core::registry::Role;
use aa_testkit::fakes::FakeSmsGateway;
use aa_testkit::{keys, post_signed, Answer, Ecosystem, Party, ServiceBinary};
use serde_json::{json, Value};

const HANDLE: &str = "9999999999@AA-1";

fn binary() -> ServiceBinary {
    ServiceBinary {
        exe: env!("CARGO_BIN_EXE_fip-service"),
        prefix: "FIP",
        name: "fip-service",
        config_dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("configuration"),
        migrations_table: "seaql_migrations",
    }
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
    let path = |p: std::path::PathBuf| p.display().to_string();
    let vars = [
        ("DATABASE__URL", aa_testkit::fresh_postgres_database().await),
        (
            "OTP__PEPPER",
            "a production pepper of 32 bytes or more".to_owned(),
        ),
        (
            "FI__MASTER_KEY",
            "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=".to_owned(),
        ),
        ("IDENTITY__ENTITY_ID", "FIP-1".to_owned()),
        ("IDENTITY__SIGNING_KID", "fip-1-sig".to_owned()),
        ("IDENTITY__API_KEYS__MODE", "mint".to_owned()),
        (
            "IDENTITY__API_KEYS__ISSUER_ID",
            aa_testkit::ISSUER_ID.to_owned(),
        ),
        (
            "IDENTITY__API_KEYS__ISSUER_KID",
            aa_testkit::ISSUER_KID.to_owned(),
        ),
        (
            "IDENTITY__SIGNING_KEY__FILE",
            path(eco.signing_key_file("FIP-1")),
        ),
        ("IDENTITY__REGISTRY_FILE", path(eco.registry_file.clone())),
        (
            "IDENTITY__API_KEYS__ISSUER_KEY__FILE",
            path(eco.issuer_key_file()),
        ),
        ("OTP__DELIVERY__URL", gateway.url.clone()),
        ("OTP__DELIVERY__HEADER", "Authorization".to_owned()),
        (
            "OTP__DELIVERY__TOKEN",
            "Bearer an sms gateway key of 32 bytes".to_owned(),
        ),
        (
            "OTP__DELIVERY__TEMPLATE",
            "Bank code {otp} links your accounts".to_owned(),
        ),
        ("RATE_LIMITS__OTP_SENDS_PER_CUSTOMER", "2".to_owned()),
    ];
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
