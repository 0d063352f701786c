//! FI notifications as AAs in the field send them: "ready" said in any form leads to a fetch.

use serde_json::json;

use crate::fi_flow::{active_consent, deposit, only_request, wait_session_known, xml};
use crate::helpers::{fi_notification, spawn_with, Options};

#[tokio::test]
async fn a_completed_session_with_no_account_statuses_is_fetched() {
    let app = spawn_with(Options {
        auto_request: true,
        ..Options::default()
    })
    .await;
    let (handle, ids) =
        active_consent(&app, &[("FIP-1", &[("link-1", "XXXXXXXX1111", "DEPOSIT")])]).await;
    let session = app.aa.wait_fi_request(&ids[0]).await;
    let request_id = only_request(&app, &handle).await;
    wait_session_known(&app, &request_id, &ids[0], &session).await;
    let document = deposit("link-1", "XXXXXXXX1111", "SALARY");
    app.aa.deliver(
        &session,
        "FIP-1",
        &[("link-1", "XXXXXXXX1111", xml(&document))],
        None,
    );
    let mut body = fi_notification(&session.session_id, "COMPLETED", "FIP-1", &[]);
    body["FIStatusNotification"]["FIStatusResponse"] = json!([]);
    let answer = app.fi_notify_as("AA-1", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let done = app
        .wait_data_request(&request_id, |r| r["status"] != "PENDING")
        .await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    assert_eq!(app.aa.fi_fetch_calls(), (1, 0));
}

#[tokio::test]
async fn an_active_session_with_no_account_statuses_waits() {
    let app = spawn_with(Options {
        auto_request: true,
        ..Options::default()
    })
    .await;
    let (handle, ids) =
        active_consent(&app, &[("FIP-1", &[("link-1", "XXXXXXXX1111", "DEPOSIT")])]).await;
    let session = app.aa.wait_fi_request(&ids[0]).await;
    let request_id = only_request(&app, &handle).await;
    wait_session_known(&app, &request_id, &ids[0], &session).await;
    let mut body = fi_notification(&session.session_id, "ACTIVE", "FIP-1", &[]);
    body["FIStatusNotification"]["FIStatusResponse"] = json!([]);
    let answer = app.fi_notify_as("AA-1", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(app.data_request(&request_id).await["status"], "PENDING");
    assert_eq!(app.aa.fi_fetch_calls(), (0, 0));
}
