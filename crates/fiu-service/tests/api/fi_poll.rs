//! An AA that never sends `FI/Notification` (as many 1.1.x AAs do): the FIU polls it, with
//! backoff, and uses the data once the AA has it; a notification that comes first ends the poll.

use std::time::Duration;

use crate::fi_flow::{
    account, active_consent, deposit, fip, only_request, wait_session_known, xml,
};
use crate::helpers::{fi_notification, spawn_with, Options};

#[tokio::test]
async fn with_no_notification_the_fiu_polls_until_the_data_is_there() {
    let app = spawn_with(Options {
        auto_request: true,
        fi_poll_after_seconds: 1,
        ..Options::default()
    })
    .await;
    let (handle, ids) =
        active_consent(&app, &[("FIP-1", &[("link-1", "XXXXXXXX1111", "DEPOSIT")])]).await;
    let session = app.aa.wait_fi_request(&ids[0]).await;
    let request_id = only_request(&app, &handle).await;
    wait_session_known(&app, &request_id, &ids[0], &session).await;
    // The first poll (after 1 s) finds nothing ready: 404 NoDataFound; the session waits.
    aa_testkit::eventually("the first poll", || {
        (app.aa.fi_fetch_calls().0 >= 1).then_some(())
    })
    .await;
    assert_eq!(app.data_request(&request_id).await["status"], "PENDING");
    let document = deposit("link-1", "XXXXXXXX1111", "SALARY");
    app.aa.deliver(
        &session,
        "FIP-1",
        &[("link-1", "XXXXXXXX1111", xml(&document))],
        None,
    );
    // The next poll (2 s later, the interval doubled) gets the data, with no notification.
    let done = app
        .wait_data_request(&request_id, |r| r["status"] != "PENDING")
        .await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    let shown = account(fip(&done, &ids[0]), "link-1");
    assert_eq!(shown["data"], serde_json::to_value(&document).unwrap());
    assert_eq!(app.aa.fi_fetch_calls(), (2, 0));
    assert_eq!(app.store.pending_job_count().await.unwrap(), 0);
}

#[tokio::test]
async fn a_notification_that_comes_first_ends_the_poll() {
    let app = spawn_with(Options {
        auto_request: true,
        fi_poll_after_seconds: 1,
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
    let body = fi_notification(
        &session.session_id,
        "COMPLETED",
        "FIP-1",
        &[("link-1", "READY")],
    );
    assert_eq!(app.fi_notify_as("AA-1", &body).await.status, 200);
    let done = app
        .wait_data_request(&request_id, |r| r["status"] != "PENDING")
        .await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    // The poll falls due and closes without asking the AA again.
    aa_testkit::eventually_async("the poll closed", || async {
        (app.store.pending_job_count().await.unwrap() == 0).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(app.aa.fi_fetch_calls(), (1, 0));
}
