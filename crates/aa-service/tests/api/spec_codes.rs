//! Issue 13, where the 2.0.0 YAML decides the answer: the AA's `/FI/request` lists no 403, so a
//! consent that is not ACTIVE is 400 `InvalidConsentStatus`; `DataLife` 0 is a valid consent for
//! VIEW, QUERY and STREAM (only STORE keeps data, so only STORE needs a positive DataLife).

use serde_json::json;

use crate::fi_support::{active_consent, assert_error, fi_request, fiu_key};
use crate::helpers::{consent_request, txnid, World, HANDLE};

#[tokio::test]
async fn fi_request_on_a_paused_revoked_or_expired_consent_is_400_invalid_consent_status_and_changes_nothing(
) {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let artefact = &artefacts[0];
    let store = world.store().await.unwrap();
    let notified = world.fiu_1.fi_received().len();
    for status in ["PAUSED", "REVOKED", "EXPIRED"] {
        assert!(store
            .set_artefact_status(&artefact.consent_id, status)
            .await
            .unwrap());
        let request_txnid = txnid();
        let answer = world
            .rebit_post(
                "FIU-1",
                "/FI/request",
                &fi_request(artefact, &fiu_key(), &request_txnid),
            )
            .await;
        assert_error(&answer, 400, "InvalidConsentStatus");
        assert_eq!(answer.body["txnid"], request_txnid.as_str());
        assert!(
            answer.body["errorMsg"].as_str().unwrap().contains(status),
            "{}",
            answer.body
        );
        assert!(store
            .fi_session_by_txnid("FIU-1", &request_txnid)
            .await
            .unwrap()
            .is_none());
        let kept = store.artefact(&artefact.consent_id).await.unwrap().unwrap();
        assert_eq!(kept.status, status, "the status is left as it was");
        assert_eq!(kept.use_count, 0);
    }
    assert!(world.fip_1.fi_requests().is_empty(), "nothing forwarded");
    assert_eq!(
        world.fiu_1.fi_received().len(),
        notified,
        "nothing notified"
    );
}

#[tokio::test]
async fn data_life_zero_is_valid_for_view_query_and_stream_consents_and_400_invalid_request_for_store(
) {
    let world = World::start().await;
    let store = world.store().await.unwrap();
    for mode in ["VIEW", "QUERY", "STREAM"] {
        let request_txnid = txnid();
        let mut body = consent_request("FIU-1", HANDLE, &request_txnid);
        body["ConsentDetail"]["consentMode"] = json!(mode);
        body["ConsentDetail"]["DataLife"] = json!({ "unit": "DAY", "value": 0 });
        let answer = world.rebit_post("FIU-1", "/Consent", &body).await;
        assert_eq!(answer.status, 200, "{mode}: {}", answer.body);
        assert!(store
            .consent_request_by_txnid("FIU-1", &request_txnid)
            .await
            .unwrap()
            .is_some());
    }
    let request_txnid = txnid();
    let mut body = consent_request("FIU-1", HANDLE, &request_txnid);
    body["ConsentDetail"]["DataLife"] = json!({ "unit": "MONTH", "value": 0 });
    let answer = world.rebit_post("FIU-1", "/Consent", &body).await;
    assert_error(&answer, 400, "InvalidRequest");
    assert!(answer.body["errorMsg"].as_str().unwrap().contains("STORE"));
    assert!(store
        .consent_request_by_txnid("FIU-1", &request_txnid)
        .await
        .unwrap()
        .is_none());
}
