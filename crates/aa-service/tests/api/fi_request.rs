//! `POST /FI/request` at the AA: checked against the consent before the FIP is asked, the
//! FIP's refusals and failures, 503 before the artefact reached the FIP, retries.

use aa_core::fi_crypto::key_material;
use aa_core::fi_crypto::Curve;
use serde_json::json;
use time::{Duration, OffsetDateTime};

use crate::fi_support::{
    active_consent, approved_consent, assert_error, fetch_body, fi_request, fip_notification,
    fiu_key,
};
use crate::helpers::{txnid, World};

#[tokio::test]
async fn fi_requests_that_do_not_fit_the_consent_are_refused_without_asking_the_fip() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let artefact = &artefacts[0];
    let key = fiu_key();

    // Another FIU, or an id the AA never issued.
    let other = world
        .rebit_post(
            "FIU-2",
            "/FI/request",
            &fi_request(artefact, &key, &txnid()),
        )
        .await;
    assert_error(&other, 400, "InvalidConsentId");
    let mut unknown = fi_request(artefact, &key, &txnid());
    unknown["Consent"]["id"] = json!(uuid::Uuid::new_v4().to_string());
    let unknown = world.rebit_post("FIU-1", "/FI/request", &unknown).await;
    assert_error(&unknown, 400, "InvalidConsentId");

    // The signature of another artefact (FIP-2's), or none.
    let mut wrong = fi_request(artefact, &key, &txnid());
    wrong["Consent"]["digitalSignature"] = json!(artefacts[1].signature());
    let wrong = world.rebit_post("FIU-1", "/FI/request", &wrong).await;
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
        let answer = world.rebit_post("FIU-1", "/FI/request", &body).await;
        assert_error(&answer, 400, "InvalidDateRange");
    }

    // An expired key, and a key that is not a key.
    let expired = key_material::generate(
        Curve::X25519,
        OffsetDateTime::now_utc() - Duration::minutes(1),
    )
    .unwrap();
    let answer = world
        .rebit_post(
            "FIU-1",
            "/FI/request",
            &fi_request(artefact, &expired, &txnid()),
        )
        .await;
    assert_error(&answer, 400, "InvalidKey");
    let mut garbage = fi_request(artefact, &key, &txnid());
    garbage["KeyMaterial"]["DHPublicKey"]["KeyValue"] = json!("not-a-key");
    let answer = world.rebit_post("FIU-1", "/FI/request", &garbage).await;
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

    // A consent that is not ACTIVE.
    let store = world.store().await.unwrap();
    for (status, code) in [
        ("PAUSED", "ConsentPaused"),
        ("REVOKED", "ConsentRevoked"),
        ("EXPIRED", "ConsentExpired"),
    ] {
        assert!(store
            .set_artefact_status(&artefact.consent_id, status)
            .await
            .unwrap());
        let answer = world
            .rebit_post(
                "FIU-1",
                "/FI/request",
                &fi_request(artefact, &key, &txnid()),
            )
            .await;
        assert_error(&answer, 403, code);
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
async fn an_fip_that_refuses_or_fails_leaves_no_usable_session() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let artefact = &artefacts[0];
    let key = fiu_key();

    world
        .fip_1
        .refuse_fi
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let refused_txnid = txnid();
    let refused = world
        .rebit_post(
            "FIU-1",
            "/FI/request",
            &fi_request(artefact, &key, &refused_txnid),
        )
        .await;
    assert_error(&refused, 400, "InvalidConsentId");
    assert!(refused.body["errorMsg"]
        .as_str()
        .unwrap()
        .starts_with("FIP-1: "));
    world
        .fip_1
        .refuse_fi
        .store(false, std::sync::atomic::Ordering::SeqCst);

    world
        .fip_1
        .fi_broken
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let broken = world
        .rebit_post(
            "FIU-1",
            "/FI/request",
            &fi_request(artefact, &key, &txnid()),
        )
        .await;
    assert_error(&broken, 503, "ServiceUnavailable");
    // A 503 is a public error: its "try again later" reaches the FIU.
    assert_eq!(
        broken.body["errorMsg"],
        "FIP-1 did not answer; try again later"
    );
    world
        .fip_1
        .fi_broken
        .store(false, std::sync::atomic::Ordering::SeqCst);

    // The refused txnid again, the FIP now willing: a new attempt, which succeeds.
    let retried = world
        .rebit_post(
            "FIU-1",
            "/FI/request",
            &fi_request(artefact, &key, &refused_txnid),
        )
        .await;
    assert_eq!(retried.status, 200, "{}", retried.body);
    let (fip_session_id, fip_session) = world.fip_1.only_fi_session();
    world.fip_1.fi_sessions.lock().unwrap().clear();
    // Its data denied, that session no longer holds up the next request.
    let denied = fip_notification(
        "FIP-1",
        "FIP-1",
        &fip_session_id,
        "ACTIVE",
        &[(&fip_session.accounts[0].0, "DENIED")],
    );
    assert_eq!(
        world
            .rebit_post("FIP-1", "/FI/Notification", &denied)
            .await
            .status,
        200
    );

    // A fresh request then works; the FIP broken at fetch time is 503 too.
    let answer = world
        .rebit_post(
            "FIU-1",
            "/FI/request",
            &fi_request(artefact, &key, &txnid()),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let session_id = answer.body["sessionId"].as_str().unwrap().to_owned();
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
    world
        .fip_1
        .fi_broken
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let fetched = world
        .rebit_post("FIU-1", "/FI/fetch", &fetch_body(&session_id))
        .await;
    assert_error(&fetched, 503, "ServiceUnavailable");
}

#[tokio::test]
async fn an_fi_request_before_the_artefact_reached_the_fip_is_503_then_goes_through() {
    use std::sync::atomic::Ordering;
    let world = World::start().await;
    world.fip_1.refuse_consent.store(true, Ordering::SeqCst);
    let artefacts = approved_consent(&world, "FIU-1", |_| {}).await;
    let artefact = &artefacts[0];
    assert!(world.fip_1.consents().is_empty());

    // At once, without waiting: 503 with its message, nothing forwarded.
    let body = fi_request(artefact, &fiu_key(), &txnid());
    let started = std::time::Instant::now();
    let answer = world.rebit_post("FIU-1", "/FI/request", &body).await;
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert_error(&answer, 503, "ServiceUnavailable");
    assert_eq!(
        answer.body["errorMsg"],
        "the consent has not reached the FIP yet; try again later"
    );
    assert!(world.fip_1.fi_requests().is_empty());

    // The FIP takes the artefact: the same request (same txnid) again goes through.
    world.fip_1.refuse_consent.store(false, Ordering::SeqCst);
    let answer = aa_testkit::eventually_async("the FI request accepted", || async {
        let answer = world.rebit_post("FIU-1", "/FI/request", &body).await;
        match answer.status {
            503 => None,
            _ => Some(answer),
        }
    })
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(world.fip_1.consents().len(), 1);
    assert_eq!(world.fip_1.fi_requests().len(), 1);
}

#[tokio::test]
async fn an_interrupted_fi_request_can_be_retried_but_one_in_flight_is_503() {
    use aa_core::rebit::FiStatus;
    use aa_core::registry::Role;
    use aa_runtime::idempotency::{Endpoint, Incoming};
    use aa_service::domain::fi_session::SessionState;
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
    let answer = world.rebit_post("FIU-1", "/FI/request", stale_body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["sessionId"], stale_id.as_str());
    assert_eq!(world.fip_1.fi_requests().len(), 1);
    // The one in flight: 503 "still being processed", nothing forwarded.
    let (_, in_flight_body) = &sessions[1];
    let answer = world
        .rebit_post("FIU-1", "/FI/request", in_flight_body)
        .await;
    assert_error(&answer, 503, "ServiceUnavailable");
    assert_eq!(world.fip_1.fi_requests().len(), 1);
    assert!(world.fip_2.fi_requests().is_empty());
}
