//! Idempotency of `POST /Consent/Notification` and `POST /FI/Notification`, scoped by (caller,
//! endpoint): a `txnid` names one flow (the AA reuses the FIU's `txnid` in every notification
//! of a consent, or of an FI session, as the AA spec asks), so the same notification again is
//! answered the same with no second effect, the next notification of the same flow is
//! accepted, and the same `txnid` about another consent or session is 409 `IdempotencyError`.

use crate::fi_flow::{deposit, only_request, wait_session_known, xml, NARRATION};
use crate::helpers::{
    artefact, assert_rebit_error, fi_notification, notification, spawn, spawn_with, Options,
};
use aa_core::registry::Role;
use aa_runtime::idempotency::{Endpoint, Incoming};
use fiu_service::persistence::Store;

/// Binds `caller`'s `txnid` on `endpoint` to `subject` as a notification received at `at`
/// would, unless it is bound already; returns whether it is bound to `subject`.
pub async fn bind(
    store: &Store,
    caller: &str,
    endpoint: Endpoint,
    txnid: &str,
    subject: &str,
    at: time::OffsetDateTime,
) -> Result<bool, aa_runtime::http::RebitError> {
    let incoming = Incoming {
        caller,
        role: Role::Aa,
        endpoint,
        txnid,
        body: b"",
        subject,
    };
    let keys = store.idempotency(&[]);
    let at_ms = aa_runtime::clock::millis(at);
    Ok(keys.hold(&incoming, at_ms).await? || keys.matches(&incoming).await? == Some(true))
}

#[tokio::test]
async fn a_consent_notifications_txnid_reused_for_another_consent_is_409_idempotency_error() {
    let app = spawn().await;
    let first = app.create_consent("wealth-monthly").await;
    let second = app.create_consent("wealth-monthly").await;
    let first_id = app.aa.approve(&first);
    let second_id = app.aa.approve(&second);
    let body = notification(Some(&first), Some(&first_id), "ACTIVE");
    let answer = app.notify(&body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    app.wait_fetched(&first, &first_id).await;
    let jobs = app.store.pending_job_count().await.unwrap();

    let mut other = notification(Some(&second), Some(&second_id), "ACTIVE");
    other["txnid"] = body["txnid"].clone();
    let answer = app.notify(&other).await;
    assert_rebit_error(&answer, 409, "IdempotencyError");
    assert_eq!(answer.body["txnid"], body["txnid"]);
    assert_eq!(answer.body["ver"], "2.0.0");
    let untouched = app.consent(&second).await;
    assert_eq!(untouched["status"], "PENDING", "{untouched}");
    assert!(artefact(&untouched, &second_id).is_none(), "{untouched}");
    assert_eq!(app.store.pending_job_count().await.unwrap(), jobs);
    assert_eq!(app.aa.fetches(), 1, "no fetch for the refused notification");
}

#[tokio::test]
async fn the_aas_txnid_reused_for_the_next_status_of_the_same_consent_is_accepted() {
    let app = spawn().await;
    let handle = app.create_consent("wealth-monthly").await;
    let consent_id = app.aa.approve(&handle);
    let active = notification(Some(&handle), Some(&consent_id), "ACTIVE");
    assert_eq!(app.notify(&active).await.status, 200);
    app.wait_fetched(&handle, &consent_id).await;
    let mut paused = notification(Some(&handle), Some(&consent_id), "PAUSED");
    paused["txnid"] = active["txnid"].clone();
    let answer = app.notify(&paused).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(app.consent(&handle).await["status"], "PAUSED");
}

#[tokio::test]
async fn an_fi_notifications_txnid_reused_for_another_session_is_409_idempotency_error() {
    let app = spawn_with(Options {
        auto_request: true,
        ..Options::default()
    })
    .await;
    let mut sessions = Vec::new();
    for _ in 0..2 {
        let handle = app.create_consent("loan-underwriting").await;
        let consent_id = app.aa.approve(&handle);
        let answer = app
            .notify(&notification(Some(&handle), Some(&consent_id), "ACTIVE"))
            .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        let session = app.aa.wait_fi_request(&consent_id).await;
        let request_id = only_request(&app, &handle).await;
        wait_session_known(&app, &request_id, &consent_id, &session).await;
        sessions.push((session, request_id));
    }
    let (first, _) = &sessions[0];
    let (second, second_request) = &sessions[1];
    let pending = fi_notification(
        &first.session_id,
        "ACTIVE",
        "FIP-1",
        &[("link-ref-1", "PENDING")],
    );
    let answer = app.fi_notify_as("AA-1", &pending).await;
    assert_eq!(answer.status, 200, "{}", answer.body);

    let mut other = fi_notification(
        &second.session_id,
        "COMPLETED",
        "FIP-1",
        &[("link-ref-1", "READY")],
    );
    other["txnid"] = pending["txnid"].clone();
    let answer = app.fi_notify_as("AA-1", &other).await;
    assert_rebit_error(&answer, 409, "IdempotencyError");
    assert_eq!(answer.body["txnid"], pending["txnid"]);
    let untouched = app.data_request(second_request).await;
    assert_eq!(untouched["fips"][0]["status"], "PENDING", "{untouched}");
    assert_eq!(
        untouched["fips"][0]["accounts"][0]["fiStatus"], "PENDING",
        "{untouched}"
    );
    assert_eq!(app.aa.fi_fetch_calls(), (0, 0), "nothing fetched");

    // The same txnid for the next step of the first session is the same flow.
    let mut ready = fi_notification(
        &first.session_id,
        "COMPLETED",
        "FIP-1",
        &[("link-ref-1", "READY")],
    );
    ready["txnid"] = pending["txnid"].clone();
    let answer = app.fi_notify_as("AA-1", &ready).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn the_same_txnid_on_another_endpoint_or_from_another_caller_is_not_a_conflict() {
    let app = spawn().await;
    let txnid = uuid::Uuid::new_v4().to_string();
    let now = time::OffsetDateTime::now_utc();
    let store = &app.store;
    let bind = |caller: &'static str, endpoint, subject: &'static str| {
        let txnid = txnid.clone();
        async move {
            bind(store, caller, endpoint, &txnid, subject, now)
                .await
                .unwrap()
        }
    };
    assert!(bind("AA-1", Endpoint::ConsentNotification, "handle-1").await);
    assert!(bind("AA-1", Endpoint::FiNotification, "session-1").await);
    assert!(bind("AA-2", Endpoint::ConsentNotification, "handle-2").await);
    assert!(bind("AA-1", Endpoint::ConsentNotification, "handle-1").await);
    assert!(!bind("AA-1", Endpoint::ConsentNotification, "handle-2").await);
    assert!(!bind("AA-2", Endpoint::ConsentNotification, "handle-1").await);
}

#[tokio::test]
async fn the_same_fi_notification_again_is_answered_ok_with_no_second_effect() {
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
    let first = app.fi_notify_as("AA-1", &body).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let done = app
        .wait_data_request(&request_id, |r| r["status"] != "PENDING")
        .await;
    assert_eq!(done["status"], "COMPLETED", "{done}");

    let again = app.fi_notify_as("AA-1", &body).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body["response"], first.body["response"]);
    assert_eq!(again.body["txnid"], first.body["txnid"]);
    assert_eq!(again.body["ver"], first.body["ver"]);
    assert_eq!(app.store.pending_job_count().await.unwrap(), 0);
    assert_eq!(app.aa.fi_fetch_calls(), (1, 0), "fetched once");
    assert_eq!(app.data_request(&request_id).await, done, "nothing changed");
}

#[tokio::test]
async fn txnid_bindings_are_forgotten_by_the_sweep_after_a_day_and_not_before() {
    // The service's own sweep runs once at start-up, at whatever moment the scheduler gives it
    // (it may read the clock before this test binds and delete after). With the clock three
    // days back from the service's first moment it forgets nothing this test binds.
    let app = spawn_with(Options {
        manual_clock: true,
        manual_clock_back: time::Duration::days(3),
        ..Options::default()
    })
    .await;
    let now = app.clock.now() + time::Duration::days(3);
    let bind = |txnid: &str, subject: &str, at| {
        let (store, txnid, subject) = (app.store.clone(), txnid.to_owned(), subject.to_owned());
        async move {
            let endpoint = Endpoint::FiNotification;
            bind(&store, "AA-1", endpoint, &txnid, &subject, at)
                .await
                .unwrap()
        }
    };
    let (old, fresh) = (
        uuid::Uuid::new_v4().to_string(),
        uuid::Uuid::new_v4().to_string(),
    );
    assert!(bind(&old, "session-1", now - time::Duration::days(2)).await);
    assert!(bind(&fresh, "session-3", now - time::Duration::hours(23)).await);
    assert!(!bind(&old, "session-2", now).await, "bound until a sweep");

    app.sweep_at(now).await;
    assert!(
        !bind(&fresh, "session-4", now).await,
        "a binding younger than a day is kept"
    );
    assert!(
        bind(&old, "session-2", now).await,
        "the two-day-old txnid is forgotten and bound afresh"
    );
}
