//! `POST /Accounts/discover`.

use serde_json::json;

use crate::helpers::{assert_error, discover_body, txnid, TestApp, MOBILE, PAN};

#[actix_web::test]
async fn discovery_by_mobile_returns_the_masked_accounts_with_references() {
    let app = TestApp::spawn().await;
    let body = discover_body(MOBILE, None);
    let answer = app.post("/Accounts/discover", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["ver"], "2.0.0");
    assert_eq!(answer.body["txnid"], body["txnid"]);
    let accounts = answer.body["DiscoveredAccounts"].as_array().unwrap();
    let summary: Vec<(String, String, String)> = accounts
        .iter()
        .map(|a| {
            (
                a["FIType"].as_str().unwrap().to_owned(),
                a["accType"].as_str().unwrap().to_owned(),
                a["maskedAccNumber"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("DEPOSIT".into(), "SAVINGS".into(), "XXXXXXXXXX7812".into()),
            (
                "TERM_DEPOSIT".into(),
                "DEFAULT".into(),
                "XXXXXXXXXX8923".into()
            ),
        ]
    );
    for account in accounts {
        let reference = account["accRefNumber"].as_str().unwrap();
        assert!(uuid::Uuid::parse_str(reference).is_ok(), "{reference}");
    }
    // The full account numbers never leave the bank.
    assert!(!String::from_utf8_lossy(&answer.raw).contains("50100234567812"));
}

#[actix_web::test]
async fn a_matching_pan_narrows_nothing_and_a_wrong_one_finds_nothing() {
    let app = TestApp::spawn().await;
    let answer = app
        .post("/Accounts/discover", &discover_body(MOBILE, Some(PAN)))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        answer.body["DiscoveredAccounts"].as_array().unwrap().len(),
        2
    );

    let body = discover_body(MOBILE, Some("ZZZZZ9999Z"));
    let answer = app.post("/Accounts/discover", &body).await;
    assert_error(&answer, 404, "NoAccountsFound", Some(&body));
}

#[actix_web::test]
async fn an_unknown_customer_is_no_accounts_found() {
    let app = TestApp::spawn().await;
    let body = discover_body("9000000001", None);
    let answer = app.post("/Accounts/discover", &body).await;
    assert_error(&answer, 404, "NoAccountsFound", Some(&body));
}

#[actix_web::test]
async fn discovery_returns_only_the_requested_fi_types() {
    let app = TestApp::spawn().await;
    let mut body = discover_body(MOBILE, None);
    body["FITypes"] = json!(["TERM_DEPOSIT"]);
    let answer = app.post("/Accounts/discover", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let accounts = answer.body["DiscoveredAccounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0]["FIType"], "TERM_DEPOSIT");

    // Each a request of its own, with its own txnid.
    body["FITypes"] = json!(["RECURRING_DEPOSIT"]);
    body["txnid"] = txnid().into();
    let answer = app.post("/Accounts/discover", &body).await;
    assert_error(&answer, 404, "NoAccountsFound", Some(&body));

    body["FITypes"] = json!(["EQUITIES"]);
    body["txnid"] = txnid().into();
    let answer = app.post("/Accounts/discover", &body).await;
    assert_error(&answer, 404, "UnsupportedFIType", Some(&body));
}

#[actix_web::test]
async fn only_strong_identifiers_count() {
    let app = TestApp::spawn().await;
    let mut body = discover_body(MOBILE, None);
    body["Customer"]["Identifiers"][0]["category"] = "WEAK".into();
    let answer = app.post("/Accounts/discover", &body).await;
    assert_error(&answer, 400, "InvalidRequest", Some(&body));

    let mut body = discover_body(MOBILE, None);
    body["Customer"]["Identifiers"] =
        json!([{"category": "STRONG", "type": "AADHAR", "value": "123412341234"}]);
    let answer = app.post("/Accounts/discover", &body).await;
    assert_error(&answer, 404, "CannotIdentifyCustomer", Some(&body));
}

#[actix_web::test]
async fn a_1_1_2_request_is_answered_in_1_1_2_spelling() {
    let app = TestApp::spawn().await;
    let mut body = discover_body(MOBILE, None);
    body["ver"] = "1.1.2".into();
    body["FITypes"] = json!(["DEPOSIT", "TERM-DEPOSIT"]);
    let answer = app.post("/Accounts/discover", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["ver"], "1.1.2");
    let types: Vec<&str> = answer.body["DiscoveredAccounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["FIType"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["DEPOSIT", "TERM-DEPOSIT"]);
}
