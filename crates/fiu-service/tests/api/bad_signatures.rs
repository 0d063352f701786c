//! Answers whose signature does not verify are discarded by the FIU's AA client, and the
//! failure is recorded where an operator sees it: the fake AA answers one route with a valid
//! signature by AA-2's key (registered, but not the callee's) and an otherwise correct body.
//! `POST /Consent`: the app's call fails with 502 and nothing is stored. `POST /Consent/handle`
//! (the poll): the consent stays as it was and shows `pollError`. `POST /Consent/fetch`,
//! `POST /FI/request`, `POST /FI/fetch`: retried (a key roll-over may be in progress), then the
//! artefact or the session is `FAILED` with the reason, and nothing of the answer is used.

use serde_json::Value;

use crate::fi_flow::{account, deposit, fip, only_request, wait_session_known, xml, NARRATION};
use crate::helpers::{
    artefact, fi_notification, notification, spawn, spawn_with, Options, TestApp, CUSTOMER, TOKEN,
};

/// What the FIU records for an answer that did not verify.
const NOT_SIGNED: &str = "is not signed by it";

fn says_not_signed(error: &Value) -> bool {
    error.as_str().is_some_and(|e| e.contains(NOT_SIGNED))
}

async fn auto_app() -> TestApp {
    spawn_with(Options {
        auto_request: true,
        ..Options::default()
    })
    .await
}

/// Creates a consent, approves and notifies it; returns (handle, consent id).
async fn active(app: &TestApp) -> (String, String) {
    let handle = app.create_consent("loan-underwriting").await;
    let consent_id = app.aa.approve(&handle);
    let answer = app
        .notify(&notification(Some(&handle), Some(&consent_id), "ACTIVE"))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    (handle, consent_id)
}

#[tokio::test]
async fn a_consent_answer_whose_signature_does_not_verify_is_discarded_and_nothing_stored() {
    let app = spawn().await;
    app.aa.sign_badly("/Consent");
    let (status, body) = app
        .app(
            "POST",
            "/app/consents",
            Some(TOKEN),
            Some(serde_json::json!({"customer": CUSTOMER, "template": "wealth-monthly"})),
        )
        .await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(body["error"], "aa_unavailable");
    assert_eq!(
        body["message"], "AA-1's answer is not signed by it; it was discarded",
        "the app is told why, not only \"internal error\""
    );
    assert_eq!(app.aa.requests().len(), 1, "the AA was asked");
    let (status, list) = app.app("GET", "/app/consents", Some(TOKEN), None).await;
    assert_eq!(status, 200);
    assert_eq!(list, serde_json::json!([]), "the handle was not stored");
}

#[tokio::test]
async fn a_consent_handle_answer_whose_signature_does_not_verify_is_discarded_and_recorded() {
    let app = spawn_with(Options {
        poll: true,
        ..Options::default()
    })
    .await;
    let handle = app.create_consent("wealth-monthly").await;
    let consent_id = app.aa.approve(&handle);
    app.aa.sign_badly("/Consent/handle");
    let consent = app.consent(&handle).await;
    assert_eq!(consent["status"], "PENDING", "{consent}");
    assert!(artefact(&consent, &consent_id).is_none(), "{consent}");
    assert!(says_not_signed(&consent["pollError"]), "{consent}");
    assert_eq!(
        app.aa.fetches(),
        0,
        "the approved id in the answer was not used"
    );
    assert_eq!(app.store.pending_job_count().await.unwrap(), 0);
}

#[tokio::test]
async fn a_consent_fetch_answer_whose_signature_does_not_verify_is_discarded_and_recorded() {
    let app = spawn().await;
    app.aa.sign_badly("/Consent/fetch");
    let (handle, consent_id) = active(&app).await;
    let failed = app.wait_fetched(&handle, &consent_id).await;
    assert_eq!(failed["fetch"], "FAILED", "{failed}");
    assert_eq!(failed["verified"], false);
    assert_eq!(failed["consentDetail"], Value::Null);
    assert!(says_not_signed(&failed["error"]), "{failed}");
    assert_eq!(app.aa.fetches(), 3, "retried up to jobs.max_attempts");
    assert!(
        app.aa.fi_sessions().is_empty(),
        "no FI request without an artefact"
    );
}

#[tokio::test]
async fn an_fi_request_answer_whose_signature_does_not_verify_is_discarded_and_recorded() {
    let app = auto_app().await;
    app.aa.sign_badly("/FI/request");
    let (handle, consent_id) = active(&app).await;
    app.aa.wait_fi_request(&consent_id).await;
    let request_id = only_request(&app, &handle).await;
    let failed = app
        .wait_data_request(&request_id, |r| r["status"] != "PENDING")
        .await;
    assert_eq!(failed["status"], "FAILED", "{failed}");
    let session = fip(&failed, &consent_id);
    assert!(says_not_signed(&session["error"]), "{session}");
    assert_eq!(
        session["sessionId"],
        Value::Null,
        "the answer's sessionId was not used"
    );
    assert_eq!(
        app.aa.fi_sessions().len(),
        3,
        "retried up to jobs.max_attempts"
    );
}

#[tokio::test]
async fn an_fi_fetch_answer_whose_signature_does_not_verify_is_discarded_and_recorded() {
    let app = auto_app().await;
    app.aa.sign_badly("/FI/fetch");
    let (handle, consent_id) = active(&app).await;
    let session = app.aa.wait_fi_request(&consent_id).await;
    let request_id = only_request(&app, &handle).await;
    wait_session_known(&app, &request_id, &consent_id, &session).await;
    let document = deposit("link-ref-1", "XXXXXXXX1234", NARRATION);
    app.aa.deliver(
        &session,
        "FIP-1",
        &[("link-ref-1", "XXXXXXXX1234", xml(&document))],
        None,
    );
    let body = fi_notification(
        &session.session_id,
        "COMPLETED",
        "FIP-1",
        &[("link-ref-1", "READY")],
    );
    assert_eq!(app.fi_notify_as("AA-1", &body).await.status, 200);
    let failed = app
        .wait_data_request(&request_id, |r| r["status"] != "PENDING")
        .await;
    assert_eq!(failed["status"], "FAILED", "{failed}");
    let shown = fip(&failed, &consent_id);
    assert!(says_not_signed(&shown["error"]), "{shown}");
    assert_eq!(account(shown, "link-ref-1")["data"], Value::Null, "{shown}");
    assert_eq!(
        app.aa.fi_fetch_calls(),
        (3, 0),
        "retried up to jobs.max_attempts; a bad signature is no reason to try the GET"
    );
}
