//! `POST /FI/Notification` refusals on the ownership rules: a `Notifier` that is not the calling
//! AA is 400 `InvalidNotifier`; a session this FIU did not open with the calling AA is 400
//! `InvalidSessionId`. Each answer echoes the `txnid`, is signed, and nothing changes: the
//! data request as shown, the jobs queued, and no fetch.

use serde_json::{json, Value};

use crate::fi_flow::{only_request, wait_session_known};
use crate::helpers::{
    assert_rebit_error, fi_notification, notification, spawn_with, Options, TestApp,
};

/// An FIU with one session opened at AA-1 and waiting for the FIP; returns it, the AA's
/// session id and the data request id.
async fn waiting_session() -> (TestApp, String, String) {
    let app = spawn_with(Options {
        auto_request: true,
        ..Options::default()
    })
    .await;
    let handle = app.create_consent("loan-underwriting").await;
    let consent_id = app.aa.approve(&handle);
    let answer = app
        .notify(&notification(Some(&handle), Some(&consent_id), "ACTIVE"))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let session = app.aa.wait_fi_request(&consent_id).await;
    let request_id = only_request(&app, &handle).await;
    wait_session_known(&app, &request_id, &consent_id, &session).await;
    (app, session.session_id, request_id)
}

/// A notification that would make the session ready and fetch it.
fn ready(session_id: &str) -> Value {
    fi_notification(session_id, "COMPLETED", "FIP-1", &[("link-ref-1", "READY")])
}

/// What a refused notification must not change.
async fn state(app: &TestApp, request_id: &str) -> (Value, u64, (usize, usize)) {
    (
        app.data_request(request_id).await,
        app.store.pending_job_count().await.unwrap(),
        app.aa.fi_fetch_calls(),
    )
}

#[tokio::test]
async fn an_fi_notification_whose_notifier_is_not_the_calling_aa_is_400_invalid_notifier() {
    let (app, session_id, request_id) = waiting_session().await;
    let before = state(&app, &request_id).await;
    for notifier in [
        json!({"type": "AA", "id": "AA-2"}),
        json!({"type": "FIP", "id": "AA-1"}),
    ] {
        let mut body = ready(&session_id);
        body["Notifier"] = notifier;
        let answer = app.fi_notify_as("AA-1", &body).await;
        assert_rebit_error(&answer, 400, "InvalidNotifier");
        assert_eq!(answer.body["txnid"], body["txnid"]);
        assert_eq!(state(&app, &request_id).await, before, "nothing changed");
    }
}

#[tokio::test]
async fn an_fi_notification_for_an_unknown_session_is_400_invalid_session_id() {
    let (app, _, request_id) = waiting_session().await;
    let before = state(&app, &request_id).await;
    let body = ready("9f0c7d0e-7b1a-4c39-8f57-54b1f0b2a001");
    let answer = app.fi_notify_as("AA-1", &body).await;
    assert_rebit_error(&answer, 400, "InvalidSessionId");
    assert_eq!(answer.body["txnid"], body["txnid"]);
    assert_eq!(state(&app, &request_id).await, before, "nothing changed");
}

#[tokio::test]
async fn an_fi_notification_from_another_aa_about_aa_1s_session_is_400_invalid_session_id() {
    let (app, session_id, request_id) = waiting_session().await;
    let before = state(&app, &request_id).await;
    let mut body = ready(&session_id);
    body["Notifier"] = json!({"type": "AA", "id": "AA-2"});
    let answer = app.fi_notify_as("AA-2", &body).await;
    assert_rebit_error(&answer, 400, "InvalidSessionId");
    assert_eq!(answer.body["txnid"], body["txnid"]);
    assert_eq!(state(&app, &request_id).await, before, "nothing changed");
}

#[tokio::test]
async fn only_an_aa_may_send_an_fi_notification() {
    let (app, session_id, request_id) = waiting_session().await;
    let before = state(&app, &request_id).await;
    let answer = app.fi_notify_as("FIP-1", &ready(&session_id)).await;
    assert_rebit_error(&answer, 401, "Unauthorized");
    assert_eq!(state(&app, &request_id).await, before, "nothing changed");
}
