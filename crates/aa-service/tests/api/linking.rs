//! Linking discovered accounts with the FIP's OTP, and the FIP's link notifications (DIRECT
//! linking is in `direct_linking`).

use aa_core::rebit::ErrorCode;
use serde_json::json;

use crate::helpers::{self, World, HANDLE};
use aa_testkit::fakes::LINK_OTP;

#[tokio::test]
async fn linking_with_the_fip_otp_lists_the_account() {
    let world = World::start().await;
    let token = world.login(HANDLE).await;
    // An account that was never discovered cannot be linked.
    let (status, body) = world
        .post(
            "/customer/link",
            Some(&token),
            json!({ "fipId": "FIP-1", "accounts": ["FIP-1-ACC-1"] }),
        )
        .await;
    assert_eq!((status, body["error"].as_str()), (404, Some("not_found")));

    let (status, _) = world
        .post(
            "/customer/discover",
            Some(&token),
            json!({ "fipIds": ["FIP-1"] }),
        )
        .await;
    assert_eq!(status, 200);
    let (status, started) = world
        .post(
            "/customer/link",
            Some(&token),
            json!({ "fipId": "FIP-1", "accounts": ["FIP-1-ACC-1"] }),
        )
        .await;
    assert_eq!(status, 200, "{started}");
    assert_eq!(started["fipId"], "FIP-1");
    assert_eq!(started["authenticatorType"], "TOKEN");
    let ref_number = started["refNumber"].as_str().unwrap();
    {
        let log = world.fip_1.log.lock().unwrap();
        let link = &log.link_requests[0];
        assert_eq!(link.customer.id, HANDLE);
        assert_eq!(link.customer.accounts[0].acc_ref_number, "FIP-1-ACC-1");
        assert_eq!(link.customer.accounts[0].masked_acc_number, "XXXXXXXX5");
    }

    let (status, body) = world
        .post(
            "/customer/link/verify",
            Some(&token),
            json!({ "fipId": "FIP-1", "refNumber": ref_number, "otp": "000000" }),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "InvalidLinkToken");
    let (status, _) = world.get("/customer/accounts", Some(&token)).await;
    assert_eq!(status, 200);

    let (status, body) = world
        .post(
            "/customer/link/verify",
            Some(&token),
            json!({ "fipId": "FIP-1", "refNumber": ref_number, "otp": LINK_OTP }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let linked = json!([{
        "fipId": "FIP-1",
        "linkRefNumber": "FIP-1-LINK-FIP-1-ACC-1",
        "maskedAccNumber": "XXXXXXXX5",
        "fiType": "DEPOSIT",
        "accType": "SAVINGS"
    }]);
    assert_eq!(body["accounts"], linked);
    let (status, accounts) = world.get("/customer/accounts", Some(&token)).await;
    assert_eq!(status, 200);
    assert_eq!(accounts, linked);
    // The request is complete; verifying again is a conflict.
    let (status, _) = world
        .post(
            "/customer/link/verify",
            Some(&token),
            json!({ "fipId": "FIP-1", "refNumber": ref_number, "otp": LINK_OTP }),
        )
        .await;
    assert_eq!(status, 409);
}

fn link_notification(fip: &str, status: &str) -> serde_json::Value {
    helpers::link_notification(fip, HANDLE, "FIP-1-ACC-1", "FIP-1-LINK-FIP-1-ACC-1", status)
}

#[tokio::test]
async fn link_notifications_from_the_fip_delink_repeat_harmlessly_and_come_only_from_that_fip() {
    let world = World::start().await;
    let token = world.login(HANDLE).await;
    world.link_all(&token, &["FIP-1"]).await;

    for _ in 0..2 {
        let answer = world
            .rebit_post(
                "FIP-1",
                "/Account/link/Notification",
                &link_notification("FIP-1", "DELINKED"),
            )
            .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(answer.body["response"], "OK");
    }
    let (_, accounts) = world.get("/customer/accounts", Some(&token)).await;
    assert_eq!(accounts, json!([]));
    // LINKED is for DIRECT links only (`direct_linking`): with no DIRECT request pending, the
    // account stays delinked.
    let answer = world
        .rebit_post(
            "FIP-1",
            "/Account/link/Notification",
            &link_notification("FIP-1", "LINKED"),
        )
        .await;
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert_eq!(answer.body["errorCode"], ErrorCode::InvalidRequest.as_str());
    let (_, accounts) = world.get("/customer/accounts", Some(&token)).await;
    assert_eq!(accounts, json!([]));

    // Another FIP cannot speak for FIP-1's accounts, nor name someone else as notifier.
    let answer = world
        .rebit_post(
            "FIP-2",
            "/Account/link/Notification",
            &link_notification("FIP-2", "DELINKED"),
        )
        .await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.body["errorCode"], ErrorCode::InvalidRequest.as_str());
    let answer = world
        .rebit_post(
            "FIP-2",
            "/Account/link/Notification",
            &link_notification("FIP-1", "DELINKED"),
        )
        .await;
    assert_eq!(answer.body["errorCode"], "InvalidNotifier");
    // An FIU may not send link notifications.
    let answer = world
        .rebit_post(
            "FIU-1",
            "/Account/link/Notification",
            &link_notification("FIU-1", "DELINKED"),
        )
        .await;
    assert_eq!(answer.status, 401);
}
