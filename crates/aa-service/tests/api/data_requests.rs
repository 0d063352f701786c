//! The AA's rules for data requests, one test per rule: fetching before the data is ready, one
//! request at a time per consent.

use aa_service::persistence::Store;

use crate::fi_support::{
    active_consent, assert_error, fetch_body, fi_request, fip_notification, fiu_key,
};
use crate::helpers::{txnid, World};

#[tokio::test]
async fn fetching_before_the_data_is_ready_is_404_no_data_found() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let opened = world
        .rebit_post(
            "FIU-1",
            "/FI/request",
            &fi_request(&artefacts[0], &fiu_key(), &txnid()),
        )
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
    let opened = world.rebit_post("FIU-1", "/FI/request", &first).await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    let (fip_session_id, fip_session) = world.fip_1.only_fi_session();

    let second_txnid = txnid();
    let second = fi_request(artefact, &fiu_key(), &second_txnid);
    let refused = world.rebit_post("FIU-1", "/FI/request", &second).await;
    assert_error(&refused, 403, "DataFetchRequestInProgress");
    assert_eq!(refused.body["txnid"], second_txnid.as_str());
    assert_eq!(refused.body["ver"], "2.0.0");
    assert_eq!(world.fip_1.fi_requests().len(), 1, "nothing forwarded");
    let store = Store::connect(&world.database_url).await.unwrap();
    assert!(store
        .fi_session_by_txnid("FIU-1", &second_txnid)
        .await
        .unwrap()
        .is_none());

    // A replay of the first txnid is the same answer, not a second request.
    let replay = world.rebit_post("FIU-1", "/FI/request", &first).await;
    assert_eq!(replay.status, 200, "{}", replay.body);
    assert_eq!(replay.body["sessionId"], opened.body["sessionId"]);
    // Another consent (FIP-2's artefact) is not held up.
    let other = world
        .rebit_post(
            "FIU-1",
            "/FI/request",
            &fi_request(&artefacts[1], &fiu_key(), &txnid()),
        )
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
    let again = world.rebit_post("FIU-1", "/FI/request", &second).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_ne!(again.body["sessionId"], opened.body["sessionId"]);
}
