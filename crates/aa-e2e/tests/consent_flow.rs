//! End to end over the real binaries (AA, two FIPs, FIU) on loopback: a customer logs in to the
//! AA, discovers and links accounts at both FIPs with their OTPs, an FIU asks for consent, the
//! customer approves, and the signed artefacts reach the FIU (verified) and both FIPs. Run on
//! SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use aa_core::jws::compact;
use aa_core::registry::Role;
use aa_e2e::{Local, Storage, FIU_APP_TOKEN};
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

const HANDLE: &str = "9999999999@AA-1";

async fn call(method: &str, url: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    let client = reqwest::Client::new();
    let mut request = client.request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), url);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn ok(
    local: &Local,
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Value {
    let (status, value) = call(method, url, token, body).await;
    assert!(
        (200..300).contains(&status),
        "{method} {url} -> {status} {value}\n{}",
        local.logs()
    );
    value
}

fn s(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_owned()
}

async fn walk(storage: Storage) {
    let local = Local::start(storage).await;
    let aa = local.service("aa-service").base_url.clone();
    let fiu = local.service("fiu-service").base_url.clone();

    // Log in to the AA with an OTP read from its sandbox endpoint.
    let asked = ok(
        &local,
        "POST",
        &format!("{aa}/customer/otp"),
        None,
        Some(json!({"handle": HANDLE})),
    )
    .await;
    let otp_ref = s(&asked["otpRef"]);
    let otp = ok(
        &local,
        "GET",
        &format!("{aa}/sandbox/otp/{otp_ref}"),
        None,
        None,
    )
    .await;
    let session = ok(
        &local,
        "POST",
        &format!("{aa}/customer/session"),
        None,
        Some(json!({"handle": HANDLE, "otpRef": otp_ref, "otp": s(&otp["otp"])})),
    )
    .await;
    let session_token = s(&session["token"]);
    let token = Some(session_token.as_str());

    // Discover at both FIPs, then link everything found with each FIP's OTP.
    let found = ok(
        &local,
        "POST",
        &format!("{aa}/customer/discover"),
        token,
        Some(json!({"fipIds": ["FIP-1", "FIP-2"]})),
    )
    .await;
    let mut linked = Vec::new();
    for fip in found["fips"].as_array().unwrap() {
        let fip_id = s(&fip["fipId"]);
        let refs: Vec<String> = fip["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| s(&a["accRefNumber"]))
            .collect();
        assert!(!refs.is_empty(), "no accounts at {fip_id}: {found}");
        let started = ok(
            &local,
            "POST",
            &format!("{aa}/customer/link"),
            token,
            Some(json!({"fipId": fip_id, "accounts": refs})),
        )
        .await;
        let ref_number = s(&started["refNumber"]);
        let fip_url = local.eco.party(&fip_id).base_url.clone();
        let fip_otp = ok(
            &local,
            "GET",
            &format!("{fip_url}/sandbox/otp/{ref_number}"),
            None,
            None,
        )
        .await;
        let verified = ok(
            &local,
            "POST",
            &format!("{aa}/customer/link/verify"),
            token,
            Some(json!({"fipId": fip_id, "refNumber": ref_number, "otp": s(&fip_otp["otp"])})),
        )
        .await;
        for account in verified["accounts"].as_array().unwrap() {
            linked.push(s(&account["linkRefNumber"]));
        }
    }
    let accounts = ok(
        &local,
        "GET",
        &format!("{aa}/customer/accounts"),
        token,
        None,
    )
    .await;
    assert_eq!(accounts.as_array().unwrap().len(), linked.len());

    // The FIU asks for consent; the customer sees it pending and approves it.
    let templates = ok(
        &local,
        "GET",
        &format!("{fiu}/app/templates"),
        Some(FIU_APP_TOKEN),
        None,
    )
    .await;
    let template = s(&templates[0]["name"]);
    let requested = ok(
        &local,
        "POST",
        &format!("{fiu}/app/consents"),
        Some(FIU_APP_TOKEN),
        Some(json!({"customer": HANDLE, "template": template})),
    )
    .await;
    let handle = s(&requested["consentHandle"]);
    let pending = ok(
        &local,
        "GET",
        &format!("{aa}/customer/consents?status=PENDING"),
        token,
        None,
    )
    .await;
    assert!(
        pending
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["consentHandle"] == handle.as_str()),
        "{pending}"
    );
    let approved = ok(
        &local,
        "POST",
        &format!("{aa}/customer/consents/{handle}/approve"),
        token,
        Some(json!({"accounts": linked})),
    )
    .await;
    let consent_ids: Vec<String> = approved["consentIds"]
        .as_array()
        .unwrap()
        .iter()
        .map(s)
        .collect();
    assert_eq!(consent_ids.len(), 2, "one artefact per FIP: {approved}");

    // The FIU ends up holding both artefacts, ACTIVE and verified.
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        let status = ok(
            &local,
            "GET",
            &format!("{fiu}/app/consents/{handle}"),
            Some(FIU_APP_TOKEN),
            None,
        )
        .await;
        let artefacts = status["artefacts"].as_array().cloned().unwrap_or_default();
        let done = artefacts.len() == 2
            && artefacts
                .iter()
                .all(|a| a["status"] == "ACTIVE" && a["verified"] == true);
        if done {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "FIU never held both artefacts: {status}\n{}",
            local.logs()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let mut fips: Vec<String> = status["artefacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| s(&a["fipId"]))
        .collect();
    fips.sort();
    assert_eq!(fips, ["FIP-1", "FIP-2"]);

    // Independently of the FIU: fetch each artefact from the AA as FIU-1 and verify the AA's
    // signature ourselves.
    let aa_key = local.eco.signer("AA-1").verifying_key();
    for consent_id in &consent_ids {
        let body = serde_json::to_vec(&json!({
            "ver": "2.0.0",
            "timestamp": aa_core::timefmt::now_millis(),
            "txnid": uuid::Uuid::new_v4().to_string(),
            "consentId": consent_id,
        }))
        .unwrap();
        let key = aa_testkit::mint_api_key("FIU-1", Role::Fiu, 600);
        let answer = aa_testkit::post_signed(
            &format!("{aa}/Consent/fetch"),
            Some(("client_api_key", &key)),
            Some(&local.eco.signer("FIU-1")),
            &body,
        )
        .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        let signed = s(&answer.body["signedConsent"]);
        let verified =
            compact::verify(&signed, |kid| (kid == aa_key.kid()).then_some(&aa_key)).unwrap();
        let detail: Value = serde_json::from_slice(&verified.payload).unwrap();
        assert_eq!(detail["Customer"]["id"], HANDLE);
        assert_eq!(detail["DataConsumer"]["id"], "FIU-1");
    }

    // Both FIPs hold their artefact, ACTIVE: the AA's outbox delivered `POST /Consent` to each,
    // and each FIP verified and stored it. Read from each FIP's own database.
    let deadline = Instant::now() + Duration::from_secs(30);
    for fip in ["fip-service-FIP-1", "fip-service-FIP-2"] {
        let service = local.service(fip);
        let url = service.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=ro",
                service.data_dir.join("fip-service.db").display()
            )
        });
        let db = sea_orm::Database::connect(url).await.unwrap();
        loop {
            let rows = db
                .query_all(sea_orm::Statement::from_string(
                    db.get_database_backend(),
                    "SELECT consent_id, status FROM consents".to_owned(),
                ))
                .await
                .unwrap();
            let held: Vec<(String, String)> = rows
                .iter()
                .map(|r| {
                    (
                        r.try_get("", "consent_id").unwrap(),
                        r.try_get("", "status").unwrap(),
                    )
                })
                .collect();
            if held.len() == 1 && consent_ids.contains(&held[0].0) && held[0].1 == "ACTIVE" {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{fip} holds {held:?}\n{}",
                local.logs()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    // The same state through the `aa` tool, as a person walking the flow would see it.
    let aa_tool = |args: &[&str]| {
        let out = std::process::Command::new(aa_e2e::binary("aa"))
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "aa {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let listed = aa_tool(&[
        "customer",
        "--aa",
        &aa,
        "--token",
        &session_token,
        "accounts",
    ]);
    assert_eq!(listed.as_array().unwrap().len(), linked.len());
    let shown = aa_tool(&[
        "fiu",
        "--fiu",
        &fiu,
        "--token",
        FIU_APP_TOKEN,
        "status",
        &handle,
    ]);
    assert_eq!(shown["artefacts"].as_array().unwrap().len(), 2);

    // Nothing secret in the AA's log: no JWS, no API key.
    let aa_log = std::fs::read_to_string(&local.service("aa-service").log).unwrap();
    assert!(
        !aa_log.contains("eyJhbGciOiJSUzI1NiI"),
        "a JWS or token was logged by the AA"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_flow_end_to_end_on_sqlite() {
    walk(Storage::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_flow_end_to_end_on_postgresql() {
    walk(Storage::Postgres).await;
}
