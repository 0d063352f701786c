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
