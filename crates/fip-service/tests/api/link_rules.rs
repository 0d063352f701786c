//! `POST /Accounts/link` binds a customer address only to the accounts of the customer this
//! AA's discovery found for it, described as the bank holds them (issue 13). Each refusal is
//! 404 `AccountNotFound` (the link request's 404 code) and starts nothing: no link request, no
//! OTP (the rate limit's count of sends aside).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::helpers::{assert_error, discover_body, link_body, TestApp, HANDLE};
use crate::snapshot::snapshot;

const OTHER_MOBILE: &str = "9876543210";
const OTHER_ADDRESS: &str = "9876543210@AA-1";

fn work(mut tables: BTreeMap<String, Vec<String>>) -> BTreeMap<String, Vec<String>> {
    tables.remove("rate_limits");
    tables
}

/// `body` is 404 `AccountNotFound` and changes nothing.
async fn not_found(app: &TestApp, body: &Value) {
    let before = snapshot(app).await;
    let answer = app.post("/Accounts/link", body).await;
    assert_error(&answer, 404, "AccountNotFound", Some(body));
    assert_eq!(
        work(snapshot(app).await),
        work(before),
        "a refused link request changed something"
    );
}

/// Discovers the customer with `mobile` for `address` as AA-1; returns the accounts.
async fn discover(app: &TestApp, mobile: &str, address: &str) -> Vec<Value> {
    let mut body = discover_body(mobile, None);
    body["Customer"]["id"] = address.into();
    let answer = app.post("/Accounts/discover", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.body["DiscoveredAccounts"]
        .as_array()
        .unwrap()
        .clone()
}

#[actix_web::test]
async fn an_address_is_never_bound_to_another_customers_accounts() {
    let app = TestApp::spawn().await;
    discover(&app, crate::helpers::MOBILE, HANDLE).await;
    let theirs = discover(&app, OTHER_MOBILE, OTHER_ADDRESS).await;
    // The other customer's accounts, known to the AA, for the demo customer's address.
    not_found(&app, &link_body(HANDLE, &theirs)).await;
    // For their own address they link.
    let answer = app
        .post("/Accounts/link", &link_body(OTHER_ADDRESS, &theirs))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[actix_web::test]
async fn accounts_not_discovered_for_the_address_cannot_be_linked_to_it() {
    let app = TestApp::spawn().await;
    let mine = app.discover().await;
    not_found(&app, &link_body("someone-new@AA-1", &mine)).await;
    // Nor through another AA, which discovered nothing.
    let body = link_body(HANDLE, &mine);
    let answer = app.post_as("AA-2", "/Accounts/link", &body).await;
    assert_error(&answer, 404, "AccountNotFound", Some(&body));
}

#[actix_web::test]
async fn an_acc_type_or_fi_type_other_than_the_accounts_is_account_not_found() {
    let app = TestApp::spawn().await;
    let mine = app.discover().await;
    let mut wrong = mine.clone();
    wrong[0]["accType"] = if wrong[0]["accType"] == "CURRENT" {
        "SAVINGS"
    } else {
        "CURRENT"
    }
    .into();
    not_found(&app, &link_body(HANDLE, &wrong)).await;
    let mut wrong = mine.clone();
    wrong[0]["FIType"] = if wrong[0]["FIType"] == "DEPOSIT" {
        "RECURRING_DEPOSIT"
    } else {
        "DEPOSIT"
    }
    .into();
    not_found(&app, &link_body(HANDLE, &wrong)).await;
}
