//! Idempotency of the notifications the AA receives: the same txnid and body again is the same
//! answer with no second effect; the same txnid with another body is 409 `IdempotencyError`;
//! the scope is (caller, endpoint).

use serde_json::{json, Value};

use crate::fi_support::{
    active_consent, assert_error, fetch_body, fi_request, fip_notification, fiu_key,
};
use crate::helpers::{eventually, now, txnid, World, HANDLE};

fn link_notification(txnid: &str, link: &str, status: &str) -> Value {
    json!({
        "ver": "2.0.0",
        "timestamp": now(),
        "txnid": txnid,
        "Notifier": { "type": "FIP", "id": "FIP-1" },
        "AccountLinkStatusNotification": {
            "accRefNumber": "FIP-1-ACC-1",
            "customerAddress": HANDLE,
            "linkRefNumber": link,
            "linkStatus": status
        }
    })
}

#[tokio::test]
async fn a_repeated_fi_notification_is_the_same_answer_and_another_body_under_its_txnid_is_409_idempotency_error(
) {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let opened = world
        .fi_request("FIU-1", &fi_request(&artefacts[0], &fiu_key(), &txnid()))
        .await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    let session_id = opened.body["sessionId"].as_str().unwrap();
    let (fip_session_id, fip_session) = world.fip_1.only_fi_session();
    let link = fip_session.accounts[0].0.clone();
    let ready = fip_notification(
        "FIP-1",
        "FIP-1",
        &fip_session_id,
        "ACTIVE",
        &[(&link, "READY")],
    );
    let first = world.rebit_post("FIP-1", "/FI/Notification", &ready).await;
    assert_eq!(first.status, 200, "{}", first.body);
    eventually("the FIU's FI notification", || {
        (world.fiu_1.fi_received().len() == 1).then_some(())
    })
    .await;

    // The same request, re-stamped: the same answer, byte for byte.
    let mut again = ready.clone();
    again["timestamp"] = json!(now());
    let replay = world.rebit_post("FIP-1", "/FI/Notification", &again).await;
    assert_eq!(replay.status, 200, "{}", replay.body);
    assert_eq!(replay.raw, first.raw);

    // Another body under the same txnid: 409, and the account stays READY.
    let mut other = fip_notification(
        "FIP-1",
        "FIP-1",
        &fip_session_id,
        "ACTIVE",
        &[(&link, "DENIED")],
    );
    other["txnid"] = ready["txnid"].clone();
    let clash = world.rebit_post("FIP-1", "/FI/Notification", &other).await;
    assert_error(&clash, 409, "IdempotencyError");
    assert_eq!(clash.body["txnid"], ready["txnid"]);
    let fetched = world
        .rebit_post("FIU-1", "/FI/fetch", &fetch_body(session_id))
        .await;
    assert_eq!(fetched.status, 200, "{}", fetched.body);
    assert_eq!(world.fiu_1.fi_received().len(), 1, "no second notification");

    // The same txnid on another endpoint is its own request.
    let linked = world
        .rebit_post(
            "FIP-1",
            "/Account/link/Notification",
            &link_notification(ready["txnid"].as_str().unwrap(), &link, "LINKED"),
        )
        .await;
    assert_eq!(linked.status, 200, "{}", linked.body);
}

#[tokio::test]
async fn a_repeated_link_notification_is_the_same_answer_and_another_body_under_its_txnid_is_409_idempotency_error(
) {
    let world = World::start().await;
    let token = world.login(HANDLE).await;
    let links = world.link_all(&token, &["FIP-1"]).await;
    let request_txnid = txnid();
    let delinked = link_notification(&request_txnid, &links[0], "DELINKED");
    let first = world
        .rebit_post("FIP-1", "/Account/link/Notification", &delinked)
        .await;
    assert_eq!(first.status, 200, "{}", first.body);
    let replay = world
        .rebit_post("FIP-1", "/Account/link/Notification", &delinked)
        .await;
    assert_eq!(replay.status, 200, "{}", replay.body);
    assert_eq!(replay.raw, first.raw);

    let relinked = link_notification(&request_txnid, &links[0], "LINKED");
    let clash = world
        .rebit_post("FIP-1", "/Account/link/Notification", &relinked)
        .await;
    assert_error(&clash, 409, "IdempotencyError");
    let (_, accounts) = world.get("/customer/accounts", Some(&token)).await;
    assert_eq!(accounts, json!([]), "still delinked");
}

#[tokio::test]
async fn a_repeated_consent_notification_is_the_same_answer_and_another_body_under_its_txnid_is_409_idempotency_error(
) {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let notification = |from: &str, kind: &str, txnid: &str, consent_id: &str| {
        json!({
            "ver": "2.0.0",
            "timestamp": now(),
            "txnid": txnid,
            "Notifier": { "type": kind, "id": from },
            "ConsentStatusNotification": { "consentId": consent_id, "consentStatus": "ACTIVE" }
        })
    };
    let request_txnid = txnid();
    let body = notification("FIU-1", "FIU", &request_txnid, &artefacts[0].consent_id);
    let first = world
        .rebit_post("FIU-1", "/Consent/Notification", &body)
        .await;
    assert_eq!(first.status, 200, "{}", first.body);
    let replay = world
        .rebit_post("FIU-1", "/Consent/Notification", &body)
        .await;
    assert_eq!(replay.raw, first.raw);
    let other = notification("FIU-1", "FIU", &request_txnid, &artefacts[1].consent_id);
    let clash = world
        .rebit_post("FIU-1", "/Consent/Notification", &other)
        .await;
    assert_error(&clash, 409, "IdempotencyError");
    // Another caller's txnid is its own: FIP-1 may use the same one.
    let fip = notification("FIP-1", "FIP", &request_txnid, &artefacts[0].consent_id);
    let answer = world
        .rebit_post("FIP-1", "/Consent/Notification", &fip)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn answers_are_kept_for_a_day_then_the_txnid_is_free_again() {
    use aa_core::registry::Role;
    use aa_runtime::idempotency::{Endpoint, Incoming};
    let world = World::start().await;
    let token = world.login(HANDLE).await;
    let links = world.link_all(&token, &["FIP-1"]).await;
    let request_txnid = txnid();
    let store = world.store().await.unwrap();
    let day_ago =
        aa_runtime::clock::millis(time::OffsetDateTime::now_utc() - time::Duration::hours(25));
    // Another request under this txnid, claimed 25 hours ago.
    let old = Incoming {
        caller: "FIP-1",
        role: Role::Fip,
        endpoint: Endpoint::AccountLinkNotification,
        txnid: &request_txnid,
        body: br#"{"another":"request"}"#,
        subject: "",
    };
    assert!(store.idempotency(&[]).hold(&old, day_ago).await.unwrap());
    let body = link_notification(&request_txnid, &links[0], "DELINKED");
    let answer = world
        .rebit_post("FIP-1", "/Account/link/Notification", &body)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    // The fresh answer replaced the old one: the same body replays, another is refused.
    let replay = world
        .rebit_post("FIP-1", "/Account/link/Notification", &body)
        .await;
    assert_eq!(replay.raw, answer.raw);
    let other = link_notification(&request_txnid, &links[0], "LINKED");
    let clash = world
        .rebit_post("FIP-1", "/Account/link/Notification", &other)
        .await;
    assert_error(&clash, 409, "IdempotencyError");
}

#[tokio::test]
async fn a_consent_notification_in_flight_is_503_and_a_refused_one_frees_its_txnid() {
    use aa_core::registry::Role;
    use aa_runtime::idempotency::{Endpoint, Incoming};
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let notification = |txnid: &str, consent_id: &str| {
        json!({
            "ver": "2.0.0",
            "timestamp": now(),
            "txnid": txnid,
            "Notifier": { "type": "FIU", "id": "FIU-1" },
            "ConsentStatusNotification": { "consentId": consent_id, "consentStatus": "ACTIVE" }
        })
    };
    // Claimed just now by a request still being processed: 503, nothing answered for it.
    let held_txnid = txnid();
    let held = notification(&held_txnid, &artefacts[0].consent_id);
    let raw = serde_json::to_vec(&held).unwrap();
    let in_flight = Incoming {
        caller: "FIU-1",
        role: Role::Fiu,
        endpoint: Endpoint::ConsentNotification,
        txnid: &held_txnid,
        body: &raw,
        subject: "",
    };
    let store = world.store().await.unwrap();
    let now_ms = aa_runtime::clock::millis(time::OffsetDateTime::now_utc());
    assert!(store
        .idempotency(&[])
        .hold(&in_flight, now_ms)
        .await
        .unwrap());
    let answer = world
        .rebit_post("FIU-1", "/Consent/Notification", &held)
        .await;
    assert_error(&answer, 503, "ServiceUnavailable");
    assert_eq!(
        store.idempotency(&[]).matches(&in_flight).await.unwrap(),
        Some(true),
        "the claim is the other request's, untouched"
    );
    // A refusal keeps nothing: the txnid is free for the corrected notification.
    let refused_txnid = txnid();
    let unknown = notification(&refused_txnid, &uuid::Uuid::new_v4().to_string());
    let refused = world
        .rebit_post("FIU-1", "/Consent/Notification", &unknown)
        .await;
    assert_error(&refused, 400, "InvalidRequest");
    let fixed = notification(&refused_txnid, &artefacts[0].consent_id);
    let answer = world
        .rebit_post("FIU-1", "/Consent/Notification", &fixed)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let replay = world
        .rebit_post("FIU-1", "/Consent/Notification", &fixed)
        .await;
    assert_eq!(replay.raw, answer.raw, "the stored answer");
}
