//! The outbox, through its one notification path: a link the bank ends on its own
//! (`POST /bank/links/{linkRefNumber}/delink`) is announced to the AA with
//! `POST /Account/link/Notification`, signed, retried until the AA accepts it.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::helpers::{Options, TestApp, BANK_TOKEN, HANDLE};

async fn bank_delink(app: &TestApp, link_ref: &str, token: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/bank/links/{link_ref}/delink", app.url))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// Polls the outbox until its only message is `DELIVERED`; returns its attempts.
async fn delivered_attempts(app: &TestApp) -> u32 {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let messages = app.store.outbox_messages().await.unwrap();
        assert_eq!(messages.len(), 1, "{messages:?}");
        if messages[0].status == "DELIVERED" {
            assert_eq!(messages[0].path, "/Account/link/Notification");
            assert_eq!(messages[0].callee, "AA-1");
            return messages[0].attempts;
        }
        assert!(Instant::now() < deadline, "never delivered: {messages:?}");
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
}

pub async fn a_link_ended_by_the_bank_is_notified_to_the_aa(app: &TestApp) {
    let verified = app.link_all().await;
    let link = &verified["AccLinkDetails"][0];
    let link_ref = link["linkRefNumber"].as_str().unwrap();
    let (status, body) = bank_delink(app, link_ref, BANK_TOKEN).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "DELINKED");
    assert_eq!(body["notified"], true);
    app.wait_for_aa(|inbox| !inbox.notifications.is_empty())
        .await;
    let notification = app.aa_inbox.lock().unwrap().notifications[0].clone();
    assert_eq!(notification["Notifier"]["type"], "FIP");
    assert_eq!(notification["Notifier"]["id"], "FIP-1");
    let details = &notification["AccountLinkStatusNotification"];
    assert_eq!(details["linkRefNumber"], link_ref);
    assert_eq!(details["customerAddress"], HANDLE);
    assert_eq!(details["accRefNumber"], link["accRefNumber"]);
    assert_eq!(details["linkStatus"], "DELINKED");
    assert_eq!(delivered_attempts(app).await, 1);

    // Again: nothing changes, nobody is told twice.
    let (status, body) = bank_delink(app, link_ref, BANK_TOKEN).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["notified"], false);
    assert_eq!(app.store.outbox_messages().await.unwrap().len(), 1);
    assert_eq!(app.aa_inbox.lock().unwrap().notifications.len(), 1);
}

#[actix_web::test]
async fn a_link_ended_by_the_bank_is_notified_to_the_aa_on_sqlite() {
    let app = TestApp::spawn().await;
    a_link_ended_by_the_bank_is_notified_to_the_aa(&app).await;
}

#[actix_web::test]
async fn a_refused_notification_is_retried_until_the_aa_accepts_it() {
    let app = TestApp::spawn_with(Options {
        aa_failures: 2,
        ..Options::default()
    })
    .await;
    let verified = app.link_all().await;
    let link_ref = verified["AccLinkDetails"][0]["linkRefNumber"]
        .as_str()
        .unwrap();
    let (status, _) = bank_delink(&app, link_ref, BANK_TOKEN).await;
    assert_eq!(status, 200);
    app.wait_for_aa(|inbox| !inbox.notifications.is_empty())
        .await;
    assert_eq!(app.aa_inbox.lock().unwrap().refused, 2);
    assert_eq!(delivered_attempts(&app).await, 3);
    assert_eq!(app.aa_inbox.lock().unwrap().notifications.len(), 1);
}

#[actix_web::test]
async fn the_back_office_needs_its_token_and_a_known_link() {
    let app = TestApp::spawn().await;
    let verified = app.link_all().await;
    let link_ref = verified["AccLinkDetails"][0]["linkRefNumber"]
        .as_str()
        .unwrap();
    let (status, body) = bank_delink(&app, link_ref, "wrong-token").await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["error"], "Unauthorized");
    let (status, body) = bank_delink(&app, &uuid::Uuid::new_v4().to_string(), BANK_TOKEN).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["error"], "NotFound");
    assert!(app.store.outbox_messages().await.unwrap().is_empty());
}
