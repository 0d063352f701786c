//! Status notifications after the artefact: pause, resume, revoke, stale messages, rejection,
//! and the same notification delivered twice.

use serde_json::json;

use crate::helpers::{
    artefact, assert_rebit_error, notification, spawn, spawn_with, Db, Options, TestApp,
};

async fn the_same_notification_twice_is_answered_ok_and_changes_nothing(app: TestApp) {
    let handle = app.create_consent("wealth-monthly").await;
    let consent_id = app.aa.approve(&handle);
    let body = notification(Some(&handle), Some(&consent_id), "ACTIVE").to_string();
    let first = app.notify_as("AA-1", body.as_bytes()).await;
    assert_eq!(first.status, 200, "{}", first.body);
    app.wait_fetched(&handle, &consent_id).await;
    let before = app.consent(&handle).await;

    let second = app.notify_as("AA-1", body.as_bytes()).await;
    assert_eq!(second.status, 200, "{}", second.body);
    assert_eq!(second.body["response"], "OK");
    assert_eq!(second.body["txnid"], first.body["txnid"]);
    assert_eq!(
        app.store.pending_job_count().await.unwrap(),
        0,
        "no second fetch queued"
    );
    assert_eq!(app.consent(&handle).await, before);
    assert_eq!(app.aa.fetches(), 1);

    // An outbox retry re-stamps the timestamp: still the same notification.
    let mut retried: serde_json::Value = serde_json::from_str(&body).unwrap();
    retried["timestamp"] = aa_core::timefmt::now_millis().into();
    let third = app.notify(&retried).await;
    assert_eq!(third.status, 200, "{}", third.body);
    assert_eq!(app.store.pending_job_count().await.unwrap(), 0);
    assert_eq!(app.consent(&handle).await, before);

    // Replayed after a later status, the old ACTIVE must not resurrect the consent.
    let paused = app
        .notify(&notification(Some(&handle), Some(&consent_id), "PAUSED"))
        .await;
    assert_eq!(paused.status, 200);
    let replay = app.notify_as("AA-1", body.as_bytes()).await;
    assert_eq!(replay.status, 200, "{}", replay.body);
    assert_eq!(app.consent(&handle).await["status"], "PAUSED");
}

#[tokio::test]
async fn the_same_notification_twice_changes_nothing_on_sqlite() {
    the_same_notification_twice_is_answered_ok_and_changes_nothing(spawn().await).await;
}

#[tokio::test]
async fn the_same_notification_twice_changes_nothing_on_postgres() {
    let app = spawn_with(Options {
        db: Db::Postgres,
        ..Options::default()
    })
    .await;
    the_same_notification_twice_is_answered_ok_and_changes_nothing(app).await;
}

#[tokio::test]
async fn pause_resume_and_revoke_are_stored() {
    let app = spawn().await;
    let handle = app.create_consent("wealth-monthly").await;
    let consent_id = app.aa.approve(&handle);
    let active = app
        .notify(&notification(Some(&handle), Some(&consent_id), "ACTIVE"))
        .await;
    assert_eq!(active.status, 200);
    app.wait_fetched(&handle, &consent_id).await;

    for (status, expected) in [
        ("PAUSED", "PAUSED"),
        ("ACTIVE", "ACTIVE"),
        ("REVOKED", "REVOKED"),
        // The same final status again is a re-send (a later other one is refused:
        // notification_rules).
        ("REVOKED", "REVOKED"),
    ] {
        let answer = app
            .notify(&notification(Some(&handle), Some(&consent_id), status))
            .await;
        assert_eq!(answer.status, 200, "{status}: {}", answer.body);
        let consent = app.consent(&handle).await;
        assert_eq!(consent["status"], expected, "after {status}: {consent}");
        let artefact = artefact(&consent, &consent_id).unwrap();
        assert_eq!(artefact["status"], expected);
        assert_eq!(artefact["verified"], true, "the verified artefact is kept");
    }
    assert_eq!(app.aa.fetches(), 1);
}

#[tokio::test]
async fn a_status_without_consent_id_applies_to_the_whole_request() {
    let app = spawn().await;
    let handle = app.create_consent("wealth-monthly").await;
    let first = app.aa.approve(&handle);
    let second = app.aa.approve(&handle);
    for id in [&first, &second] {
        let answer = app
            .notify(&notification(Some(&handle), Some(id), "ACTIVE"))
            .await;
        assert_eq!(answer.status, 200);
    }
    app.wait_fetched(&handle, &first).await;
    app.wait_fetched(&handle, &second).await;
    let answer = app
        .notify(&notification(Some(&handle), None, "EXPIRED"))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let consent = app.consent(&handle).await;
    assert_eq!(consent["status"], "EXPIRED");
    for artefact in consent["artefacts"].as_array().unwrap() {
        assert_eq!(artefact["status"], "EXPIRED");
    }
}

#[tokio::test]
async fn a_rejection_is_stored_and_final() {
    let app = spawn().await;
    let handle = app.create_consent("loan-underwriting").await;
    let answer = app
        .notify(&notification(Some(&handle), None, "REJECTED"))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let consent = app.consent(&handle).await;
    assert_eq!(consent["status"], "REJECTED");
    assert_eq!(consent["artefacts"], json!([]));
    let late = app
        .notify(&notification(
            Some(&handle),
            Some("6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"),
            "ACTIVE",
        ))
        .await;
    assert_rebit_error(&late, 400, "InvalidConsentStatus");
    assert_eq!(app.consent(&handle).await["status"], "REJECTED");
    assert_eq!(app.store.pending_job_count().await.unwrap(), 0);
}

#[tokio::test]
async fn a_notification_with_only_the_consent_requests_txnid_is_correlated() {
    let app = spawn().await;
    let handle = app.create_consent("wealth-monthly").await;
    let consent_id = app.aa.approve(&handle);
    let (_, request) = app.aa.requests().pop().unwrap();
    let mut body = notification(None, Some(&consent_id), "ACTIVE");
    body["txnid"] = request.txnid.clone().into();
    let answer = app.notify(&body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let artefact = app.wait_fetched(&handle, &consent_id).await;
    assert_eq!(artefact["fetch"], "VERIFIED");
}

#[tokio::test]
async fn a_resent_active_after_a_failed_fetch_is_answered_the_same_with_no_second_effect() {
    let app = spawn().await;
    app.aa.fail_fetches(100);
    let handle = app.create_consent("wealth-monthly").await;
    let consent_id = app.aa.approve(&handle);
    let body = notification(Some(&handle), Some(&consent_id), "ACTIVE");
    let first = app.notify(&body).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let failed = app.wait_fetched(&handle, &consent_id).await;
    assert_eq!(failed["fetch"], "FAILED", "{failed}");
    let before = app.consent(&handle).await;
    app.aa.fail_fetches(0);

    // The AA's outbox sends it again after a timeout: same txnid and body, a fresh timestamp.
    let mut resent = body.clone();
    resent["timestamp"] = aa_core::timefmt::now_millis().into();
    let again = app.notify(&resent).await;
    assert_eq!(again.status, 200, "{}", again.body);
    for field in ["ver", "txnid", "response"] {
        assert_eq!(again.body[field], first.body[field], "{field}");
    }
    assert_eq!(
        app.store.pending_job_count().await.unwrap(),
        0,
        "a re-send queues no second fetch"
    );
    assert_eq!(
        app.aa.fetches(),
        3,
        "the three attempts of the first fetch only"
    );
    assert_eq!(app.consent(&handle).await, before);
}

#[tokio::test]
async fn the_approvals_second_artefact_under_the_same_txnid_is_recorded_and_fetched() {
    let app = spawn().await;
    let handle = app.create_consent("wealth-monthly").await;
    let first = app.aa.approve(&handle);
    let second = app.aa.approve(&handle);
    assert_ne!(first, second);
    let mut body = notification(Some(&handle), Some(&first), "ACTIVE");
    assert_eq!(app.notify(&body).await.status, 200);
    app.wait_fetched(&handle, &first).await;
    body["ConsentStatusNotification"]["consentId"] = second.clone().into();
    let answer = app.notify(&body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let fetched = app.wait_fetched(&handle, &second).await;
    assert_eq!(fetched["fetch"], "VERIFIED", "{fetched}");
    assert_eq!(app.aa.fetches(), 2);
}
