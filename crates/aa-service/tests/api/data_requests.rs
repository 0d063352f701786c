//! The AA's rules for data requests, one test per rule: fetching before the data is ready, one
//! request at a time per consent, usage limits and `ConsentUse`, session expiry.

use std::sync::atomic::Ordering;

use aa_core::rebit::FiStatus;
use aa_service::domain::fi_session::SessionState;
use serde_json::{json, Value};
use time::Duration;

use crate::fi_support::{
    active_consent, active_consent_with, assert_error, backdated_session, fetch_body, fi_request,
    fip_notification, fiu_key, request_and_settle,
};
use crate::helpers::{eventually, now, txnid, World};

#[tokio::test]
async fn fetching_before_the_data_is_ready_is_404_no_data_found() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let opened = world
        .fi_request("FIU-1", &fi_request(&artefacts[0], &fiu_key(), &txnid()))
        .await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    let session_id = opened.body["sessionId"].as_str().unwrap();
    let fetch = fetch_body(session_id);
    let early = world.rebit_post("FIU-1", "/FI/fetch", &fetch).await;
    assert_error(&early, 404, "NoDataFound");
    assert_eq!(early.body["txnid"], fetch["txnid"]);
    let early = world
        .rebit_get("FIU-1", &format!("/FI/fetch/{session_id}"))
        .await;
    assert_error(&early, 404, "NoDataFound");
    assert!(world.fip_1.fi_fetches().is_empty(), "the FIP was not asked");
}

#[tokio::test]
async fn a_second_data_request_while_one_is_in_progress_is_403_data_fetch_request_in_progress() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let artefact = &artefacts[0];
    let first = fi_request(artefact, &fiu_key(), &txnid());
    let opened = world.fi_request("FIU-1", &first).await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    let (fip_session_id, fip_session) = world.fip_1.only_fi_session();

    let second_txnid = txnid();
    let second = fi_request(artefact, &fiu_key(), &second_txnid);
    let refused = world.fi_request("FIU-1", &second).await;
    assert_error(&refused, 403, "DataFetchRequestInProgress");
    assert_eq!(refused.body["txnid"], second_txnid.as_str());
    assert_eq!(refused.body["ver"], "2.0.0");
    assert_eq!(world.fip_1.fi_requests().len(), 1, "nothing forwarded");
    let store = world.store().await.unwrap();
    assert!(store
        .fi_session_by_txnid("FIU-1", &second_txnid)
        .await
        .unwrap()
        .is_none());

    // A replay of the first txnid is the same answer, not a second request.
    let replay = world.fi_request("FIU-1", &first).await;
    assert_eq!(replay.status, 200, "{}", replay.body);
    assert_eq!(replay.body["sessionId"], opened.body["sessionId"]);
    // Another consent (FIP-2's artefact) is not held up.
    let other = world
        .fi_request("FIU-1", &fi_request(&artefacts[1], &fiu_key(), &txnid()))
        .await;
    assert_eq!(other.status, 200, "{}", other.body);

    // Once every account of the first session is READY, the consent may be asked again.
    let ready = fip_notification(
        "FIP-1",
        "FIP-1",
        &fip_session_id,
        "ACTIVE",
        &[(&fip_session.accounts[0].0, "READY")],
    );
    let ok = world.rebit_post("FIP-1", "/FI/Notification", &ready).await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let again = world.fi_request("FIU-1", &second).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_ne!(again.body["sessionId"], opened.body["sessionId"]);
}

/// `ConsentUse` as `POST /Consent/fetch` and the 1.1.x `GET /Consent/{id}` report it.
async fn consent_use(world: &World, consent_id: &str) -> (Value, Value) {
    let body =
        json!({ "ver": "2.0.0", "timestamp": now(), "txnid": txnid(), "consentId": consent_id });
    let posted = world.rebit_post("FIU-1", "/Consent/fetch", &body).await;
    assert_eq!(posted.status, 200, "{}", posted.body);
    let got = world
        .rebit_get("FIU-1", &format!("/Consent/{consent_id}"))
        .await;
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.body["ver"], "1.1.2");
    (
        posted.body["ConsentUse"].clone(),
        got.body["ConsentUse"].clone(),
    )
}

#[tokio::test]
async fn a_second_data_request_on_a_onetime_consent_is_400_invalid_consent_use() {
    onetime_consent_rules(&World::start().await).await;
}

#[tokio::test]
async fn the_onetime_rule_holds_on_postgresql() {
    let url = aa_testkit::fresh_postgres_database().await;
    let world = World::with(crate::helpers::Options {
        database_url: Some(url),
        ..crate::helpers::Options::default()
    })
    .await;
    onetime_consent_rules(&world).await;
}

/// A refused request is not a use; the one use is counted in `ConsentUse`; a replay is not a
/// second use; the next request is 400 `InvalidConsentUse` with nothing recorded.
async fn onetime_consent_rules(world: &World) {
    let artefacts = active_consent_with(world, "FIU-1", |terms| {
        terms["fetchType"] = json!("ONETIME");
    })
    .await;
    let artefact = &artefacts[0];
    let (unused, _) = consent_use(world, &artefact.consent_id).await;
    assert_eq!(unused["count"], 0, "{unused}");

    // A request the FIP refused (accepted by the AA, then FAILED) does not use the consent up.
    world.fip_1.refuse_fi.store(true, Ordering::SeqCst);
    let refused = world
        .fi_request("FIU-1", &fi_request(artefact, &fiu_key(), &txnid()))
        .await;
    assert_eq!(refused.status, 200, "{}", refused.body);
    let refused_session = refused.body["sessionId"].as_str().unwrap();
    assert_eq!(world.forwarded(refused_session).await, SessionState::Failed);
    world.fip_1.refuse_fi.store(false, Ordering::SeqCst);
    let first = fi_request(artefact, &fiu_key(), &txnid());
    let (opened, _) = request_and_settle(world, &first).await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    let (used, used_get) = consent_use(world, &artefact.consent_id).await;
    assert_eq!(used["count"], 1, "{used}");
    assert_eq!(used, used_get, "both forms report the same use");
    assert_eq!(
        used["logUri"],
        format!("urn:uuid:{}", artefact.consent_id).as_str()
    );
    assert!(aa_core::timefmt::parse(used["lastUseDateTime"].as_str().unwrap()).is_some());

    // A replay of the first txnid is the same answer, not a second use.
    let replay = world.fi_request("FIU-1", &first).await;
    assert_eq!(replay.status, 200, "{}", replay.body);
    assert_eq!(replay.body["sessionId"], opened.body["sessionId"]);

    let forwarded = world.fip_1.fi_requests().len();
    let second_txnid = txnid();
    let second = world
        .fi_request("FIU-1", &fi_request(artefact, &fiu_key(), &second_txnid))
        .await;
    assert_error(&second, 400, "InvalidConsentUse");
    assert_eq!(second.body["txnid"], second_txnid.as_str());
    assert_eq!(
        world.fip_1.fi_requests().len(),
        forwarded,
        "nothing forwarded"
    );
    let store = world.store().await.unwrap();
    assert!(store
        .fi_session_by_txnid("FIU-1", &second_txnid)
        .await
        .unwrap()
        .is_none());
    let (after, _) = consent_use(world, &artefact.consent_id).await;
    assert_eq!(after, used, "ConsentUse unchanged");
}

#[tokio::test]
async fn a_periodic_consent_allows_frequency_value_data_requests_per_rolling_unit_then_400_invalid_consent_use(
) {
    let world = World::start().await;
    let artefacts = active_consent_with(&world, "FIU-1", |terms| {
        terms["Frequency"] = json!({ "unit": "DAY", "value": 2 });
    })
    .await;
    let artefact = &artefacts[0];
    // A use 25 hours ago lies outside the rolling day.
    backdated_session(
        &world,
        artefact,
        SessionState::Completed,
        FiStatus::Delivered,
        Duration::hours(25),
    )
    .await;

    for _ in 0..2 {
        let (answer, _) =
            request_and_settle(&world, &fi_request(artefact, &fiu_key(), &txnid())).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    let forwarded = world.fip_1.fi_requests().len();
    let third = world
        .fi_request("FIU-1", &fi_request(artefact, &fiu_key(), &txnid()))
        .await;
    assert_error(&third, 400, "InvalidConsentUse");
    assert!(third.body["errorMsg"].as_str().unwrap().contains("per DAY"));
    assert_eq!(
        world.fip_1.fi_requests().len(),
        forwarded,
        "nothing forwarded"
    );
    // FIP-2's artefact of the same consent request has its own count.
    let other = world
        .fi_request("FIU-1", &fi_request(&artefacts[1], &fiu_key(), &txnid()))
        .await;
    assert_eq!(other.status, 200, "{}", other.body);
}

#[tokio::test]
async fn a_session_past_its_lifetime_is_expired_410_data_gone_and_no_longer_holds_up_a_request() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let artefact = &artefacts[0];
    // Still waiting for data, but created 24 h and a minute ago (the default lifetime is 24 h).
    let old = backdated_session(
        &world,
        artefact,
        SessionState::Active,
        FiStatus::Pending,
        Duration::hours(24) + Duration::minutes(1),
    )
    .await;
    // The FIP's late READY does not revive it: the FIU hears EXPIRED.
    let store = world.store().await.unwrap();
    let fip_session_id = store
        .fi_session(&old)
        .await
        .unwrap()
        .unwrap()
        .fip_session_id
        .unwrap();
    let late = fip_notification(
        "FIP-1",
        "FIP-1",
        &fip_session_id,
        "ACTIVE",
        &[("FIP-1-LINK-FIP-1-ACC-1", "READY")],
    );
    let answer = world.rebit_post("FIP-1", "/FI/Notification", &late).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let told = eventually("the FIU's FI notification", || {
        world.fiu_1.fi_received().into_iter().next()
    })
    .await;
    assert_eq!(told.fi_status_notification.session_id, old);
    assert_eq!(
        told.fi_status_notification.session_status,
        aa_core::rebit::SessionStatus::Expired
    );
    for _ in 0..2 {
        let fetch = fetch_body(&old);
        let gone = world.rebit_post("FIU-1", "/FI/fetch", &fetch).await;
        assert_error(&gone, 410, "DataGone");
        assert_eq!(gone.body["txnid"], fetch["txnid"]);
    }
    let gone = world.rebit_get("FIU-1", &format!("/FI/fetch/{old}")).await;
    assert_error(&gone, 410, "DataGone");
    assert!(world.fip_1.fi_fetches().is_empty(), "the FIP was not asked");
    assert_eq!(
        store.fi_session(&old).await.unwrap().unwrap().status,
        SessionState::Expired
    );

    // A fresh session of an hour is not expired, and the expired one holds nothing up.
    let (answer, _) = request_and_settle(&world, &fi_request(artefact, &fiu_key(), &txnid())).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let fresh = answer.body["sessionId"].as_str().unwrap();
    let fetched = world
        .rebit_post("FIU-1", "/FI/fetch", &fetch_body(fresh))
        .await;
    assert_eq!(fetched.status, 200, "{}", fetched.body);
}

#[tokio::test]
async fn a_data_request_while_another_is_being_forwarded_is_403_data_fetch_request_in_progress() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let artefact = &artefacts[0];
    // The FIP holds the first request: at the AA it is still being forwarded (REQUESTED).
    let (release, gate) = tokio::sync::oneshot::channel();
    *world.fip_1.hold_fi.lock().unwrap() = Some(gate);
    let first = fi_request(artefact, &fiu_key(), &txnid());
    let held = world.fi_request("FIU-1", &first);
    let second = async {
        eventually("the FIP to hold the first request", || {
            (!world.fip_1.fi_requests().is_empty()).then_some(())
        })
        .await;
        let answer = world
            .fi_request("FIU-1", &fi_request(artefact, &fiu_key(), &txnid()))
            .await;
        release.send(()).unwrap();
        answer
    };
    let (first_answer, second_answer) = tokio::join!(held, second);
    assert_eq!(first_answer.status, 200, "{}", first_answer.body);
    assert_error(&second_answer, 403, "DataFetchRequestInProgress");
    assert_eq!(
        world.fip_1.fi_requests().len(),
        1,
        "the second was not forwarded"
    );
}
