//! Session rules of the FI data flow: one open session per consent at a time
//! (`DataFetchRequestInProgress`), and what a fetch answers as the session moves on.

use serde_json::Value;

use crate::fi::{fetch_body, fi_request, notified, pending_session, setup, FROM, TO};
use crate::helpers::{assert_error, Options, TestApp};

async fn request(app: &TestApp, body: &Value) -> String {
    let answer = app.post("/FI/request", body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body["sessionId"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn a_second_fi_request_while_a_session_is_open_is_403_data_fetch_request_in_progress() {
    let app = TestApp::spawn().await;
    let (consent_id, signature, fiu) = setup(&app).await;
    let km = &fiu.key_material;
    let first = request(&app, &fi_request(&consent_id, &signature, FROM, TO, km)).await;

    // Being prepared, or prepared and not yet fetched: the consent is busy.
    let body = fi_request(&consent_id, &signature, FROM, TO, km);
    assert_error(
        &app.post("/FI/request", &body).await,
        403,
        "DataFetchRequestInProgress",
        Some(&body),
    );
    notified(&app, &first).await;
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

    // Once fetched, the consent may be used again.
    let answer = app.post("/FI/fetch", &fetch_body(&first)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let second = request(&app, &fi_request(&consent_id, &signature, FROM, TO, km)).await;
    assert_ne!(first, second);
    assert_eq!(
        app.store.fi_session_ids(&consent_id).await.unwrap(),
        [first, second]
    );
}

#[actix_web::test]
async fn a_pending_session_blocks_a_new_fi_request_for_its_consent() {
    let app = TestApp::spawn_with(Options {
        fi_poll_ms: 600_000,
        ..Options::default()
    })
    .await;
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
