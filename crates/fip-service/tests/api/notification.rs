//! `POST /Consent/Notification`.

use crate::helpers::{
    artefact, assert_error, consent_detail, consent_notification, deposit_links, TestApp, HANDLE,
};

/// A stored consent on the demo customer's deposit account; returns its id.
async fn consent(app: &TestApp) -> String {
    let discovered = app.discover().await;
    let links = deposit_links(&app.link_all().await, &discovered);
    let consent_id = uuid::Uuid::new_v4().to_string();
    let body = artefact(
        &consent_id,
        &consent_detail("FIP-1", HANDLE, &links),
        &app.eco.signer("AA-1"),
    );
    let answer = app.post("/Consent", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    consent_id
}

#[actix_web::test]
async fn notifications_move_the_status_and_repeats_change_nothing() {
    let app = TestApp::spawn().await;
    let consent_id = consent(&app).await;
    for status in ["PAUSED", "PAUSED", "ACTIVE", "ACTIVE", "REVOKED", "REVOKED"] {
        let body = consent_notification(&consent_id, status, "AA-1");
        let answer = app.post("/Consent/Notification", &body).await;
        assert_eq!(answer.status, 200, "{status}: {}", answer.body);
        assert_eq!(answer.body["response"], "OK");
        assert_eq!(answer.body["txnid"], body["txnid"]);
    }
    // Revoked is final.
    let body = consent_notification(&consent_id, "ACTIVE", "AA-1");
    let answer = app.post("/Consent/Notification", &body).await;
    assert_error(&answer, 400, "InvalidConsentStatus", Some(&body));
}

#[actix_web::test]
async fn an_unknown_consent_is_invalid_consent_id() {
    let app = TestApp::spawn().await;
    let body = consent_notification(&uuid::Uuid::new_v4().to_string(), "REVOKED", "AA-1");
    let answer = app.post("/Consent/Notification", &body).await;
    assert_error(&answer, 400, "InvalidConsentId", Some(&body));
}

#[actix_web::test]
async fn another_aa_cannot_change_a_consent_it_did_not_send() {
    let app = TestApp::spawn().await;
    let consent_id = consent(&app).await;
    let body = consent_notification(&consent_id, "REVOKED", "AA-2");
    let answer = app.post_as("AA-2", "/Consent/Notification", &body).await;
    assert_error(&answer, 400, "InvalidConsentId", Some(&body));
}

#[actix_web::test]
async fn the_notifier_must_be_the_calling_aa() {
    let app = TestApp::spawn().await;
    let consent_id = consent(&app).await;
    let body = consent_notification(&consent_id, "PAUSED", "AA-2");
    let answer = app.post("/Consent/Notification", &body).await;
    assert_error(&answer, 400, "InvalidNotifier", Some(&body));
}

#[actix_web::test]
async fn a_status_an_fip_is_not_told_about_is_invalid_consent_status() {
    let app = TestApp::spawn().await;
    let consent_id = consent(&app).await;
    let body = consent_notification(&consent_id, "REJECTED", "AA-1");
    let answer = app.post("/Consent/Notification", &body).await;
    assert_error(&answer, 400, "InvalidConsentStatus", Some(&body));
}
