//! The outbox, through its one notification path: a link the bank ends on its own
//! (`POST /bank/links/{linkRefNumber}/delink`) is announced to the AA with
//! `POST /Account/link/Notification`, signed, retried until the AA accepts it.

use std::time::{Duration, Instant};

use aa_runtime::outbox;
use aa_runtime::queue::JobState;
use serde_json::Value;

use crate::helpers::{Db, Options, TestApp, BANK_TOKEN, HANDLE};

pub async fn bank_delink(app: &TestApp, link_ref: &str, token: &str) -> (u16, Value) {
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

/// The notifications on the queue, oldest first.
async fn notifications(app: &TestApp) -> Vec<JobState> {
    app.store.queue().jobs(outbox::KIND).await.unwrap()
}

/// Polls the queue until its only notification is `done`; returns its attempts.
async fn delivered_attempts(app: &TestApp) -> u32 {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let messages = notifications(app).await;
        assert_eq!(messages.len(), 1, "{messages:?}");
        if messages[0].status == "done" {
            assert!(messages[0].payload.contains("/Account/link/Notification"));
            assert_eq!(messages[0].key.as_deref(), Some("AA-1"));
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
    assert_eq!(notifications(app).await.len(), 1);
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
async fn fip_does_not_take_an_aa_acknowledgement_that_breaks_the_schema_as_delivered() {
    let app = TestApp::spawn().await;
    app.aa.alter_answers("/Account/link/Notification", |ack| {
        ack["response"] = serde_json::json!(200);
    });
    let verified = app.link_all().await;
    let link_ref = verified["AccLinkDetails"][0]["linkRefNumber"]
        .as_str()
        .unwrap();
    let (status, _) = bank_delink(&app, link_ref, BANK_TOKEN).await;
    assert_eq!(status, 200);
    app.wait_for_aa(|inbox| !inbox.notifications.is_empty())
        .await;
    // Heard by the AA, but its signed answer has a number for `response`: a dead letter naming
    // the field, not retried, not done.
    let deadline = Instant::now() + Duration::from_secs(10);
    let dead = loop {
        let messages = notifications(&app).await;
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert_ne!(messages[0].status, "done", "{messages:?}");
        if messages[0].status == "dead" {
            break messages[0].clone();
        }
        assert!(Instant::now() < deadline, "never refused: {messages:?}");
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(dead.attempts, 1, "{dead:?}");
    let error = dead.last_error.unwrap_or_default();
    assert!(error.contains("response must be a string"), "{error}");
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
    assert!(notifications(&app).await.is_empty());
}

/// The AA refuses the first notification (it is down); the second link ends while the first
/// waits for its retry. The AA must still hear about them in the order they happened.
async fn notifications_reach_the_aa_in_order_after_it_was_down(db: Db) {
    let app = TestApp::spawn_with(Options {
        db,
        aa_failures: 1,
        ..Options::default()
    })
    .await;
    let verified = app.link_all().await;
    let links: Vec<String> = verified["AccLinkDetails"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["linkRefNumber"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(links.len(), 2);
    for link in &links {
        let (status, body) = bank_delink(&app, link, BANK_TOKEN).await;
        assert_eq!(status, 200, "{body}");
    }
    app.wait_for_aa(|inbox| inbox.notifications.len() == 2)
        .await;
    let inbox = app.aa_inbox.lock().unwrap();
    assert_eq!(inbox.refused, 1);
    let heard: Vec<&str> = inbox
        .notifications
        .iter()
        .map(|n| {
            n["AccountLinkStatusNotification"]["linkRefNumber"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(heard, links);
}

#[actix_web::test]
async fn notifications_reach_the_aa_in_order_after_it_was_down_on_sqlite() {
    notifications_reach_the_aa_in_order_after_it_was_down(Db::Sqlite).await;
}

#[actix_web::test]
async fn notifications_reach_the_aa_in_order_after_it_was_down_on_postgres() {
    notifications_reach_the_aa_in_order_after_it_was_down(Db::Postgres).await;
}
