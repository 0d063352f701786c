//! DIRECT linking at the AA (ReBIT `AuthenticatorType` DIRECT): the FIP's `/Accounts/link`
//! answer says the customer confirms with the bank, so the link request waits for the FIP's
//! `Account/link/Notification` LINKED instead of an OTP. The notification links the account only
//! when a pending DIRECT request of that customer at that FIP holds it; anything else is 400
//! `InvalidRequest` (or the envelope's code) and changes nothing. The same over the real FIP is
//! in aa-e2e's `direct_linking`.

use std::sync::atomic::Ordering;

use aa_core::rebit::ErrorCode;
use serde_json::{json, Value};

use crate::helpers::{link_notification, World, HANDLE};
use aa_testkit::fakes::LINK_OTP;

const LINK_REF: &str = "FIP-1-LINK-FIP-1-ACC-1";

/// `fip`'s `LINKED` notification of `acc_ref` for `customer` with [`LINK_REF`].
fn linked(fip: &str, customer: &str, acc_ref: &str) -> Value {
    link_notification(fip, customer, acc_ref, LINK_REF, "LINKED")
}

/// Logs in and starts linking at `fip`: the session token and the answer.
async fn start_link(world: &World, fip: &str) -> (String, Value) {
    let token = world.login(HANDLE).await;
    let started = world.start_link(&token, fip).await;
    (token, started)
}

/// Where the link request stands, as the customer API says.
async fn link_status(world: &World, token: &str, fip: &str, ref_number: &str) -> Value {
    let (status, body) = world
        .get(&format!("/customer/link/{fip}/{ref_number}"), Some(token))
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn notify(world: &World, as_fip: &str, body: &Value) -> aa_testkit::Answer {
    world
        .rebit_post(as_fip, "/Account/link/Notification", body)
        .await
}

#[tokio::test]
async fn a_direct_link_awaits_the_bank_and_the_fips_linked_notification_links_the_account() {
    let world = World::start().await;
    world.fip_1.direct_links.store(true, Ordering::SeqCst);
    let (token, started) = start_link(&world, "FIP-1").await;
    assert_eq!(started["authenticatorType"], "DIRECT");
    assert_eq!(started["status"], "AWAITING_BANK_CONFIRMATION");
    let ref_number = started["refNumber"].as_str().unwrap();
    let waiting = link_status(&world, &token, "FIP-1", ref_number).await;
    assert_eq!(
        waiting,
        json!({
            "fipId": "FIP-1", "refNumber": ref_number, "authenticatorType": "DIRECT",
            "status": "AWAITING_BANK_CONFIRMATION", "accounts": []
        })
    );
    let (_, accounts) = world.get("/customer/accounts", Some(&token)).await;
    assert_eq!(accounts, json!([]));

    // The customer confirms at the bank; the FIP tells the AA.
    let answer = notify(&world, "FIP-1", &linked("FIP-1", HANDLE, "FIP-1-ACC-1")).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["response"], "OK");
    let account = json!({
        "fipId": "FIP-1", "linkRefNumber": LINK_REF, "maskedAccNumber": "XXXXXXXX5",
        "fiType": "DEPOSIT", "accType": "SAVINGS"
    });
    let (_, accounts) = world.get("/customer/accounts", Some(&token)).await;
    assert_eq!(accounts, json!([account]));
    let done = link_status(&world, &token, "FIP-1", ref_number).await;
    assert_eq!(done["status"], "LINKED");
    assert_eq!(done["accounts"], json!([account]));

    // The FIP notifying again (a new txnid) is acknowledged and changes nothing.
    let again = notify(&world, "FIP-1", &linked("FIP-1", HANDLE, "FIP-1-ACC-1")).await;
    assert_eq!(again.status, 200, "{}", again.body);
    let (_, accounts) = world.get("/customer/accounts", Some(&token)).await;
    assert_eq!(accounts, json!([account]));
    // The account is linked for consents like any other.
    let ids = world
        .consent_approved("FIU-1", &token, &[LINK_REF.to_owned()])
        .await;
    assert_eq!(ids.len(), 1);
}

#[tokio::test]
async fn confirming_a_direct_link_with_an_otp_is_409_direct_link_and_changes_nothing() {
    let world = World::start().await;
    world.fip_1.direct_links.store(true, Ordering::SeqCst);
    let (token, started) = start_link(&world, "FIP-1").await;
    let ref_number = started["refNumber"].as_str().unwrap();
    let (status, body) = world
        .post(
            "/customer/link/verify",
            Some(&token),
            json!({ "fipId": "FIP-1", "refNumber": ref_number, "otp": LINK_OTP }),
        )
        .await;
    // Not forwarded: the fake FIP would have answered 400 InvalidRequest for a DIRECT request.
    assert_eq!(
        (status, body["error"].as_str()),
        (409, Some("direct_link")),
        "{body}"
    );
    assert!(body["message"].as_str().unwrap().contains("bank"), "{body}");
    let (_, accounts) = world.get("/customer/accounts", Some(&token)).await;
    assert_eq!(accounts, json!([]));
    let waiting = link_status(&world, &token, "FIP-1", ref_number).await;
    assert_eq!(waiting["status"], "AWAITING_BANK_CONFIRMATION");
    // The bank's confirmation still links it.
    let answer = notify(&world, "FIP-1", &linked("FIP-1", HANDLE, "FIP-1-ACC-1")).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn a_linked_notification_no_pending_direct_request_holds_is_400_invalid_request_and_changes_nothing(
) {
    let world = World::start().await;
    // FIP-1 links with an OTP (TOKEN), FIP-2 directly.
    world.fip_2.direct_links.store(true, Ordering::SeqCst);
    let (token, token_started) = start_link(&world, "FIP-1").await;
    assert_eq!(token_started["authenticatorType"], "TOKEN");
    assert_eq!(token_started["status"], "AWAITING_OTP");
    let direct = world.start_link(&token, "FIP-2").await;
    assert_eq!(direct["authenticatorType"], "DIRECT");
    let direct_ref = direct["refNumber"].as_str().unwrap();
    world.login("8888888888@AA-1").await;

    let with = |change: fn(&mut Value)| {
        let mut body = linked("FIP-2", HANDLE, "FIP-2-ACC-1");
        change(&mut body);
        body
    };
    let invalid = (400, ErrorCode::InvalidRequest);
    let cases = [
        // A TOKEN request's account: LINKED is for DIRECT links only.
        ("FIP-1", linked("FIP-1", HANDLE, "FIP-1-ACC-1"), invalid),
        // Another FIP's pending request: FIP-1 speaking for FIP-2's account.
        ("FIP-1", linked("FIP-1", HANDLE, "FIP-2-ACC-1"), invalid),
        // Another customer of the AA, who asked for no link; someone who is not a customer.
        (
            "FIP-2",
            linked("FIP-2", "8888888888@AA-1", "FIP-2-ACC-1"),
            invalid,
        ),
        (
            "FIP-2",
            linked("FIP-2", "7777777777@AA-1", "FIP-2-ACC-1"),
            invalid,
        ),
        // An account the request does not hold.
        ("FIP-2", linked("FIP-2", HANDLE, "FIP-2-ACC-9"), invalid),
        // The right one, but sent by another FIP, of another version, or stale.
        ("FIP-1", with(|_| {}), (400, ErrorCode::InvalidNotifier)),
        (
            "FIP-2",
            with(|b| b["ver"] = json!("9.9.9")),
            (404, ErrorCode::NoSuchVersion),
        ),
        (
            "FIP-2",
            with(|b| b["timestamp"] = json!("2020-01-01T00:00:00.000Z")),
            invalid,
        ),
    ];
    for (as_fip, body, (status, code)) in cases {
        let answer = notify(&world, as_fip, &body).await;
        assert_eq!(answer.status, status, "{body}: {}", answer.body);
        assert_eq!(answer.body["errorCode"], code.as_str(), "{}", answer.body);
    }

    // Nothing changed: no account linked, both requests still waiting.
    let (_, accounts) = world.get("/customer/accounts", Some(&token)).await;
    assert_eq!(accounts, json!([]));
    let token_ref = token_started["refNumber"].as_str().unwrap();
    assert_eq!(
        link_status(&world, &token, "FIP-1", token_ref).await["status"],
        "AWAITING_OTP"
    );
    assert_eq!(
        link_status(&world, &token, "FIP-2", direct_ref).await["status"],
        "AWAITING_BANK_CONFIRMATION"
    );
    // Each still completes its own way.
    let (status, verified) = world
        .post(
            "/customer/link/verify",
            Some(&token),
            json!({ "fipId": "FIP-1", "refNumber": token_ref, "otp": LINK_OTP }),
        )
        .await;
    assert_eq!(status, 200, "{verified}");
    let body = link_notification(
        "FIP-2",
        HANDLE,
        "FIP-2-ACC-1",
        "FIP-2-LINK-FIP-2-ACC-1",
        "LINKED",
    );
    let answer = notify(&world, "FIP-2", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let (_, accounts) = world.get("/customer/accounts", Some(&token)).await;
    assert_eq!(accounts.as_array().unwrap().len(), 2, "{accounts}");
}
