//! Issue 13 at the FIU: notifications checked against the state they refer to
//! (`fiu_service::domain::answers`): a consent or FI session in a final state does not move
//! back, an FI notification names only its session's FIP and accounts, and nothing is fetched
//! once the AA ended a session. Each refusal is the spec's code and changes nothing.

use aa_testkit::fakes::FiSession;
use serde_json::{json, Value};

use crate::fi_flow::{account, active_consent, fip, only_request, wait_session_known};
use crate::helpers::{
    assert_rebit_error, fi_notification, notification, spawn, spawn_with, Options, TestApp,
};

#[tokio::test]
async fn active_after_the_poll_saw_failed_is_400_invalid_consent_status() {
    let app = spawn_with(Options {
        poll: true,
        ..Options::default()
    })
    .await;
    let handle = app.create_consent("wealth-monthly").await;
    let consent_id = app.aa.approve(&handle);
    app.aa.alter_answers("/Consent/handle", |a| {
        a["ConsentStatus"] = json!({"status": "FAILED"});
    });
    assert_eq!(app.consent(&handle).await["status"], "FAILED");
    let before = app.consent_state(&handle).await;
    let late = app
        .notify(&notification(Some(&handle), Some(&consent_id), "ACTIVE"))
        .await;
    assert_rebit_error(&late, 400, "InvalidConsentStatus");
    assert_eq!(app.consent_state(&handle).await, before, "nothing changed");
    assert_eq!(app.aa.fetches(), 0);
}

#[tokio::test]
async fn a_revoked_consent_notified_active_or_paused_again_is_400_invalid_consent_status() {
    let app = spawn().await;
    let handle = app.create_consent("wealth-monthly").await;
    let consent_id = app.aa.approve(&handle);
    for status in ["ACTIVE", "REVOKED"] {
        let answer = app
            .notify(&notification(Some(&handle), Some(&consent_id), status))
            .await;
        assert_eq!(answer.status, 200, "{status}: {}", answer.body);
        app.wait_fetched(&handle, &consent_id).await;
    }
    let before = app.consent_state(&handle).await;
    for status in ["ACTIVE", "PAUSED"] {
        let late = app
            .notify(&notification(Some(&handle), Some(&consent_id), status))
            .await;
        assert_rebit_error(&late, 400, "InvalidConsentStatus");
    }
    // The same final status again is a re-send: answered OK, changing nothing.
    let again = app
        .notify(&notification(Some(&handle), Some(&consent_id), "REVOKED"))
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(app.consent_state(&handle).await, before, "nothing changed");
    assert_eq!(app.aa.fetches(), 1);
}

/// An FI session opened for FIP-1's `link-1`, its session id known; returns the request id.
async fn open_session(app: &TestApp) -> (String, String, FiSession) {
    let (handle, ids) =
        active_consent(app, &[("FIP-1", &[("link-1", "XXXXXXXX1111", "DEPOSIT")])]).await;
    let session = app.aa.wait_fi_request(&ids[0]).await;
    let request_id = only_request(app, &handle).await;
    wait_session_known(app, &request_id, &ids[0], &session).await;
    (request_id, ids[0].clone(), session)
}

fn auto() -> Options {
    Options {
        auto_request: true,
        ..Options::default()
    }
}

#[tokio::test]
async fn an_fi_notification_naming_an_account_not_in_the_session_is_400_invalid_request() {
    let app = spawn_with(auto()).await;
    let (request_id, consent_id, session) = open_session(&app).await;
    let before = app.data_request(&request_id).await;
    let body = fi_notification(
        &session.session_id,
        "COMPLETED",
        "FIP-1",
        &[("link-1", "READY"), ("link-not-consented", "READY")],
    );
    let answer = app.fi_notify_as("AA-1", &body).await;
    assert_rebit_error(&answer, 400, "InvalidRequest");
    assert!(answer.body["errorMsg"]
        .as_str()
        .unwrap()
        .contains("link-not-consented"));
    let after = app.data_request(&request_id).await;
    assert_eq!(
        fip(&after, &consent_id),
        fip(&before, &consent_id),
        "nothing changed"
    );
    assert_eq!(app.aa.fi_fetch_calls(), (0, 0));
}

#[tokio::test]
async fn an_fi_notification_naming_another_fip_is_400_invalid_request() {
    let app = spawn_with(auto()).await;
    let (request_id, consent_id, session) = open_session(&app).await;
    let before = app.data_request(&request_id).await;
    let body = fi_notification(
        &session.session_id,
        "COMPLETED",
        "FIP-2",
        &[("link-1", "READY")],
    );
    let answer = app.fi_notify_as("AA-1", &body).await;
    assert_rebit_error(&answer, 400, "InvalidRequest");
    let after = app.data_request(&request_id).await;
    assert_eq!(
        fip(&after, &consent_id),
        fip(&before, &consent_id),
        "nothing changed"
    );
    assert_eq!(app.aa.fi_fetch_calls(), (0, 0));
}

/// Notifies `session_status` with `link-1` `READY`; waits for the session to end.
async fn ended_by(app: &TestApp, session_status: &str) -> Value {
    let (request_id, consent_id, session) = open_session(app).await;
    let body = fi_notification(
        &session.session_id,
        session_status,
        "FIP-1",
        &[("link-1", "READY")],
    );
    let answer = app.fi_notify_as("AA-1", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let done = app
        .wait_data_request(&request_id, |r| r["status"] != "PENDING")
        .await;
    fip(&done, &consent_id).clone()
}

#[tokio::test]
async fn nothing_is_fetched_after_an_expired_session_notification() {
    let app = spawn_with(auto()).await;
    let view = ended_by(&app, "EXPIRED").await;
    assert_eq!(view["status"], "FAILED", "{view}");
    assert!(
        view["error"].as_str().unwrap().contains("EXPIRED"),
        "{view}"
    );
    assert_eq!(account(&view, "link-1")["data"], Value::Null);
    assert_eq!(app.aa.fi_fetch_calls(), (0, 0));
}

#[tokio::test]
async fn nothing_is_fetched_after_a_failed_session_notification() {
    let app = spawn_with(auto()).await;
    let view = ended_by(&app, "FAILED").await;
    assert_eq!(view["status"], "FAILED", "{view}");
    assert_eq!(app.aa.fi_fetch_calls(), (0, 0));
}

#[tokio::test]
async fn a_notification_changing_a_session_the_fiu_ended_is_400_invalid_session_status() {
    let app = spawn_with(auto()).await;
    let (request_id, consent_id, session) = open_session(&app).await;
    let expired = fi_notification(
        &session.session_id,
        "EXPIRED",
        "FIP-1",
        &[("link-1", "PENDING")],
    );
    assert_eq!(app.fi_notify_as("AA-1", &expired).await.status, 200);
    let ended = app
        .wait_data_request(&request_id, |r| r["status"] != "PENDING")
        .await;
    assert_eq!(fip(&ended, &consent_id)["status"], "FAILED", "{ended}");
    let late = fi_notification(
        &session.session_id,
        "COMPLETED",
        "FIP-1",
        &[("link-1", "READY")],
    );
    let answer = app.fi_notify_as("AA-1", &late).await;
    assert_rebit_error(&answer, 400, "InvalidSessionStatus");
    let after = app.data_request(&request_id).await;
    assert_eq!(
        fip(&after, &consent_id),
        fip(&ended, &consent_id),
        "nothing changed"
    );
    assert_eq!(app.aa.fi_fetch_calls(), (0, 0));
}
