//! The outbox keeps trying: a notification to an FIU that is down when the consent is decided
//! reaches it once it comes up.

use std::sync::atomic::Ordering;

use aa_core::rebit::ConsentNotificationStatus;
use serde_json::json;

use crate::helpers::{eventually, txnid, Options, World, HANDLE};

#[tokio::test]
async fn a_notification_to_a_counterparty_that_is_down_is_delivered_when_it_comes_up() {
    let world = World::with(Options {
        fiu_1_down: true,
        ..Options::default()
    })
    .await;
    let token = world.login(HANDLE).await;
    let answer = world.request_consent("FIU-1", HANDLE, &txnid()).await;
    let handle = answer.body["ConsentHandle"].as_str().unwrap().to_owned();
    let (code, _) = world
        .post(
            &format!("/customer/consents/{handle}/reject"),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!(code, 200);
    // Two attempts fail first.
    eventually("two failed deliveries", || {
        (world.fiu_1_dropped.load(Ordering::SeqCst) >= 2).then_some(())
    })
    .await;
    assert!(world.fiu_1.received().is_empty());
    world.start_fiu_1().await;
    let received = eventually("the REJECTED notification after FIU-1 came up", || {
        world.fiu_1.received().into_iter().next()
    })
    .await;
    assert_eq!(
        received.consent_status_notification.consent_status,
        ConsentNotificationStatus::Rejected
    );
    assert_eq!(
        received
            .consent_status_notification
            .consent_handle
            .as_deref(),
        Some(handle.as_str())
    );
}

#[tokio::test]
async fn aa_does_not_take_an_fiu_acknowledgement_that_breaks_the_schema_as_delivered() {
    let world = World::start().await;
    *world.fiu_1.tamper_acks.lock().unwrap() = Some(std::sync::Arc::new(|ack| {
        ack.as_object_mut().unwrap().remove("response");
    }));
    let token = world.login(HANDLE).await;
    let answer = world.request_consent("FIU-1", HANDLE, &txnid()).await;
    let handle = answer.body["ConsentHandle"].as_str().unwrap().to_owned();
    let (code, _) = world
        .post(
            &format!("/customer/consents/{handle}/reject"),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!(code, 200);
    let queue = world.store().await.unwrap().queue();
    // Heard by the FIU, but its signed answer has no `response`: a dead letter naming the
    // field, not retried, not done.
    let dead = aa_testkit::eventually_async("the notification dead-lettered", || async {
        queue
            .jobs(aa_runtime::outbox::KIND)
            .await
            .unwrap()
            .into_iter()
            .find(|job| job.key.as_deref() == Some("FIU-1") && job.status == "dead")
    })
    .await;
    assert_eq!(dead.attempts, 1, "{dead:?}");
    let error = dead.last_error.unwrap_or_default();
    assert!(error.contains("response is missing"), "{error}");
    assert_eq!(world.fiu_1.received().len(), 1);
}
