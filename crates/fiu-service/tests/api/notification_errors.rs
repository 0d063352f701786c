//! `POST /Consent/Notification` refusals, one rule broken at a time, each answered with the
//! spec's code, echoing `txnid`, and signed by the FIU; the ownership rules (InvalidNotifier,
//! InvalidConsentId) also show that nothing changed.

use aa_core::jws::SigningKey;
use aa_core::registry::Role;
use aa_testkit::{keys, mint_api_key};
use serde_json::json;

use crate::helpers::{assert_rebit_error, notification, spawn, TestApp, TOKEN};

async fn pending(app: &TestApp) -> (String, serde_json::Value) {
    let handle = app.create_consent("wealth-monthly").await;
    let body = notification(Some(&handle), None, "REJECTED");
    (handle, body)
}

#[tokio::test]
async fn a_consent_notification_whose_notifier_is_not_the_calling_aa_is_400_invalid_notifier() {
    let app = spawn().await;
    let (handle, mut body) = pending(&app).await;
    let before = app.consent_state(&handle).await;
    for notifier in [
        json!({"type": "AA", "id": "AA-2"}),
        json!({"type": "FIP", "id": "AA-1"}),
        json!({"type": "FIU", "id": "AA-1"}),
    ] {
        body["Notifier"] = notifier;
        let answer = app.notify(&body).await;
        assert_rebit_error(&answer, 400, "InvalidNotifier");
        assert_eq!(answer.body["txnid"], body["txnid"]);
        assert_eq!(answer.body["ver"], body["ver"]);
        assert_eq!(app.consent_state(&handle).await, before, "nothing changed");
    }
}

#[tokio::test]
async fn a_consent_notification_from_another_aa_than_the_consents_is_400_invalid_notifier() {
    let app = spawn().await;
    let (handle, mut body) = pending(&app).await;
    let before = app.consent_state(&handle).await;
    body["Notifier"]["id"] = "AA-2".into();
    let answer = app.notify_as("AA-2", body.to_string().as_bytes()).await;
    assert_rebit_error(&answer, 400, "InvalidNotifier");
    assert_eq!(answer.body["txnid"], body["txnid"]);
    assert_eq!(app.consent_state(&handle).await, before, "nothing changed");
}

#[tokio::test]
async fn a_consent_notification_for_an_unknown_consent_is_400_invalid_consent_id() {
    let app = spawn().await;
    let (handle, _) = pending(&app).await;
    let before = app.consent_state(&handle).await;
    let unknown = "0b811819-9044-4856-b0ee-8c88035f8858";
    for body in [
        notification(Some(unknown), None, "ACTIVE"),
        notification(None, Some(unknown), "ACTIVE"),
        notification(Some(unknown), Some(unknown), "REVOKED"),
    ] {
        let answer = app.notify(&body).await;
        assert_rebit_error(&answer, 400, "InvalidConsentId");
        assert_eq!(answer.body["txnid"], body["txnid"]);
        assert_eq!(app.consent_state(&handle).await, before, "nothing changed");
    }
    let (_, list) = app.app("GET", "/app/consents", Some(TOKEN), None).await;
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "no consent recorded: {list}"
    );
    assert_eq!(app.aa.fetches(), 0);
    let answer = app.notify(&notification(None, None, "ACTIVE")).await;
    assert_rebit_error(&answer, 400, "InvalidRequest");
}

#[tokio::test]
async fn a_bad_signature_is_signature_does_not_match() {
    let app = spawn().await;
    let (handle, body) = pending(&app).await;
    let bytes = body.to_string();
    let key = app.eco.api_key("AA-1");
    // A key that is not AA-1's, claiming AA-1's kid.
    let forger = SigningKey::from_pem(keys::OTHER, "aa-1-sig").unwrap();
    let answer = app
        .notify_raw(Some(("aa_api_key", &key)), Some(&forger), bytes.as_bytes())
        .await;
    assert_rebit_error(&answer, 400, "SignatureDoesNotMatch");
    assert_eq!(answer.body["txnid"], body["txnid"]);
    // No signature at all.
    let answer = app
        .notify_raw(Some(("aa_api_key", &key)), None, bytes.as_bytes())
        .await;
    assert_rebit_error(&answer, 400, "SignatureDoesNotMatch");
    // Signed, then the body changed.
    let signer = app.eco.signer("AA-1");
    let signature = aa_core::jws::detached::sign(&signer, bytes.as_bytes());
    let tampered = bytes.replace("REJECTED", "EXPIRED");
    let answer = reqwest::Client::new()
        .post(format!("{}/Consent/Notification", app.address))
        .header("content-type", "application/json")
        .header("aa_api_key", key.as_str())
        .header("x-jws-signature", signature)
        .body(tampered)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 400);
    assert_eq!(app.consent(&handle).await["status"], "PENDING");
}

#[tokio::test]
async fn a_missing_bad_or_expired_api_key_is_unauthorized() {
    let app = spawn().await;
    let (_, body) = pending(&app).await;
    let bytes = body.to_string();
    let signer = app.eco.signer("AA-1");
    let expired = mint_api_key("AA-1", Role::Aa, -1);
    for key in [None, Some("not-a-jwt"), Some(expired.as_str())] {
        let answer = app
            .notify_raw(
                key.map(|k| ("aa_api_key", k)),
                Some(&signer),
                bytes.as_bytes(),
            )
            .await;
        assert_rebit_error(&answer, 401, "Unauthorized");
    }
}

#[tokio::test]
async fn an_api_key_of_another_entity_than_the_signer_is_invalid_request() {
    let app = spawn().await;
    let (_, body) = pending(&app).await;
    let key = app.eco.api_key("AA-2");
    let signer = app.eco.signer("AA-1");
    let answer = app
        .notify_raw(
            Some(("aa_api_key", &key)),
            Some(&signer),
            body.to_string().as_bytes(),
        )
        .await;
    assert_rebit_error(&answer, 400, "InvalidRequest");
}

#[tokio::test]
async fn only_an_aa_may_notify() {
    let app = spawn().await;
    let (_, mut body) = pending(&app).await;
    body["Notifier"] = json!({"type": "FIP", "id": "FIP-1"});
    let key = app.eco.api_key("FIP-1");
    let signer = app.eco.signer("FIP-1");
    let answer = app
        .notify_raw(
            Some(("fip_api_key", &key)),
            Some(&signer),
            body.to_string().as_bytes(),
        )
        .await;
    assert_rebit_error(&answer, 401, "Unauthorized");
}

#[tokio::test]
async fn an_unsupported_version_is_no_such_version() {
    let app = spawn().await;
    let (handle, mut body) = pending(&app).await;
    body["ver"] = "3.0.0".into();
    let answer = app.notify(&body).await;
    assert_rebit_error(&answer, 404, "NoSuchVersion");
    assert_eq!(answer.body["txnid"], body["txnid"]);
    assert_eq!(app.consent(&handle).await["status"], "PENDING");
}

#[tokio::test]
async fn a_stale_timestamp_or_malformed_body_is_invalid_request() {
    let app = spawn().await;
    let (_, mut body) = pending(&app).await;
    body["timestamp"] = "2020-01-01T00:00:00.000Z".into();
    assert_rebit_error(&app.notify(&body).await, 400, "InvalidRequest");
    body["txnid"] = "not-a-uuid".into();
    body["timestamp"] = aa_core::timefmt::now_millis().into();
    assert_rebit_error(&app.notify(&body).await, 400, "InvalidRequest");
    let answer = app.notify_as("AA-1", b"{\"ver\":\"2.0.0\"}").await;
    assert_rebit_error(&answer, 400, "InvalidRequest");
    let mut body = notification(None, None, "SOMETHING");
    body["ConsentStatusNotification"]["consentHandle"] = "h".into();
    assert_rebit_error(&app.notify(&body).await, 400, "InvalidRequest");
}

#[tokio::test]
async fn a_1_1_x_notification_is_answered_in_its_version() {
    let app = spawn().await;
    let (handle, mut body) = pending(&app).await;
    body["ver"] = "1.1.2".into();
    let answer = app.notify(&body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["ver"], "1.1.2");
    assert_eq!(app.consent(&handle).await["status"], "REJECTED");
}

#[tokio::test]
async fn a_consent_notification_naming_another_handles_consent_id_is_400_invalid_consent_id() {
    let app = spawn().await;
    let first = app.create_consent("wealth-monthly").await;
    let second = app.create_consent("wealth-monthly").await;
    let consent_id = app.aa.approve(&first);
    let answer = app
        .notify(&notification(Some(&first), Some(&consent_id), "ACTIVE"))
        .await;
    assert_eq!(answer.status, 200);
    app.wait_fetched(&first, &consent_id).await;
    let before = (
        app.consent_state(&first).await,
        app.consent_state(&second).await,
    );
    let answer = app
        .notify(&notification(Some(&second), Some(&consent_id), "REVOKED"))
        .await;
    assert_rebit_error(&answer, 400, "InvalidConsentId");
    let after = (
        app.consent_state(&first).await,
        app.consent_state(&second).await,
    );
    assert_eq!(after, before, "neither consent changed");
}
