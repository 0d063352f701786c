//! Account discovery at several FIPs at once, one of them failing.

use std::sync::atomic::Ordering;

use aa_core::rebit::{IdentifierCategory, IdentifierType};
use serde_json::json;

use crate::helpers::{World, HANDLE};

#[tokio::test]
async fn discovery_at_two_fips_reports_the_failing_one_without_failing_the_other() {
    let world = World::start().await;
    world.fip_2.refuse_discovery.store(true, Ordering::SeqCst);
    let token = world.login(HANDLE).await;
    let (status, body) = world
        .post(
            "/customer/discover",
            Some(&token),
            json!({ "fipIds": ["FIP-1", "FIP-2", "FIP-9"], "pan": "ABCDE1234F" }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let fips = body["fips"].as_array().unwrap();
    assert_eq!(fips.len(), 3);
    assert_eq!(
        fips[0],
        json!({
            "fipId": "FIP-1",
            "accounts": [{
                "accRefNumber": "FIP-1-ACC-1",
                "maskedAccNumber": "XXXXXXXX5",
                "fiType": "DEPOSIT",
                "accType": "SAVINGS"
            }]
        })
    );
    assert_eq!(fips[1]["fipId"], "FIP-2");
    assert_eq!(fips[1]["accounts"], json!([]));
    assert!(fips[1]["error"]
        .as_str()
        .unwrap()
        .starts_with("NoAccountsFound: FIP-2"));
    assert_eq!(fips[2]["fipId"], "FIP-9");
    assert!(fips[2]["error"].as_str().unwrap().starts_with("not_found"));

    // FIP-1 saw the handle as the customer id, MOBILE from the handle and the PAN.
    let log = world.fip_1.log.lock().unwrap();
    let request = &log.discoveries[0];
    assert_eq!(request.customer.id, HANDLE);
    let ids = &request.customer.identifiers;
    assert_eq!(ids[0].kind, IdentifierType::Mobile);
    assert_eq!(ids[0].category, IdentifierCategory::Strong);
    assert_eq!(ids[0].value, "9999999999");
    assert_eq!(ids[1].kind, IdentifierType::Pan);
    assert_eq!(ids[1].value, "ABCDE1234F");
}

#[tokio::test]
async fn discovery_needs_a_session_and_at_least_one_fip() {
    let world = World::start().await;
    let (status, _) = world
        .post("/customer/discover", None, json!({ "fipIds": ["FIP-1"] }))
        .await;
    assert_eq!(status, 401);
    let token = world.login(HANDLE).await;
    let (status, body) = world
        .post("/customer/discover", Some(&token), json!({ "fipIds": [] }))
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request"))
    );
}
