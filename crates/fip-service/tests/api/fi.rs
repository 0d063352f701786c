//! The FI data flow: `POST /FI/request`, background preparation, `POST /FI/Notification` to
//! the AA, and `POST /FI/fetch` / `GET /FI/fetch/{sessionId}`. The test plays the FIU too: it
//! makes its own KeyMaterial, decrypts what the FIP serves, parses the FI XML and compares it
//! with the bank's own statement (`GET /bank/links/{ref}/statement`) after range, consent
//! types and DataFilter.

use std::time::{Duration, Instant};

use aa_core::fi_crypto::key_material::{self, Ephemeral};
use aa_core::fi_crypto::Curve;
use aa_core::fi_data::Account;
use aa_core::rebit::KeyMaterial;
use aa_core::timefmt;
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::helpers::{
    artefact, assert_error, consent_notification, now, txnid, Db, Options, TestApp, BANK_TOKEN,
    HANDLE,
};

/// Every link of the demo customer: (linkRefNumber, maskedAccNumber, FIType).
pub async fn link_everything(app: &TestApp) -> Vec<(String, String, String)> {
    let discovered = app.discover().await;
    let verified = app.link_all().await;
    verified["AccLinkDetails"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let account = discovered
                .iter()
                .find(|a| a["accRefNumber"] == l["accRefNumber"])
                .unwrap();
            (
                l["linkRefNumber"].as_str().unwrap().to_owned(),
                account["maskedAccNumber"].as_str().unwrap().to_owned(),
                account["FIType"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

pub fn fi_detail(
    links: &[(String, String, String)],
    consent_types: &[&str],
    filter: Value,
) -> Value {
    let accounts: Vec<Value> = links
        .iter()
        .map(|(link, masked, fi_type)| {
            // As the seed holds them: deposits are SAVINGS, the rest DEFAULT.
            let acc_type = if fi_type == "DEPOSIT" {
                "SAVINGS"
            } else {
                "DEFAULT"
            };
            json!({"fiType": fi_type, "fipId": "FIP-1", "accType": acc_type,
                   "linkRefNumber": link, "maskedAccNumber": masked})
        })
        .collect();
    let mut detail = json!({
        "consentStart": now(),
        "consentExpiry": "2099-12-31T00:00:00.000Z",
        "consentMode": "STORE",
        "fetchType": "PERIODIC",
        "consentTypes": consent_types,
        "fiTypes": ["DEPOSIT", "TERM_DEPOSIT", "RECURRING_DEPOSIT"],
        "DataConsumer": {"id": "FIU-1", "type": "FIU"},
        "DataProvider": {"id": "FIP-1", "type": "FIP"},
        "Customer": {"id": HANDLE},
        "Accounts": accounts,
        "Purpose": {"code": "101", "refUri": "https://api.rebit.org.in/aa/purpose/101.xml",
                    "text": "Wealth management service", "Category": {"type": "string"}},
        "FIDataRange": {"from": "2000-01-01T00:00:00.000Z", "to": "2099-01-01T00:00:00.000Z"},
        "DataLife": {"unit": "MONTH", "value": 6},
        "Frequency": {"unit": "MONTH", "value": 5},
    });
    if !filter.is_null() {
        detail["DataFilter"] = filter;
    }
    detail
}

/// Stores a consent over `links`; returns (consentId, digitalSignature).
pub async fn consent(app: &TestApp, detail: &Value) -> (String, String) {
    let consent_id = uuid::Uuid::new_v4().to_string();
    let body = artefact(&consent_id, detail, &app.eco.signer("AA-1"));
    let answer = app.post("/Consent", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let signature = body["signedConsent"]
        .as_str()
        .unwrap()
        .rsplit('.')
        .next()
        .unwrap()
        .to_owned();
    (consent_id, signature)
}

pub fn fiu_key(curve: Curve, valid_for: time::Duration) -> Ephemeral {
    key_material::generate(curve, OffsetDateTime::now_utc() + valid_for).unwrap()
}

pub fn fi_request(
    consent_id: &str,
    signature: &str,
    from: &str,
    to: &str,
    km: &KeyMaterial,
) -> Value {
    json!({
        "ver": "2.0.0",
        "timestamp": now(),
        "txnid": txnid(),
        "FIDataRange": {"from": from, "to": to},
        "Consent": {"id": consent_id, "digitalSignature": signature},
        "KeyMaterial": km,
    })
}

pub fn fetch_body(session_id: &str) -> Value {
    json!({"ver": "2.0.0", "timestamp": now(), "txnid": txnid(), "sessionId": session_id})
}

/// Polls until the AA has the FI notification of `session_id`; returns it.
pub async fn notified(app: &TestApp, session_id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let found = app
            .aa_inbox
            .lock()
            .unwrap()
            .fi_notifications
            .iter()
            .find(|n| n["FIStatusNotification"]["sessionId"] == session_id)
            .cloned();
        if let Some(found) = found {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "no FI notification for {session_id}"
        );
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn statement(app: &TestApp, link: &str, from: &str, to: &str) -> Value {
    let response = reqwest::Client::new()
        .get(format!("{}/bank/links/{link}/statement", app.url))
        .query(&[("from", from), ("to", to)])
        .header("authorization", format!("Bearer {BANK_TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

/// Decrypts every account of a fetch answer with the FIU's key: linkRefNumber → document.
pub fn decrypt_all(fiu: &Ephemeral, answer: &Value) -> Vec<(String, String, Account)> {
    let now = OffsetDateTime::now_utc();
    let mut out = Vec::new();
    let mut fip_keys = std::collections::HashSet::new();
    for entry in answer["FI"].as_array().unwrap() {
        assert_eq!(entry["fipID"], "FIP-1");
        let km: KeyMaterial = serde_json::from_value(entry["KeyMaterial"].clone()).unwrap();
        assert!(
            fip_keys.insert(km.dh_public_key.key_value.clone()),
            "a key was reused"
        );
        assert_eq!(km.curve.as_str(), fiu.key_material.curve.as_str());
        let fip = key_material::read(&km, now).unwrap();
        for data in entry["data"].as_array().unwrap() {
            let xml = fiu
                .decrypt_from(&fip, data["encryptedFI"].as_str().unwrap())
                .unwrap();
            let account = Account::from_xml(&xml).unwrap();
            assert_eq!(
                account.linked_acc_ref,
                data["linkRefNumber"].as_str().unwrap()
            );
            assert_eq!(
                account.masked_acc_number,
                data["maskedAccNumber"].as_str().unwrap()
            );
            out.push((
                data["linkRefNumber"].as_str().unwrap().to_owned(),
                String::from_utf8(xml).unwrap(),
                account,
            ));
        }
    }
    out
}

fn rfc3339(at: OffsetDateTime) -> String {
    timefmt::format_millis(at)
}

/// The whole flow on `curve`: request, notification, fetch, decrypt, compare.
pub async fn full_flow(app: &TestApp, curve: Curve, legacy_get: bool) {
    let links = link_everything(app).await;
    assert!(links.len() >= 2, "{links:?}");
    let consent_types: &[&str] = if legacy_get {
        &["SUMMARY", "TRANSACTIONS"]
    } else {
        &["PROFILE", "SUMMARY", "TRANSACTIONS"]
    };
    let filter = json!([{"type": "TRANSACTIONAMOUNT", "operator": ">=", "value": "500"}]);
    let (consent_id, signature) = consent(app, &fi_detail(&links, consent_types, filter)).await;
    let fiu = fiu_key(curve, time::Duration::hours(1));
    let to = OffsetDateTime::now_utc() + time::Duration::days(1);
    let from = to - time::Duration::days(200);
    let (from, to) = (rfc3339(from), rfc3339(to));
    let body = fi_request(&consent_id, &signature, &from, &to, &fiu.key_material);
    let answer = app.post("/FI/request", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["txnid"], body["txnid"]);
    assert_eq!(answer.body["consentId"], consent_id);
    let session_id = answer.body["sessionId"].as_str().unwrap().to_owned();
    uuid::Uuid::parse_str(&session_id).unwrap();

    let notification = notified(app, &session_id).await;
    assert_eq!(
        notification["Notifier"],
        json!({"type": "FIP", "id": "FIP-1"})
    );
    let update = &notification["FIStatusNotification"];
    assert_eq!(update["sessionStatus"], "ACTIVE");
    let statuses = update["FIStatusResponse"][0]["Accounts"]
        .as_array()
        .unwrap();
    assert_eq!(statuses.len(), links.len());
    assert!(
        statuses.iter().all(|a| a["FIStatus"] == "READY"),
        "{statuses:?}"
    );

    let answer = if legacy_get {
        app.request_as_aa("GET", &format!("/FI/fetch/{session_id}"), None)
            .await
    } else {
        app.post("/FI/fetch", &fetch_body(&session_id)).await
    };
    assert_eq!(answer.status, 200, "{}", answer.body);
    let accounts = decrypt_all(&fiu, &answer.body);
    assert_eq!(accounts.len(), links.len());
    let mut compared = 0;
    for (link, _, account) in &accounts {
        let (_, masked, fi_type) = links.iter().find(|l| &l.0 == link).unwrap();
        assert_eq!(&account.masked_acc_number, masked);
        assert_eq!(account.fi_type.as_str(), fi_type.as_str());
        assert_eq!(account.profile.is_some(), !legacy_get);
        assert!(account.summary.is_some());
        let transactions = account.transactions.as_ref().unwrap();
        let bank = statement(app, link, &from, &to).await;
        let expected: Vec<&Value> = bank["transactions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["amount"].as_str().unwrap().parse::<f64>().unwrap() >= 500.0)
            .collect();
        assert_eq!(transactions.list.len(), expected.len(), "{link}");
        for (got, want) in transactions.list.iter().zip(&expected) {
            assert_eq!(got.get("txnId"), want["txnId"].as_str());
            assert_eq!(got.get("amount"), want["amount"].as_str());
            assert_eq!(got.get("narration"), want["narration"].as_str());
            assert_eq!(got.get("type"), want["type"].as_str());
            assert_eq!(got.get("mode"), want["mode"].as_str());
            assert_eq!(got.get("valueDate"), want["valueDate"].as_str());
            let at = got
                .get("transactionTimestamp")
                .or(got.get("transactionDateTime"));
            assert_eq!(at, want["timestamp"].as_str());
            compared += 1;
        }
        // The filter did remove something somewhere, or the statement had nothing small.
        let all = bank["transactions"].as_array().unwrap().len();
        assert!(expected.len() <= all);
    }
    assert!(compared > 10, "too few transactions compared: {compared}");
}

#[actix_web::test]
async fn data_is_prepared_encrypted_for_the_fiu_on_x25519_and_fetched() {
    let app = TestApp::spawn().await;
    full_flow(&app, Curve::X25519, false).await;
}

#[actix_web::test]
async fn data_is_served_on_curve25519_and_by_the_legacy_get() {
    let app = TestApp::spawn().await;
    full_flow(&app, Curve::Curve25519, true).await;
}

pub async fn setup(app: &TestApp) -> (String, String, Ephemeral) {
    let links = link_everything(app).await;
    let (consent_id, signature) = consent(
        app,
        &fi_detail(&links, &["SUMMARY", "TRANSACTIONS"], Value::Null),
    )
    .await;
    (
        consent_id,
        signature,
        fiu_key(Curve::X25519, time::Duration::hours(1)),
    )
}

pub const FROM: &str = "2020-01-01T00:00:00.000Z";
pub const TO: &str = "2030-01-01T00:00:00.000Z";

#[actix_web::test]
async fn requests_that_break_a_rule_get_the_specs_code() {
    let app = TestApp::spawn().await;
    let (consent_id, signature, fiu) = setup(&app).await;
    let km = &fiu.key_material;

    let mut wrong = signature.clone().into_bytes();
    wrong[5] = if wrong[5] == b'A' { b'B' } else { b'A' };
    let body = fi_request(
        &consent_id,
        &String::from_utf8(wrong).unwrap(),
        FROM,
        TO,
        km,
    );
    assert_error(
        &app.post("/FI/request", &body).await,
        400,
        "SignatureDoesNotMatch",
        Some(&body),
    );

    let body = fi_request(&uuid::Uuid::new_v4().to_string(), &signature, FROM, TO, km);
    assert_error(
        &app.post("/FI/request", &body).await,
        400,
        "InvalidConsentId",
        Some(&body),
    );

    let body = fi_request(&consent_id, &signature, "1999-12-31T00:00:00.000Z", TO, km);
    assert_error(
        &app.post("/FI/request", &body).await,
        400,
        "InvalidDateRange",
        Some(&body),
    );
    let body = fi_request(&consent_id, &signature, TO, FROM, km);
    assert_error(
        &app.post("/FI/request", &body).await,
        400,
        "InvalidDateRange",
        Some(&body),
    );

    let expired = fiu_key(Curve::X25519, time::Duration::seconds(-1));
    let body = fi_request(&consent_id, &signature, FROM, TO, &expired.key_material);
    assert_error(
        &app.post("/FI/request", &body).await,
        400,
        "InvalidKey",
        Some(&body),
    );
    let mut broken = km.clone();
    broken.dh_public_key.key_value = "not a key".into();
    let body = fi_request(&consent_id, &signature, FROM, TO, &broken);
    assert_error(
        &app.post("/FI/request", &body).await,
        400,
        "InvalidKey",
        Some(&body),
    );

    // Another AA cannot use AA-1's consent.
    let body = fi_request(&consent_id, &signature, FROM, TO, km);
    assert_error(
        &app.post_as("AA-2", "/FI/request", &body).await,
        400,
        "InvalidConsentId",
        Some(&body),
    );

    // A paused, then revoked consent.
    for (status, code) in [("PAUSED", "ConsentPaused"), ("REVOKED", "ConsentRevoked")] {
        let note = consent_notification(&consent_id, status, "AA-1");
        assert_eq!(app.post("/Consent/Notification", &note).await.status, 200);
        let body = fi_request(&consent_id, &signature, FROM, TO, km);
        assert_error(
            &app.post("/FI/request", &body).await,
            403,
            code,
            Some(&body),
        );
    }
    assert!(app.aa_inbox.lock().unwrap().fi_notifications.is_empty());
}

/// Stores a `PENDING` session of `consent_id` behind the worker's back (the app's poll must be
/// long, so it stays pending); returns its id.
pub async fn pending_session(app: &TestApp, consent_id: &str, fiu: &Ephemeral) -> String {
    let session_id = uuid::Uuid::new_v4().to_string();
    app.store
        .create_fi_session(fip_service::persistence::fi_sessions::NewFiSession {
            session_id: session_id.clone(),
            consent_id: consent_id.to_owned(),
            aa_id: "AA-1".into(),
            txnid: txnid(),
            range_from: FROM.into(),
            range_to: TO.into(),
            from_ms: 1_577_836_800_000,
            to_ms: 1_893_456_000_000,
            key_material: serde_json::to_string(&fiu.key_material).unwrap(),
        })
        .await
        .unwrap();
    session_id
}

#[actix_web::test]
async fn fetching_before_the_data_is_ready_is_404_no_data_found() {
    let app = TestApp::spawn().await;
    let (consent_id, _, fiu) = setup(&app).await;
    let session_id = pending_session(&app, &consent_id, &fiu).await;
    let body = fetch_body(&session_id);
    assert_error(
        &app.post("/FI/fetch", &body).await,
        404,
        "NoDataFound",
        Some(&body),
    );
    let answer = app
        .request_as_aa("GET", &format!("/FI/fetch/{session_id}"), None)
        .await;
    assert_error(&answer, 404, "NoDataFound", None);
    assert_eq!(answer.body["ver"], "1.1.2");
}

#[actix_web::test]
async fn a_session_of_another_aa_or_an_unknown_one_is_400_invalid_session_id() {
    // A long poll: the session below is created behind the worker's back, so it stays
    // pending until the test is done with it.
    let app = TestApp::spawn().await;
    let (consent_id, _, fiu) = setup(&app).await;
    let session_id = pending_session(&app, &consent_id, &fiu).await;
    let body = fetch_body(&uuid::Uuid::new_v4().to_string());
    assert_error(
        &app.post("/FI/fetch", &body).await,
        400,
        "InvalidSessionId",
        Some(&body),
    );
    let body = fetch_body(&session_id);
    assert_error(
        &app.post_as("AA-2", "/FI/fetch", &body).await,
        400,
        "InvalidSessionId",
        Some(&body),
    );
    let answer = app
        .request_as_aa("GET", &format!("/FI/fetch/{}", uuid::Uuid::new_v4()), None)
        .await;
    assert_error(&answer, 400, "InvalidSessionId", None);
}

#[actix_web::test]
async fn prepared_data_is_sealed_at_rest() {
    let app = TestApp::spawn().await;
    let (consent_id, signature, fiu) = setup(&app).await;
    let body = fi_request(&consent_id, &signature, FROM, TO, &fiu.key_material);
    let answer = app.post("/FI/request", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let session_id = answer.body["sessionId"].as_str().unwrap().to_owned();
    notified(&app, &session_id).await;
    let answer = app.post("/FI/fetch", &fetch_body(&session_id)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let accounts = decrypt_all(&fiu, &answer.body);
    assert!(!accounts.is_empty());

    let dir = app.eco.dir.path().join("fip-1");
    let mut stored = Vec::new();
    for name in ["fip-service.db", "fip-service.db-wal"] {
        if let Ok(bytes) = std::fs::read(dir.join(name)) {
            stored.extend(bytes);
        }
    }
    assert!(stored.len() > 10_000);
    let contains = |needle: &[u8]| stored.windows(needle.len()).any(|w| w == needle);
    assert!(!contains(b"FISchema"), "FI XML is stored in the clear");
    assert!(!contains(b"<Transactions"), "FI XML is stored in the clear");
    for entry in answer.body["FI"].as_array().unwrap() {
        let encrypted = entry["data"][0]["encryptedFI"].as_str().unwrap();
        assert!(
            !contains(&encrypted.as_bytes()[..48]),
            "encryptedFI is stored unsealed"
        );
        let key = entry["KeyMaterial"]["DHPublicKey"]["KeyValue"]
            .as_str()
            .unwrap();
        assert!(
            !contains(&key.as_bytes()[..32]),
            "the FIP's KeyMaterial is stored unsealed"
        );
    }
    // The master key is in its file, not in the database.
    let master = std::fs::read_to_string(dir.join("fip-master.key")).unwrap();
    assert!(!contains(master.trim().as_bytes()));
}

#[actix_web::test]
async fn the_flow_works_on_postgres() {
    let app = TestApp::spawn_with(Options {
        db: Db::Postgres,
        ..Options::default()
    })
    .await;
    full_flow(&app, Curve::X25519, false).await;
}
