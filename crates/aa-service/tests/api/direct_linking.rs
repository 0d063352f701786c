//! DIRECT linking at the AA (ReBIT `AuthenticatorType` DIRECT): the FIP's `/Accounts/link`
//! answer says the customer confirms with the bank, so the link request waits for the FIP's
//! `Account/link/Notification` LINKED instead of an OTP. The notification links the account only
//! when a pending DIRECT request of that customer at that FIP holds it; anything else is 400
//! `InvalidRequest` (or the envelope's code) and changes nothing. The same over the real FIP is
//! in aa-e2e's `direct_linking`.

use std::sync::atomic::Ordering;

use aa_core::rebit::ErrorCode;
use serde_json::{json, Value};

use crate::helpers::{now, txnid, World, HANDLE};
use aa_testkit::fakes::LINK_OTP;

const LINK_REF: &str = "FIP-1-LINK-FIP-1-ACC-1";

/// FIP-1's `LINKED` notification of `acc_ref` for `customer` with [`LINK_REF`].
fn linked(fip: &str, customer: &str, acc_ref: &str) -> Value {
    json!({
        "ver": "2.0.0",
        "timestamp": now(),
        "txnid": txnid(),
        "Notifier": { "type": "FIP", "id": fip },
        "AccountLinkStatusNotification": {
            "accRefNumber": acc_ref,
            "customerAddress": customer,
            "linkRefNumber": LINK_REF,
            "linkStatus": "LINKED"
        }
    })
}

/// Logs in, discovers at `fip` and starts linking its account there; returns the session token
/// and the answer of `POST /customer/link`.
async fn start_link(world: &World, fip: &str) -> (String, Value) {
    let token = world.login(HANDLE).await;
    let (status, found) = world
        .post(
            "/customer/discover",
            Some(&token),
            json!({ "fipIds": [fip] }),
        )
        .await;
    assert_eq!(status, 200, "{found}");
    let (status, started) = world
        .post(
            "/customer/link",
            Some(&token),
            json!({ "fipId": fip, "accounts": [format!("{fip}-ACC-1")] }),
        )
        .await;
    assert_eq!(status, 200, "{started}");
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
    let asked = world.request_consent("FIU-1", HANDLE, &txnid()).await;
    let handle = asked.body["ConsentHandle"].as_str().unwrap();
    let (status, approved) = world
        .post(
            &format!("/customer/consents/{handle}/approve"),
            Some(&token),
            json!({ "accounts": [LINK_REF] }),
        )
        .await;
    assert_eq!(status, 200, "{approved}");
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
    let (status, _) = world
        .post(
            "/customer/discover",
            Some(&token),
            json!({ "fipIds": ["FIP-2"] }),
        )
        .await;
    assert_eq!(status, 200);
    let (status, direct) = world
        .post(
            "/customer/link",
            Some(&token),
            json!({ "fipId": "FIP-2", "accounts": ["FIP-2-ACC-1"] }),
        )
        .await;
    assert_eq!(status, 200, "{direct}");
    let direct_ref = direct["refNumber"].as_str().unwrap();
    world.login("8888888888@AA-1").await;

    let refused = |answer: aa_testkit::Answer, code: ErrorCode, status: u16| {
        assert_eq!(answer.status, status, "{}", answer.body);
        assert_eq!(answer.body["errorCode"], code.as_str(), "{}", answer.body);
    };
    let invalid = ErrorCode::InvalidRequest;
    // A TOKEN request's account: LINKED is for DIRECT links only.
    refused(
        notify(&world, "FIP-1", &linked("FIP-1", HANDLE, "FIP-1-ACC-1")).await,
        invalid,
        400,
    );
    // Another FIP's pending request: FIP-1 speaking for FIP-2's account.
    refused(
        notify(&world, "FIP-1", &linked("FIP-1", HANDLE, "FIP-2-ACC-1")).await,
        invalid,
        400,
    );
    // Another customer of the AA, who asked for no link; and someone who is not a customer.
    refused(
        notify(
            &world,
            "FIP-2",
            &linked("FIP-2", "8888888888@AA-1", "FIP-2-ACC-1"),
        )
        .await,
        invalid,
        400,
    );
    refused(
        notify(
            &world,
            "FIP-2",
            &linked("FIP-2", "7777777777@AA-1", "FIP-2-ACC-1"),
        )
        .await,
        invalid,
        400,
    );
    // An account the request does not hold.
    refused(
        notify(&world, "FIP-2", &linked("FIP-2", HANDLE, "FIP-2-ACC-9")).await,
        invalid,
        400,
    );
    // The right one, but signed by another FIP, of another version, or stale.
    refused(
        notify(&world, "FIP-1", &linked("FIP-2", HANDLE, "FIP-2-ACC-1")).await,
        ErrorCode::InvalidNotifier,
        400,
    );
    let mut body = linked("FIP-2", HANDLE, "FIP-2-ACC-1");
    body["ver"] = json!("9.9.9");
    refused(
        notify(&world, "FIP-2", &body).await,
        ErrorCode::NoSuchVersion,
        404,
    );
    let mut body = linked("FIP-2", HANDLE, "FIP-2-ACC-1");
    body["timestamp"] = json!("2020-01-01T00:00:00.000Z");
    refused(notify(&world, "FIP-2", &body).await, invalid, 400);

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
    let mut body = linked("FIP-2", HANDLE, "FIP-2-ACC-1");
    body["AccountLinkStatusNotification"]["linkRefNumber"] = json!("FIP-2-LINK-FIP-2-ACC-1");
    let answer = notify(&world, "FIP-2", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let (_, accounts) = world.get("/customer/accounts", Some(&token)).await;
    assert_eq!(accounts.as_array().unwrap().len(), 2, "{accounts}");
}
