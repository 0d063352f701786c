//! Session rules of the FI data flow: one open session per consent at a time
//! (`DataFetchRequestInProgress`), and sessions that expire with their data purged (on a manual
//! clock: no test waits for the time to pass).

use aa_runtime::clock::Clock;
use fip_service::jobs::sweeps;
use serde_json::Value;

use crate::fi::{fetch_body, fi_request, notified, pending_session, setup, FROM, TO};

use crate::helpers::{assert_error, Db, Options, TestApp};

async fn request(app: &TestApp, body: &Value) -> String {
    let answer = app.post("/FI/request", body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body["sessionId"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn a_second_fi_request_while_a_session_is_being_prepared_is_403_data_fetch_request_in_progress(
) {
    let app = TestApp::spawn().await;
    let (consent_id, signature, fiu) = setup(&app).await;
    let km = &fiu.key_material;
    let first = request(&app, &fi_request(&consent_id, &signature, FROM, TO, km)).await;

    // Being prepared: the consent is busy, and nothing else is stored.
    let body = fi_request(&consent_id, &signature, FROM, TO, km);
    assert_error(
        &app.post("/FI/request", &body).await,
        403,
        "DataFetchRequestInProgress",
        Some(&body),
    );
    assert_eq!(
        app.store.fi_session_ids(&consent_id).await.unwrap(),
        std::slice::from_ref(&first)
    );

    // Once prepared (fetched or not, as the AA counts it), the consent may be used again.
    notified(&app, &first).await;
    let second = request(&app, &fi_request(&consent_id, &signature, FROM, TO, km)).await;
    assert_ne!(first, second);
    assert_eq!(
        app.store.fi_session_ids(&consent_id).await.unwrap(),
        [first, second]
    );
}

#[actix_web::test]
async fn a_pending_session_blocks_a_new_fi_request_for_its_consent() {
    let app = TestApp::spawn().await;
    let (consent_id, signature, fiu) = setup(&app).await;
    let pending = pending_session(&app, &consent_id, &fiu).await;
    let body = fi_request(&consent_id, &signature, FROM, TO, &fiu.key_material);
    assert_error(
        &app.post("/FI/request", &body).await,
        403,
        "DataFetchRequestInProgress",
        Some(&body),
    );
    assert_eq!(
        app.store.fi_session_ids(&consent_id).await.unwrap(),
        [pending]
    );
}

#[actix_web::test]
async fn an_expired_session_is_400_invalid_session_id_and_its_prepared_data_is_purged() {
    expiry(Db::Sqlite).await;
}

#[actix_web::test]
async fn sessions_expire_and_are_purged_on_postgres() {
    expiry(Db::Postgres).await;
}

async fn expiry(db: Db) {
    let (clock, hand) = Clock::manual(time::OffsetDateTime::now_utc());
    let lifetime = time::Duration::seconds(2);
    let app = TestApp::spawn_with(Options {
        db,
        fi_session_lifetime_seconds: 2,
        clock: Some(clock),
        ..Options::default()
    })
    .await;
    let (consent_id, signature, fiu) = setup(&app).await;
    // The consent starts when it was made: the clock stands still from here on.
    hand.set(time::OffsetDateTime::now_utc());
    let km = &fiu.key_material;
    let session_id = request(&app, &fi_request(&consent_id, &signature, FROM, TO, km)).await;
    notified(&app, &session_id).await;
    // A sweep before the lifetime is over leaves the session be.
    sweeps::expire_sessions(&app.store, lifetime).await.unwrap();
    let session = app.store.fi_session(&session_id).await.unwrap().unwrap();
    assert_eq!(session.status, "READY");
    assert!(session.accounts.iter().any(|a| a.sealed.is_some()));
    assert!(app.store.has_consent_data_key(&consent_id).await.unwrap());

    // Expired at once when its lifetime is over, whether or not the sweep has run.
    hand.advance(lifetime + time::Duration::milliseconds(20));
    let body = fetch_body(&session_id);
    assert_error(
        &app.post("/FI/fetch", &body).await,
        400,
        "InvalidSessionId",
        Some(&body),
    );
    // The sweep (also run by the periodic loop on the same clock) expires and purges it.
    sweeps::expire_sessions(&app.store, lifetime).await.unwrap();
    let session = app.store.fi_session(&session_id).await.unwrap().unwrap();
    assert_eq!(session.status, "EXPIRED");
    assert!(session.accounts.iter().all(|a| a.sealed.is_none()));
    assert!(!app.store.has_consent_data_key(&consent_id).await.unwrap());
    let answer = app
        .request_as_aa("GET", &format!("/FI/fetch/{session_id}"), None)
        .await;
    assert_error(&answer, 400, "InvalidSessionId", None);

    // An expired session holds the consent no longer.
    let next = request(&app, &fi_request(&consent_id, &signature, FROM, TO, km)).await;
    assert_ne!(next, session_id);
}
