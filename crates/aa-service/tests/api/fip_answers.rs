//! Issue 13: the AA holds every FIP answer to the FIP's 2.0.0 schema (the runtime's client) and
//! checks it against the request it answers and the session it is about
//! (`clients::fip_answer`) before it uses or passes on any of it. The fake FIP plays an FIP that
//! answers badly (signed, but out of schema, or in schema but wrong); each rule leaves the
//! session FAILED with its reason, the FIU notified, the consent unused, and nothing passed to
//! the FIU.

use aa_core::rebit::{FiStatus, SessionStatus};
use aa_service::domain::fi_session::SessionState;
use serde_json::{json, Value};

use crate::fi_support::{active_consent, assert_error, fetch_body, fi_request, fiu_key, settle};
use crate::helpers::{eventually, txnid, World};

type Change = fn(&mut Value);

/// Waits for the FIU's FAILED notification about `session_id`; returns its accounts' statuses
/// and descriptions.
async fn failed_notice(world: &World, session_id: &str) -> Vec<(FiStatus, String)> {
    let told = eventually("the FIU's FAILED notification", || {
        world.fiu_1.fi_received().into_iter().find(|n| {
            n.fi_status_notification.session_id == session_id
                && n.fi_status_notification.session_status == SessionStatus::Failed
        })
    })
    .await;
    told.fi_status_notification.fi_status_response[0]
        .accounts
        .iter()
        .map(|a| (a.fi_status, a.description.clone()))
        .collect()
}

fn tamper(slot: &std::sync::Mutex<Option<aa_testkit::fakes::Tamper>>, change: Option<Change>) {
    *slot.lock().unwrap() = change.map(|c| std::sync::Arc::new(c) as aa_testkit::fakes::Tamper);
}

#[tokio::test]
async fn an_fi_request_answer_with_a_wrong_txnid_ver_timestamp_consent_or_session_id_fails_the_session_and_hands_the_fiu_nothing(
) {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let artefact = &artefacts[0];
    let store = world.store().await.unwrap();
    // A blank or malformed sessionId breaks the schema first (see
    // `aa_refuses_a_fip_fi_request_answer_that_breaks_the_schema`).
    let cases: [(&str, Change); 4] = [
        ("txnid not echoed", |v| {
            v["txnid"] = json!(uuid::Uuid::new_v4().to_string())
        }),
        ("ver is not the request's", |v| v["ver"] = json!("9.9.9")),
        ("timestamp is not within 15 minutes", |v| {
            v["timestamp"] = json!("2020-01-01T00:00:00.000Z")
        }),
        ("answered for another consent", |v| {
            v["consentId"] = json!(uuid::Uuid::new_v4().to_string())
        }),
    ];
    for (rule, change) in cases {
        tamper(&world.fip_1.tamper_fi_request, Some(change));
        let answer = world
            .fi_request("FIU-1", &fi_request(artefact, &fiu_key(), &txnid()))
            .await;
        assert_eq!(answer.status, 200, "{rule}: {}", answer.body);
        let session_id = answer.body["sessionId"].as_str().unwrap();
        assert_eq!(
            world.forwarded(session_id).await,
            SessionState::Failed,
            "{rule}"
        );
        let session = store.fi_session(session_id).await.unwrap().unwrap();
        assert_eq!(
            session.fip_session_id, None,
            "{rule}: the FIP's id not kept"
        );
        let accounts = failed_notice(&world, session_id).await;
        assert_eq!(accounts[0].0, FiStatus::Timeout, "{rule}");
        assert!(accounts[0].1.contains(rule), "{rule}: {}", accounts[0].1);
        let fetched = world
            .rebit_post("FIU-1", "/FI/fetch", &fetch_body(session_id))
            .await;
        assert_error(&fetched, 404, "NoDataFound");
    }
    tamper(&world.fip_1.tamper_fi_request, None);
    assert!(world.fip_1.fi_fetches().is_empty(), "nothing fetched");
    let used = store.artefact(&artefact.consent_id).await.unwrap().unwrap();
    assert_eq!(used.use_count, 0, "no failed session is a use");
    // The same FIP answering well again: the next request is ACTIVE.
    let answer = world
        .fi_request("FIU-1", &fi_request(artefact, &fiu_key(), &txnid()))
        .await;
    let session_id = answer.body["sessionId"].as_str().unwrap();
    assert_eq!(world.forwarded(session_id).await, SessionState::Active);
}

#[tokio::test]
async fn an_fi_fetch_answer_with_another_fips_data_a_foreign_account_bad_key_material_or_a_wrong_envelope_fails_the_session_and_passes_nothing_to_the_fiu(
) {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let artefact = &artefacts[0];
    let store = world.store().await.unwrap();
    let cases: [(&str, Change); 11] = [
        ("data of another FIP", |v| {
            v["FI"][0]["fipID"] = json!("FIP-2")
        }),
        ("not an account of this session", |v| {
            v["FI"][0]["data"][0]["linkRefNumber"] = json!("FIP-2-LINK-FIP-2-ACC-1")
        }),
        ("answered twice", |v| {
            let first = v["FI"][0]["data"][0].clone();
            v["FI"][0]["data"].as_array_mut().unwrap().push(first);
        }),
        ("cryptoAlg is not ECDH", |v| {
            v["FI"][0]["KeyMaterial"]["cryptoAlg"] = json!("RSA")
        }),
        ("params are not the spec's", |v| {
            v["FI"][0]["KeyMaterial"]["params"] = json!("cipher=AES/CBC/PKCS5Padding")
        }),
        ("KeyMaterial is not readable", |v| {
            v["FI"][0]["KeyMaterial"]["DHPublicKey"]["KeyValue"] = json!("garbage")
        }),
        ("KeyMaterial is not readable", |v| {
            v["FI"][0]["KeyMaterial"]["Nonce"] = json!("c2hvcnQ=")
        }),
        ("DHPublicKey has expired", |v| {
            v["FI"][0]["KeyMaterial"]["DHPublicKey"]["expiry"] = json!("2020-01-01T00:00:00.000Z")
        }),
        ("ver is not the request's", |v| v["ver"] = json!("1.1.2")),
        ("txnid not echoed", |v| {
            v["txnid"] = json!(uuid::Uuid::new_v4().to_string())
        }),
        ("timestamp is not within 15 minutes", |v| {
            v["timestamp"] = json!("2020-01-01T00:00:00.000Z")
        }),
    ];
    for (rule, change) in cases {
        world.fip_1.fi_sessions.lock().unwrap().clear();
        let answer = world
            .fi_request("FIU-1", &fi_request(artefact, &fiu_key(), &txnid()))
            .await;
        let session_id = answer.body["sessionId"].as_str().unwrap().to_owned();
        assert_eq!(world.forwarded(&session_id).await, SessionState::Active);
        let (fip_session_id, _) = world.fip_1.only_fi_session();
        settle(&world, &fip_session_id, "READY").await;
        tamper(&world.fip_1.tamper_fi_fetch, Some(change));
        let fetched = world
            .rebit_post("FIU-1", "/FI/fetch", &fetch_body(&session_id))
            .await;
        tamper(&world.fip_1.tamper_fi_fetch, None);
        assert_error(&fetched, 404, "NoDataFound");
        assert!(
            fetched.body.get("FI").is_none(),
            "{rule}: no data passed on"
        );
        let session = store.fi_session(&session_id).await.unwrap().unwrap();
        assert_eq!(session.status, SessionState::Failed, "{rule}");
        let stored = store.fi_accounts(&session_id).await.unwrap();
        assert_eq!(
            stored[0].fi_status,
            FiStatus::Timeout,
            "{rule}: not DELIVERED"
        );
        let accounts = failed_notice(&world, &session_id).await;
        assert!(accounts[0].1.contains(rule), "{rule}: {}", accounts[0].1);
        // Asked again, the FAILED session answers the same, without asking the FIP.
        let fetches = world.fip_1.fi_fetches().len();
        let again = world
            .rebit_post("FIU-1", "/FI/fetch", &fetch_body(&session_id))
            .await;
        assert_error(&again, 404, "NoDataFound");
        assert_eq!(world.fip_1.fi_fetches().len(), fetches, "{rule}");
    }
}

/// What the FIU is told when an FIP's answer breaks the schema.
const OUT_OF_SCHEMA: &str = "the FIP's answer does not match the schema";

#[tokio::test]
async fn aa_refuses_a_fip_fi_request_answer_that_breaks_the_schema() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let artefact = &artefacts[0];
    let store = world.store().await.unwrap();
    let cases: [(&str, Change); 4] = [
        ("a required field missing", |v| {
            v.as_object_mut().unwrap().remove("consentId");
        }),
        ("a required field blank", |v| v["sessionId"] = json!("")),
        ("a number where a string is required", |v| {
            v["sessionId"] = json!(42)
        }),
        ("a non-canonical UUID", |v| {
            let id = v["sessionId"].as_str().unwrap().replace('-', "");
            v["sessionId"] = json!(id.to_uppercase());
        }),
    ];
    for (case, change) in cases {
        tamper(&world.fip_1.tamper_fi_request, Some(change));
        let answer = world
            .fi_request("FIU-1", &fi_request(artefact, &fiu_key(), &txnid()))
            .await;
        assert_eq!(answer.status, 200, "{case}: {}", answer.body);
        let session_id = answer.body["sessionId"].as_str().unwrap();
        assert_eq!(
            world.forwarded(session_id).await,
            SessionState::Failed,
            "{case}"
        );
        let session = store.fi_session(session_id).await.unwrap().unwrap();
        assert_eq!(session.fip_session_id, None, "{case}: nothing kept");
        let accounts = failed_notice(&world, session_id).await;
        assert_eq!(accounts[0].0, FiStatus::Timeout, "{case}");
        assert!(
            accounts[0].1.contains(OUT_OF_SCHEMA),
            "{case}: {}",
            accounts[0].1
        );
    }
    tamper(&world.fip_1.tamper_fi_request, None);
    assert!(world.fip_1.fi_fetches().is_empty(), "nothing fetched");
    let used = store.artefact(&artefact.consent_id).await.unwrap().unwrap();
    assert_eq!(used.use_count, 0, "no failed session is a use");
}

#[tokio::test]
async fn aa_refuses_a_fip_fi_fetch_answer_that_breaks_the_schema() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let artefact = &artefacts[0];
    let store = world.store().await.unwrap();
    let cases: [(&str, Change); 4] = [
        ("a required field missing", |v| {
            v["FI"][0].as_object_mut().unwrap().remove("KeyMaterial");
        }),
        ("a number where a string is required", |v| {
            v["FI"][0]["data"][0]["encryptedFI"] = json!(7)
        }),
        ("a value outside its enum", |v| {
            v["FI"][0]["KeyMaterial"]["curve"] = json!("P-256")
        }),
        ("a non-canonical UUID", |v| {
            let id = v["txnid"].as_str().unwrap().replace('-', "");
            v["txnid"] = json!(id);
        }),
    ];
    for (case, change) in cases {
        world.fip_1.fi_sessions.lock().unwrap().clear();
        let answer = world
            .fi_request("FIU-1", &fi_request(artefact, &fiu_key(), &txnid()))
            .await;
        let session_id = answer.body["sessionId"].as_str().unwrap().to_owned();
        assert_eq!(world.forwarded(&session_id).await, SessionState::Active);
        let (fip_session_id, _) = world.fip_1.only_fi_session();
        settle(&world, &fip_session_id, "READY").await;
        tamper(&world.fip_1.tamper_fi_fetch, Some(change));
        let fetched = world
            .rebit_post("FIU-1", "/FI/fetch", &fetch_body(&session_id))
            .await;
        tamper(&world.fip_1.tamper_fi_fetch, None);
        assert_error(&fetched, 404, "NoDataFound");
        assert!(
            fetched.body.get("FI").is_none(),
            "{case}: nothing passed on"
        );
        let session = store.fi_session(&session_id).await.unwrap().unwrap();
        assert_eq!(session.status, SessionState::Failed, "{case}");
        let stored = store.fi_accounts(&session_id).await.unwrap();
        assert_eq!(
            stored[0].fi_status,
            FiStatus::Timeout,
            "{case}: not DELIVERED"
        );
        let accounts = failed_notice(&world, &session_id).await;
        assert!(
            accounts[0].1.contains(OUT_OF_SCHEMA),
            "{case}: {}",
            accounts[0].1
        );
    }
}
