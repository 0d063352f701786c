//! DataLife at the FIU: the data of a `STORE` consent is purged when its `DataLife` ends, the
//! data of a `VIEW` consent when its view session ends, all data of a consent when the AA says
//! `REVOKED` or `EXPIRED` or the consent's expiry passes; purged means the per-consent data key
//! and the account rows are deleted, and reading the data request is 410 `DataGone`.

use aa_core::timefmt;
use serde_json::{json, Value};
use time::{Duration, OffsetDateTime};

use crate::fi_flow::{account, deposit, fip, only_request, wait_session_known, xml, NARRATION};
use crate::helpers::{fi_notification, notification, spawn_with, Db, Options, TestApp, TOKEN};

/// A consent on `template` approved for FIP-1 (one account), its data fetched and shown;
/// returns (handle, consent id, data request id).
async fn fetched(app: &TestApp, template: &str) -> (String, String, String) {
    let handle = app.create_consent(template).await;
    let consent_id = app
        .aa
        .approve_for(&handle, "FIP-1", &[("link-1", "XXXXXXXX1111", "DEPOSIT")]);
    let answer = app
        .notify(&notification(Some(&handle), Some(&consent_id), "ACTIVE"))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let session = app.aa.wait_fi_request(&consent_id).await;
    let request_id = only_request(app, &handle).await;
    wait_session_known(app, &request_id, &consent_id, &session).await;
    let document = deposit("link-1", "XXXXXXXX1111", NARRATION);
    app.aa.deliver(
        &session,
        "FIP-1",
        &[("link-1", "XXXXXXXX1111", xml(&document))],
        None,
    );
    let body = fi_notification(
        &session.session_id,
        "COMPLETED",
        "FIP-1",
        &[("link-1", "READY")],
    );
    let answer = app.fi_notify_as("AA-1", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let done = app
        .wait_data_request(&request_id, |r| r["status"] != "PENDING")
        .await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    let shown = account(fip(&done, &consent_id), "link-1");
    assert_eq!(
        shown["data"]["transactions"]["transaction"][0]["narration"],
        NARRATION
    );
    (handle, consent_id, request_id)
}

/// `GET /app/data-requests/{id}`: status and body, whatever they are.
async fn read(app: &TestApp, request_id: &str) -> (u16, Value) {
    app.app(
        "GET",
        &format!("/app/data-requests/{request_id}"),
        Some(TOKEN),
        None,
    )
    .await
}

/// The data is there: the key row, the account row, and a 200 with the document.
async fn assert_present(app: &TestApp, consent_id: &str, request_id: &str) {
    assert!(app.store.has_data_key(consent_id).await.unwrap());
    assert_eq!(
        app.store.account_rows_of_consent(consent_id).await.unwrap(),
        1
    );
    let (status, body) = read(app, request_id).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        account(fip(&body, consent_id), "link-1")["data"]["maskedAccNumber"],
        "XXXXXXXX1111"
    );
}

/// The data is gone: no key row, no account rows, and 410 `DataGone` naming `why`.
async fn assert_gone(app: &TestApp, consent_id: &str, request_id: &str, why: &str) {
    assert!(!app.store.has_data_key(consent_id).await.unwrap());
    assert_eq!(
        app.store.account_rows_of_consent(consent_id).await.unwrap(),
        0
    );
    let (status, body) = read(app, request_id).await;
    assert_eq!(status, 410, "{body}");
    assert_eq!(body["error"], "DataGone", "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains(why), "{message}");
    assert!(!body.to_string().contains("NARRATION"), "{body}");
}

/// The session's `keepUntil` and the data request as shown.
async fn keep_until(app: &TestApp, consent_id: &str, request_id: &str) -> OffsetDateTime {
    let body = app.data_request(request_id).await;
    let at = fip(&body, consent_id)["keepUntil"]
        .as_str()
        .unwrap_or_else(|| panic!("no keepUntil: {body}"))
        .to_owned();
    timefmt::parse(&at).unwrap()
}

/// The FI flow on, on a manual clock: the sweeps below run at the time the test sets.
async fn auto_app(db: Db) -> TestApp {
    spawn_with(Options {
        db,
        auto_request: true,
        manual_clock: true,
        ..Options::default()
    })
    .await
}

async fn stored_data_is_purged_when_its_data_life_ends(app: TestApp) {
    // wealth-monthly: STORE, DataLife 3 MONTH, valid for a year.
    let fetched_at = app.clock.now();
    let (_, consent_id, request_id) = fetched(&app, "wealth-monthly").await;
    let until = keep_until(&app, &consent_id, &request_id).await;
    assert!(
        until >= fetched_at + Duration::days(89) && until <= fetched_at + Duration::days(93),
        "DataLife is 3 months from the fetch: {until}"
    );
    assert_eq!(
        app.sweep_at(until - Duration::seconds(1)).await,
        0,
        "nothing is purged before the DataLife ends"
    );
    assert_present(&app, &consent_id, &request_id).await;
    assert_eq!(app.sweep_at(until).await, 1);
    assert_gone(&app, &consent_id, &request_id, "DataLife ended").await;
    assert_eq!(app.sweep_at(until).await, 0, "purged once");
}

#[tokio::test]
async fn stored_data_is_purged_when_its_data_life_ends_on_sqlite() {
    stored_data_is_purged_when_its_data_life_ends(auto_app(Db::Sqlite).await).await;
}

#[tokio::test]
async fn stored_data_is_purged_when_its_data_life_ends_on_postgres() {
    stored_data_is_purged_when_its_data_life_ends(auto_app(Db::Postgres).await).await;
}

#[tokio::test]
async fn view_data_is_purged_by_the_sweep_when_its_view_session_ends() {
    let app = spawn_with(Options {
        auto_request: true,
        view_seconds: 3,
        manual_clock: true,
        ..Options::default()
    })
    .await;
    // income-check: VIEW, DataLife 1 DAY: the 3 s view session ends first.
    let fetched_at = app.clock.now();
    let (_, consent_id, request_id) = fetched(&app, "income-check").await;
    let until = keep_until(&app, &consent_id, &request_id).await;
    assert_eq!(
        timefmt::format_millis(until),
        timefmt::format_millis(fetched_at + Duration::seconds(3)),
        "the view session ends 3 s after the fetch"
    );
    assert_eq!(app.sweep_at(until - Duration::milliseconds(1)).await, 0);
    assert_eq!(read(&app, &request_id).await.0, 200, "kept until then");
    assert_eq!(app.sweep_at(until).await, 1);
    assert_eq!(read(&app, &request_id).await.0, 410);
    assert_gone(&app, &consent_id, &request_id, "view session ended").await;
}

async fn a_consent_notification_purges_all_its_data(status: &str, why: &str) {
    let app = auto_app(Db::Sqlite).await;
    let (handle, consent_id, request_id) = fetched(&app, "wealth-monthly").await;
    assert_present(&app, &consent_id, &request_id).await;
    let answer = app
        .notify(&notification(Some(&handle), Some(&consent_id), status))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_gone(&app, &consent_id, &request_id, why).await;
    let consent = app.consent(&handle).await;
    assert_eq!(consent["artefacts"][0]["status"], status, "{consent}");
    // A new data request on the consent is refused: it is no longer ACTIVE.
    let (code, body) = app
        .app(
            "POST",
            &format!("/app/consents/{handle}/data-requests"),
            Some(TOKEN),
            None,
        )
        .await;
    assert_eq!(code, 409, "{body}");
}

#[tokio::test]
async fn a_revoked_consent_notification_purges_all_its_data() {
    a_consent_notification_purges_all_its_data("REVOKED", "revoked").await;
}

#[tokio::test]
async fn an_expired_consent_notification_purges_all_its_data() {
    a_consent_notification_purges_all_its_data("EXPIRED", "consent expired").await;
}

#[tokio::test]
async fn all_data_of_a_consent_is_purged_when_its_expiry_passes() {
    let app = auto_app(Db::Sqlite).await;
    // The customer agreed to 10 days: before the 3-month DataLife ends.
    let expiry = app.clock.now() + Duration::days(10);
    let signed_expiry = timefmt::format_millis(expiry);
    app.aa
        .tamper(move |detail| detail["consentExpiry"] = json!(signed_expiry));
    let (_, consent_id, request_id) = fetched(&app, "wealth-monthly").await;
    let until = keep_until(&app, &consent_id, &request_id).await;
    assert_eq!(
        timefmt::format_millis(until),
        timefmt::format_millis(expiry)
    );
    assert_eq!(app.sweep_at(expiry - Duration::seconds(1)).await, 0);
    assert_present(&app, &consent_id, &request_id).await;
    assert_eq!(app.sweep_at(expiry).await, 1);
    assert_gone(&app, &consent_id, &request_id, "expiry passed").await;
}

#[tokio::test]
async fn two_sweeps_at_once_purge_each_session_once_on_postgres() {
    let app = auto_app(Db::Postgres).await;
    let (_, first, first_request) = fetched(&app, "wealth-monthly").await;
    let (_, second, second_request) = fetched(&app, "wealth-monthly").await;
    let later = app.clock.now() + Duration::days(400);
    let other = app.second_store().await;
    let (a, b) = tokio::join!(app.store.purge_due(later), other.purge_due(later));
    assert_eq!(a.unwrap() + b.unwrap(), 2, "each session purged once");
    assert_gone(&app, &first, &first_request, "DataLife ended").await;
    assert_gone(&app, &second, &second_request, "DataLife ended").await;
}

#[tokio::test]
async fn a_fetch_that_ends_after_its_consent_was_revoked_keeps_nothing() {
    let app = auto_app(Db::Sqlite).await;
    let handle = app.create_consent("wealth-monthly").await;
    let consent_id = app
        .aa
        .approve_for(&handle, "FIP-1", &[("link-1", "XXXXXXXX1111", "DEPOSIT")]);
    let answer = app
        .notify(&notification(Some(&handle), Some(&consent_id), "ACTIVE"))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let session = app.aa.wait_fi_request(&consent_id).await;
    let request_id = only_request(&app, &handle).await;
    wait_session_known(&app, &request_id, &consent_id, &session).await;
    let document = deposit("link-1", "XXXXXXXX1111", NARRATION);
    app.aa.deliver(
        &session,
        "FIP-1",
        &[("link-1", "XXXXXXXX1111", xml(&document))],
        None,
    );
    app.aa.hold_fetches();
    let ready = fi_notification(
        &session.session_id,
        "COMPLETED",
        "FIP-1",
        &[("link-1", "READY")],
    );
    assert_eq!(app.fi_notify_as("AA-1", &ready).await.status, 200);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.aa.fi_fetch_calls().0 == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the fetch never began"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // The customer revokes while the FIU's fetch waits for the AA's answer.
    let revoked = app
        .notify(&notification(Some(&handle), Some(&consent_id), "REVOKED"))
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    app.aa.release_fetches();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.store.pending_job_count().await.unwrap() > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the fetch job never ended"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_gone(&app, &consent_id, &request_id, "revoked").await;
}

#[tokio::test]
async fn revoking_one_artefact_purges_only_its_data_and_the_rest_is_still_served() {
    let app = auto_app(Db::Sqlite).await;
    let handle = app.create_consent("wealth-monthly").await;
    let fips = [
        ("FIP-1", "link-1", "XXXXXXXX1111"),
        ("FIP-2", "link-2", "XXXXXXXX2222"),
    ];
    let mut ids = Vec::new();
    for (fip_id, link, masked) in fips {
        let consent_id = app
            .aa
            .approve_for(&handle, fip_id, &[(link, masked, "DEPOSIT")]);
        let answer = app
            .notify(&notification(Some(&handle), Some(&consent_id), "ACTIVE"))
            .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        ids.push(consent_id);
    }
    let mut sessions = Vec::new();
    for consent_id in &ids {
        sessions.push(app.aa.wait_fi_request(consent_id).await);
    }
    let request_id = only_request(&app, &handle).await;
    for ((fip_id, link, masked), (consent_id, session)) in
        fips.iter().zip(ids.iter().zip(&sessions))
    {
        wait_session_known(&app, &request_id, consent_id, session).await;
        let document = deposit(link, masked, NARRATION);
        app.aa
            .deliver(session, fip_id, &[(link, masked, xml(&document))], None);
        let ready = fi_notification(&session.session_id, "COMPLETED", fip_id, &[(link, "READY")]);
        assert_eq!(app.fi_notify_as("AA-1", &ready).await.status, 200);
    }
    let done = app
        .wait_data_request(&request_id, |r| r["status"] != "PENDING")
        .await;
    assert_eq!(done["status"], "COMPLETED", "{done}");

    let answer = app
        .notify(&notification(Some(&handle), Some(&ids[0]), "REVOKED"))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let (status, body) = read(&app, &request_id).await;
    assert_eq!(status, 200, "{body}");
    let revoked = fip(&body, &ids[0]);
    assert_eq!(revoked["purged"]["rule"], "REVOKED", "{revoked}");
    assert_eq!(revoked["accounts"], json!([]), "{revoked}");
    let kept = fip(&body, &ids[1]);
    assert_eq!(kept["purged"], Value::Null, "{kept}");
    assert_eq!(
        account(kept, "link-2")["data"]["maskedAccNumber"],
        "XXXXXXXX2222"
    );
    assert!(!app.store.has_data_key(&ids[0]).await.unwrap());
    assert!(app.store.has_data_key(&ids[1]).await.unwrap());
    assert!(!body.to_string().contains("XXXXXXXX1111"), "{body}");
}
