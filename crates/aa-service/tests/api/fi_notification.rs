//! The FIP's `POST /FI/Notification` at the AA: only from the session's FIP about its accounts,
//! and not lost when it races the FIP's answer to `POST /FI/request`.

use crate::fi_support::{
    active_consent, assert_error, fetch_body, fi_request, fip_notification, fiu_key,
};
use crate::helpers::{eventually, txnid, World};

#[tokio::test]
async fn notifications_must_come_from_the_sessions_fip_about_its_accounts() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let key = fiu_key();
    let answer = world
        .fi_request("FIU-1", &fi_request(&artefacts[0], &key, &txnid()))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let session_id = answer.body["sessionId"].as_str().unwrap().to_owned();
    let (fip_session_id, fip_session) = world.fip_1.only_fi_session();
    let link = fip_session.accounts[0].0.clone();

    // FIP-2 speaking as FIP-1.
    let spoofed = fip_notification(
        "FIP-1",
        "FIP-1",
        &fip_session_id,
        "ACTIVE",
        &[(&link, "READY")],
    );
    let answer = world
        .rebit_post("FIP-2", "/FI/Notification", &spoofed)
        .await;
    assert_error(&answer, 400, "InvalidNotifier");
    // FIP-2 as itself about FIP-1's session.
    let other = fip_notification(
        "FIP-2",
        "FIP-2",
        &fip_session_id,
        "ACTIVE",
        &[(&link, "READY")],
    );
    let answer = world.rebit_post("FIP-2", "/FI/Notification", &other).await;
    assert_error(&answer, 400, "InvalidFIStatusNotification");
    // FIP-1 about an account that is not in the session, or naming another FIP's accounts.
    let stranger = fip_notification(
        "FIP-1",
        "FIP-1",
        &fip_session_id,
        "ACTIVE",
        &[("NOPE", "READY")],
    );
    let answer = world
        .rebit_post("FIP-1", "/FI/Notification", &stranger)
        .await;
    assert_error(&answer, 400, "InvalidFIStatusNotification");
    let foreign = fip_notification(
        "FIP-1",
        "FIP-2",
        &fip_session_id,
        "ACTIVE",
        &[(&link, "READY")],
    );
    let answer = world
        .rebit_post("FIP-1", "/FI/Notification", &foreign)
        .await;
    assert_error(&answer, 400, "InvalidFIStatusNotification");
    // An FIU may not send FI notifications to the AA.
    let answer = world
        .rebit_post("FIU-1", "/FI/Notification", &spoofed)
        .await;
    assert_error(&answer, 401, "Unauthorized");
    // None of it changed anything: the session is still not ready, the FIU heard nothing.
    let early = world
        .rebit_post("FIU-1", "/FI/fetch", &fetch_body(&session_id))
        .await;
    assert_error(&early, 404, "NoDataFound");
    assert!(world.fiu_1.fi_received().is_empty());
}

#[tokio::test]
async fn a_notification_racing_the_fips_answer_is_retried_not_lost() {
    let world = World::start().await;
    let artefacts = active_consent(&world, "FIU-1").await;
    let (release, gate) = tokio::sync::oneshot::channel();
    *world.fip_1.hold_fi.lock().unwrap() = Some(gate);
    let body = fi_request(&artefacts[0], &fiu_key(), &txnid());
    let request = world.fi_request("FIU-1", &body);
    let early = async {
        let (fip_session_id, session) = eventually("the FIP's session", || {
            let sessions = world.fip_1.fi_sessions.lock().unwrap();
            sessions.iter().next().map(|(k, v)| (k.clone(), v.clone()))
        })
        .await;
        let ready = fip_notification(
            "FIP-1",
            "FIP-1",
            &fip_session_id,
            "ACTIVE",
            &[(&session.accounts[0].0, "READY")],
        );
        // The AA does not know the FIP's session id yet: try again later (5xx, retryable).
        let answer = world.rebit_post("FIP-1", "/FI/Notification", &ready).await;
        release.send(()).unwrap();
        (answer, ready)
    };
    let (answer, (early, ready)) = tokio::join!(request, early);
    assert_error(&early, 503, "ServiceUnavailable");
    assert_eq!(answer.status, 200, "{}", answer.body);
    let retried = world.rebit_post("FIP-1", "/FI/Notification", &ready).await;
    assert_eq!(retried.status, 200, "{}", retried.body);
    let told = eventually("the FIU's FI notification", || {
        let got = world.fiu_1.fi_received();
        (!got.is_empty()).then_some(got)
    })
    .await;
    assert_eq!(
        told[0].fi_status_notification.session_id,
        answer.body["sessionId"].as_str().unwrap()
    );
}
