//! `POST /FI/fetch` and the 1.1.x GET at the AA: the ciphertext passes through and is never
//! stored; only the session's FIU, once data is ready, while the consent holds.

use serde_json::json;

use crate::fi_support::{
    active_consent, answer_session, assert_error, contains, fetch_body, fip_notification,
    request_notify_fetch, sqlite_bytes,
};
use crate::helpers::World;

#[tokio::test]
async fn fi_request_notification_and_fetch_pass_the_ciphertext_through_and_store_none_of_it() {
    let world = World::start().await;
    let (_, fip_session) = request_notify_fetch(&world).await;
    let bytes = sqlite_bytes(&world);
    assert!(contains(&bytes, "fi_sessions"), "the grep sees the schema");
    for (link, _, plain, cipher) in &fip_session.accounts {
        assert!(
            contains(&bytes, link),
            "the grep sees the session's accounts"
        );
        assert!(
            !contains(&bytes, cipher),
            "encryptedFI found in the AA database"
        );
        assert!(
            !contains(&bytes, &cipher[..24]),
            "encryptedFI prefix found in the AA database"
        );
        assert!(
            !contains(&bytes, plain),
            "FI plaintext found in the AA database"
        );
    }
    let key = &fip_session.key_material;
    assert!(!contains(&bytes, &key.dh_public_key.key_value));
    assert!(!contains(&bytes, &key.nonce));
}

#[tokio::test]
async fn fetch_is_for_the_sessions_fiu_once_data_is_ready_and_while_the_consent_holds() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let artefact = &artefacts[0];
    let session_id = answer_session(&world, artefact).await;
    let (fip_session_id, fip_session) = world.fip_1.only_fi_session();
    let link = fip_session.accounts[0].0.clone();

    let unknown = world
        .rebit_post(
            "FIU-1",
            "/FI/fetch",
            &fetch_body(&uuid::Uuid::new_v4().to_string()),
        )
        .await;
    assert_error(&unknown, 400, "InvalidSessionId");
    let not_theirs = world
        .rebit_post("FIU-2", "/FI/fetch", &fetch_body(&session_id))
        .await;
    assert_error(&not_theirs, 400, "InvalidSessionId");
    let not_theirs = world
        .rebit_get("FIU-2", &format!("/FI/fetch/{session_id}"))
        .await;
    assert_error(&not_theirs, 400, "InvalidSessionId");
    let mut wrong_fip = fetch_body(&session_id);
    wrong_fip["fipId"] = json!("FIP-2");
    let wrong_fip = world.rebit_post("FIU-1", "/FI/fetch", &wrong_fip).await;
    assert_error(&wrong_fip, 400, "InvalidFIPId");

    // Not ready yet.
    let early = world
        .rebit_post("FIU-1", "/FI/fetch", &fetch_body(&session_id))
        .await;
    assert_error(&early, 404, "NoDataFound");
    let early = world
        .rebit_get("FIU-1", &format!("/FI/fetch/{session_id}"))
        .await;
    assert_error(&early, 404, "NoDataFound");

    // Every account denied: nothing to fetch.
    let denied = fip_notification(
        "FIP-1",
        "FIP-1",
        &fip_session_id,
        "ACTIVE",
        &[(&link, "DENIED")],
    );
    assert_eq!(
        world
            .rebit_post("FIP-1", "/FI/Notification", &denied)
            .await
            .status,
        200
    );
    let none = world
        .rebit_post("FIU-1", "/FI/fetch", &fetch_body(&session_id))
        .await;
    assert_error(&none, 404, "NoDataFound");
    assert!(
        world.fip_1.fi_fetches().is_empty(),
        "the FIP was never asked"
    );

    // A second session, READY, but the consent paused / revoked.
    let session_id = answer_session(&world, artefact).await;
    let fip_session_id = world
        .fip_1
        .fi_sessions
        .lock()
        .unwrap()
        .keys()
        .find(|k| **k != fip_session_id)
        .unwrap()
        .clone();
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
    let store = world.store().await.unwrap();
    for (status, code) in [("PAUSED", "ConsentPaused"), ("REVOKED", "ConsentRevoked")] {
        store
            .set_artefact_status(&artefact.consent_id, status)
            .await
            .unwrap();
        let answer = world
            .rebit_post("FIU-1", "/FI/fetch", &fetch_body(&session_id))
            .await;
        assert_error(&answer, 403, code);
    }
    store
        .set_artefact_status(&artefact.consent_id, "ACTIVE")
        .await
        .unwrap();
    let mut stranger = fetch_body(&session_id);
    stranger["linkRefNumber"] = json!([{ "id": "NOPE" }]);
    let answer = world.rebit_post("FIU-1", "/FI/fetch", &stranger).await;
    assert_error(&answer, 400, "InvalidRequest");
    let answer = world
        .rebit_post("FIU-1", "/FI/fetch", &fetch_body(&session_id))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}
