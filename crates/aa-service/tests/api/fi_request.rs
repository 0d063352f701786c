//! `POST /FI/request` at the AA: checked against the consent before the FIP is asked; accepted,
//! answered at once and forwarded by the queue (after the artefact, if it is still on its way);
//! the FIP's refusals and failures as a FAILED session the FIU is notified of; retries.

use aa_core::fi_crypto::key_material;
use aa_core::fi_crypto::Curve;
use serde_json::json;
use time::{Duration, OffsetDateTime};

use crate::fi_support::{
    active_consent, approved_consent, assert_error, fetch_body, fi_request, fip_notification,
    fiu_key,
};
use crate::helpers::{eventually, txnid, World};
use aa_core::rebit::{FiStatus, FiStatusNotification, SessionStatus};
use aa_service::domain::fi_session::SessionState;

#[tokio::test]
async fn fi_requests_that_do_not_fit_the_consent_are_refused_without_asking_the_fip() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let artefact = &artefacts[0];
    let key = fiu_key();

    // Another FIU, or an id the AA never issued.
    let other = world
        .fi_request("FIU-2", &fi_request(artefact, &key, &txnid()))
        .await;
    assert_error(&other, 400, "InvalidConsentId");
    let mut unknown = fi_request(artefact, &key, &txnid());
    unknown["Consent"]["id"] = json!(uuid::Uuid::new_v4().to_string());
    let unknown = world.fi_request("FIU-1", &unknown).await;
    assert_error(&unknown, 400, "InvalidConsentId");

    // The signature of another artefact (FIP-2's), or none.
    let mut wrong = fi_request(artefact, &key, &txnid());
    wrong["Consent"]["digitalSignature"] = json!(artefacts[1].signature());
    let wrong = world.fi_request("FIU-1", &wrong).await;
    assert_error(&wrong, 400, "SignatureDoesNotMatch");
    assert!(wrong.body["errorMsg"]
        .as_str()
        .unwrap()
        .contains("digitalSignature"));

    // Outside the consent's range (2023-01-01 .. 2024-01-01), or inverted.
    for (from, to) in [
        ("2022-12-01T00:00:00.000Z", "2023-06-01T00:00:00.000Z"),
        ("2023-06-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"),
        ("2023-06-01T00:00:00.000Z", "2023-03-01T00:00:00.000Z"),
    ] {
        let mut body = fi_request(artefact, &key, &txnid());
        body["FIDataRange"] = json!({ "from": from, "to": to });
        let answer = world.fi_request("FIU-1", &body).await;
        assert_error(&answer, 400, "InvalidDateRange");
    }

    // An expired key, and a key that is not a key.
    let expired = key_material::generate(
        Curve::X25519,
        OffsetDateTime::now_utc() - Duration::minutes(1),
    )
    .unwrap();
    let answer = world
        .fi_request("FIU-1", &fi_request(artefact, &expired, &txnid()))
        .await;
    assert_error(&answer, 400, "InvalidKey");
    let mut garbage = fi_request(artefact, &key, &txnid());
    garbage["KeyMaterial"]["DHPublicKey"]["KeyValue"] = json!("not-a-key");
    let answer = world.fi_request("FIU-1", &garbage).await;
    assert_error(&answer, 400, "InvalidKey");

    // An FIP may not ask for data.
    let answer = world
        .rebit_post(
            "FIP-1",
            "/FI/request",
            &fi_request(artefact, &key, &txnid()),
        )
        .await;
    assert_error(&answer, 401, "Unauthorized");

    // A consent that is not ACTIVE: 400 `InvalidConsentStatus` (the AA's FI/request lists no
    // 403), the message naming the status.
    let store = world.store().await.unwrap();
    for status in ["PAUSED", "REVOKED", "EXPIRED"] {
        assert!(store
            .set_artefact_status(&artefact.consent_id, status)
            .await
            .unwrap());
        let answer = world
            .fi_request("FIU-1", &fi_request(artefact, &key, &txnid()))
            .await;
        assert_error(&answer, 400, "InvalidConsentStatus");
        assert!(
            answer.body["errorMsg"].as_str().unwrap().contains(status),
            "{}",
            answer.body
        );
    }
    assert!(
        world.fip_1.fi_requests().is_empty(),
        "no refused request reached the FIP"
    );
    assert!(world.fip_2.fi_requests().is_empty());
}

#[tokio::test]
async fn an_fip_that_refuses_or_fails_leaves_a_failed_session_the_fiu_is_notified_of() {
    use std::sync::atomic::Ordering;
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let artefact = &artefacts[0];
    let key = fiu_key();
    let store = world.store().await.unwrap();

    // Refused (400 at the FIP) or broken (500): the FIU has its session at once, then hears
    // FAILED, the accounts TIMEOUT with the reason; the consent is not used.
    let cases: [(&std::sync::atomic::AtomicBool, &str); 2] = [
        (
            &world.fip_1.refuse_fi,
            "InvalidConsentId: FIP-1: refused by the fake FIP",
        ),
        (
            &world.fip_1.fi_broken,
            "ServiceUnavailable: FIP-1 did not answer",
        ),
    ];
    for (switch, reason) in cases {
        switch.store(true, Ordering::SeqCst);
        let answer = world
            .fi_request("FIU-1", &fi_request(artefact, &key, &txnid()))
            .await;
        switch.store(false, Ordering::SeqCst);
        assert_eq!(answer.status, 200, "{}", answer.body);
        let session_id = answer.body["sessionId"].as_str().unwrap();
        assert_eq!(world.forwarded(session_id).await, SessionState::Failed);
        let told = failed_notice(&world, session_id).await;
        let account = &told.fi_status_notification.fi_status_response[0].accounts[0];
        assert_eq!(account.fi_status, FiStatus::Timeout);
        assert!(
            account.description.starts_with(reason),
            "{}",
            account.description
        );
        let stored = store.fi_accounts(session_id).await.unwrap();
        assert_eq!(stored[0].fi_status, FiStatus::Timeout);
        let fetched = world
            .rebit_post("FIU-1", "/FI/fetch", &fetch_body(session_id))
            .await;
        assert_error(&fetched, 404, "NoDataFound");
        assert!(world.fip_1.fi_fetches().is_empty(), "the FIP was not asked");
    }
    let used = store.artefact(&artefact.consent_id).await.unwrap().unwrap();
    assert_eq!(used.use_count, 0, "a failed session is not a use");
    world.fip_1.fi_sessions.lock().unwrap().clear();

    // A fresh request then works; the FIP broken at fetch time is 503 (the session stays).
    let answer = world
        .fi_request("FIU-1", &fi_request(artefact, &key, &txnid()))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let session_id = answer.body["sessionId"].as_str().unwrap().to_owned();
    assert_eq!(world.forwarded(&session_id).await, SessionState::Active);
    let (fip_session_id, fip_session) = world.fip_1.only_fi_session();
    let link = fip_session.accounts[0].0.clone();
    let ready = fip_notification(
        "FIP-1",
        "FIP-1",
        &fip_session_id,
        "ACTIVE",
        &[(&link, "READY")],
    );
    assert_eq!(
        world
            .rebit_post("FIP-1", "/FI/Notification", &ready)
            .await
            .status,
        200
    );
    world.fip_1.fi_broken.store(true, Ordering::SeqCst);
    let fetched = world
        .rebit_post("FIU-1", "/FI/fetch", &fetch_body(&session_id))
        .await;
    assert_error(&fetched, 503, "ServiceUnavailable");
    let session = store.fi_session(&session_id).await.unwrap().unwrap();
    assert_eq!(session.status, SessionState::Active);
}

/// The FIU's FAILED notification about `session_id`, once it arrived.
async fn failed_notice(world: &World, session_id: &str) -> FiStatusNotification {
    eventually("the FIU's FAILED notification", || {
        world.fiu_1.fi_received().into_iter().find(|n| {
            n.fi_status_notification.session_id == session_id
                && n.fi_status_notification.session_status == SessionStatus::Failed
        })
    })
    .await
}

#[tokio::test]
async fn an_fi_request_before_the_artefact_reached_the_fip_is_accepted_at_once_and_forwarded_once_it_arrived(
) {
    use std::sync::atomic::Ordering;
    let world = World::start().await;
    world.fip_1.refuse_consent.store(true, Ordering::SeqCst);
    let artefacts = approved_consent(&world, "FIU-1", |_| {}).await;
    let artefact = &artefacts[0];
    assert!(world.fip_1.consents().is_empty());

    // At once, without waiting: the session, REQUESTED at the AA, nothing forwarded yet.
    let body = fi_request(artefact, &fiu_key(), &txnid());
    let started = std::time::Instant::now();
    let answer = world.rebit_post("FIU-1", "/FI/request", &body).await;
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert_eq!(answer.status, 200, "{}", answer.body);
    let session_id = answer.body["sessionId"].as_str().unwrap();
    let store = world.store().await.unwrap();
    let session = store.fi_session(session_id).await.unwrap().unwrap();
    assert_eq!(session.status, SessionState::Requested);
    let early = world
        .rebit_post("FIU-1", "/FI/fetch", &fetch_body(session_id))
        .await;
    assert_error(&early, 404, "NoDataFound");
    assert!(world.fip_1.fi_requests().is_empty());

    // The FIP takes the artefact: the queued forward follows it, once.
    world.fip_1.refuse_consent.store(false, Ordering::SeqCst);
    assert_eq!(world.forwarded(session_id).await, SessionState::Active);
    assert_eq!(world.fip_1.consents().len(), 1);
    assert_eq!(world.fip_1.fi_requests().len(), 1);
    let replay = world.rebit_post("FIU-1", "/FI/request", &body).await;
    assert_eq!(replay.body["sessionId"], session_id);
    assert_eq!(world.fip_1.fi_requests().len(), 1);
}

#[tokio::test]
async fn an_interrupted_fi_request_can_be_retried_but_one_in_flight_is_503() {
    use aa_core::registry::Role;
    use aa_runtime::idempotency::{Endpoint, Incoming};
    use aa_service::persistence::records::{FiAccountRecord, FiSessionRecord};
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let artefact = &artefacts[0];
    let store = world.store().await.unwrap();
    let now_ms = aa_runtime::clock::millis(OffsetDateTime::now_utc());
    let key = fiu_key();
    let mut sessions = Vec::new();
    // A request on FIP-1's artefact that died two minutes ago, one in flight on FIP-2's: each
    // left its session REQUESTED and its txnid claimed.
    for (age, artefact) in [(120_000, artefact), (0, &artefacts[1])] {
        let request_txnid = txnid();
        let body = fi_request(artefact, &key, &request_txnid);
        let raw = serde_json::to_vec(&body).unwrap();
        let incoming = Incoming {
            caller: "FIU-1",
            role: Role::Fiu,
            endpoint: Endpoint::FiRequest,
            txnid: &request_txnid,
            body: &raw,
            subject: "",
        };
        assert!(store
            .idempotency(&[])
            .hold(&incoming, now_ms - age)
            .await
            .unwrap());
        let session = FiSessionRecord {
            id: uuid::Uuid::new_v4().to_string(),
            consent_id: artefact.consent_id.clone(),
            fiu_id: "FIU-1".into(),
            fip_id: artefact.fip_id.clone(),
            fiu_txnid: request_txnid.clone(),
            fip_session_id: None,
            status: SessionState::Requested,
            data_from: body["FIDataRange"]["from"].as_str().unwrap().into(),
            data_to: body["FIDataRange"]["to"].as_str().unwrap().into(),
            created_at: now_ms - age,
            updated_at: now_ms - age,
        };
        let account = FiAccountRecord {
            link_ref_number: format!("{0}-LINK-{0}-ACC-1", artefact.fip_id),
            masked_acc_number: "XXXXXXXX5".into(),
            fi_status: FiStatus::Pending,
            description: None,
        };
        store.insert_fi_session(&session, &[account]).await.unwrap();
        sessions.push((session.id, body));
    }
    // The dead one's claim is taken over and its session reopened under the same id.
    let (stale_id, stale_body) = &sessions[0];
    let answer = world.fi_request("FIU-1", stale_body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["sessionId"], stale_id.as_str());
    assert_eq!(world.forwarded(stale_id).await, SessionState::Active);
    assert_eq!(world.fip_1.fi_requests().len(), 1);
    // The one in flight: 503 "still being processed", nothing forwarded.
    let (_, in_flight_body) = &sessions[1];
    let answer = world.fi_request("FIU-1", in_flight_body).await;
    assert_error(&answer, 503, "ServiceUnavailable");
    assert_eq!(world.fip_1.fi_requests().len(), 1);
    assert!(world.fip_2.fi_requests().is_empty());
}
