//! `POST /Accounts/link`, `POST /Accounts/link/verify` and the 1.1.x
//! `GET /Accounts/link/{RefNumber}/{Token}`.

use serde_json::Value;

use crate::helpers::{assert_error, link_body, verify_body, Options, TestApp, HANDLE};

fn wrong(otp: &str) -> String {
    if otp == "000000" { "000001" } else { "000000" }.to_owned()
}

#[actix_web::test]
async fn linking_with_the_right_otp_links_every_account() {
    let app = TestApp::spawn().await;
    let accounts = app.discover().await;
    let body = link_body(HANDLE, &accounts);
    let answer = app.post("/Accounts/link", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["txnid"], body["txnid"]);
    assert_eq!(answer.body["AuthenticatorType"], "TOKEN");
    let ref_number = answer.body["RefNumber"].as_str().unwrap();
    let otp = app.otp(ref_number).await;
    assert_eq!(otp.len(), 6);
    assert!(otp.bytes().all(|b| b.is_ascii_digit()));

    let body = verify_body(ref_number, &otp);
    let answer = app.post("/Accounts/link/verify", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["txnid"], body["txnid"]);
    let links = answer.body["AccLinkDetails"].as_array().unwrap();
    assert_eq!(links.len(), 2);
    for link in links {
        assert_eq!(link["status"], "LINKED");
        assert_eq!(link["customerAddress"], HANDLE);
        assert!(accounts
            .iter()
            .any(|a| a["accRefNumber"] == link["accRefNumber"]));
        assert!(uuid::Uuid::parse_str(link["linkRefNumber"].as_str().unwrap()).is_ok());
    }
}

#[actix_web::test]
async fn a_wrong_otp_is_invalid_link_token_and_the_right_one_still_works() {
    let app = TestApp::spawn().await;
    let accounts = app.discover().await;
    let ref_number = app.start_link(&accounts).await;
    let otp = app.otp(&ref_number).await;
    let body = verify_body(&ref_number, &wrong(&otp));
    let answer = app.post("/Accounts/link/verify", &body).await;
    assert_error(&answer, 400, "InvalidLinkToken", Some(&body));
    assert_eq!(answer.body["errorMsg"], "wrong token: 2 tries left");
    let answer = app
        .post("/Accounts/link/verify", &verify_body(&ref_number, &otp))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[actix_web::test]
async fn the_third_wrong_otp_locks_the_request() {
    let app = TestApp::spawn().await;
    let accounts = app.discover().await;
    let ref_number = app.start_link(&accounts).await;
    let otp = app.otp(&ref_number).await;
    let mut messages = Vec::new();
    for _ in 0..3 {
        let body = verify_body(&ref_number, &wrong(&otp));
        let answer = app.post("/Accounts/link/verify", &body).await;
        assert_error(&answer, 400, "InvalidLinkToken", Some(&body));
        messages.push(answer.body["errorMsg"].as_str().unwrap().to_owned());
    }
    assert_eq!(messages[1], "wrong token: 1 try left");
    assert!(messages[2].contains("now locked"), "{}", messages[2]);
    // Even the right OTP is refused now.
    let body = verify_body(&ref_number, &otp);
    let answer = app.post("/Accounts/link/verify", &body).await;
    assert_error(&answer, 400, "InvalidLinkToken", Some(&body));
    assert!(answer.body["errorMsg"].as_str().unwrap().contains("locked"));
}

#[actix_web::test]
async fn an_expired_otp_is_link_token_expired() {
    let app = TestApp::spawn_with(Options {
        otp_ttl_seconds: 0,
        ..Options::default()
    })
    .await;
    let accounts = app.discover().await;
    let ref_number = app.start_link(&accounts).await;
    let otp = app.otp(&ref_number).await;
    let body = verify_body(&ref_number, &otp);
    let answer = app.post("/Accounts/link/verify", &body).await;
    assert_error(&answer, 401, "LinkTokenExpired", Some(&body));
}

#[actix_web::test]
async fn linking_an_unknown_or_misdescribed_account_is_account_not_found() {
    let app = TestApp::spawn().await;
    let accounts = app.discover().await;
    let mut unknown = accounts[0].clone();
    unknown["accRefNumber"] = uuid::Uuid::new_v4().to_string().into();
    let body = link_body(HANDLE, &[unknown]);
    let answer = app.post("/Accounts/link", &body).await;
    assert_error(&answer, 404, "AccountNotFound", Some(&body));

    let mut misdescribed = accounts[0].clone();
    misdescribed["maskedAccNumber"] = "XXXXXXXXXX0000".into();
    let body = link_body(HANDLE, &[misdescribed]);
    let answer = app.post("/Accounts/link", &body).await;
    assert_error(&answer, 404, "AccountNotFound", Some(&body));

    let body = link_body(HANDLE, &[]);
    let answer = app.post("/Accounts/link", &body).await;
    assert_error(&answer, 400, "InvalidRequest", Some(&body));
}

#[actix_web::test]
async fn accounts_of_two_customers_cannot_be_linked_together() {
    let app = TestApp::spawn().await;
    let mine = app.discover().await;
    let answer = app
        .post(
            "/Accounts/discover",
            &crate::helpers::discover_body("9876543210", None),
        )
        .await;
    let theirs = answer.body["DiscoveredAccounts"]
        .as_array()
        .unwrap()
        .clone();
    let body = link_body(HANDLE, &[mine[0].clone(), theirs[0].clone()]);
    let answer = app.post("/Accounts/link", &body).await;
    assert_error(&answer, 400, "InvalidRequest", Some(&body));
}

#[actix_web::test]
async fn a_ref_number_of_another_aa_or_none_at_all_is_invalid_request() {
    let app = TestApp::spawn().await;
    let accounts = app.discover().await;
    let ref_number = app.start_link(&accounts).await;
    let otp = app.otp(&ref_number).await;
    let body = verify_body(&ref_number, &otp);
    let answer = app.post_as("AA-2", "/Accounts/link/verify", &body).await;
    assert_error(&answer, 400, "InvalidRequest", Some(&body));
    let body = verify_body(&uuid::Uuid::new_v4().to_string(), &otp);
    let answer = app.post("/Accounts/link/verify", &body).await;
    assert_error(&answer, 400, "InvalidRequest", Some(&body));
}

#[actix_web::test]
async fn verifying_again_with_the_same_otp_answers_the_same_links() {
    let app = TestApp::spawn().await;
    let accounts = app.discover().await;
    let ref_number = app.start_link(&accounts).await;
    let otp = app.otp(&ref_number).await;
    let first = app
        .post("/Accounts/link/verify", &verify_body(&ref_number, &otp))
        .await;
    let again = app
        .post("/Accounts/link/verify", &verify_body(&ref_number, &otp))
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(
        first.body["AccLinkDetails"], again.body["AccLinkDetails"],
        "a retried verify must not create new links"
    );
    let body = verify_body(&ref_number, &wrong(&otp));
    let answer = app.post("/Accounts/link/verify", &body).await;
    assert_error(&answer, 400, "InvalidLinkToken", Some(&body));
}

#[actix_web::test]
async fn linking_a_linked_account_again_keeps_its_link_ref_number() {
    let app = TestApp::spawn().await;
    let first = app.link_all().await;
    let second = app.link_all().await;
    let refs = |v: &Value| {
        let mut refs: Vec<String> = v["AccLinkDetails"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["linkRefNumber"].as_str().unwrap().to_owned())
            .collect();
        refs.sort();
        refs
    };
    assert_eq!(refs(&first), refs(&second));
}

#[actix_web::test]
async fn the_1_1_x_get_form_completes_a_link() {
    let app = TestApp::spawn().await;
    let accounts = app.discover().await;
    let ref_number = app.start_link(&accounts).await;
    let otp = app.otp(&ref_number).await;
    let path = format!("/Accounts/link/{ref_number}/{}", wrong(&otp));
    let answer = app.request_as_aa("GET", &path, None).await;
    assert_error(&answer, 400, "InvalidLinkToken", None);
    assert_eq!(answer.body["ver"], "1.1.2");

    let path = format!("/Accounts/link/{ref_number}/{otp}");
    let answer = app.request_as_aa("GET", &path, None).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["ver"], "1.1.2");
    assert!(uuid::Uuid::parse_str(answer.body["txnid"].as_str().unwrap()).is_ok());
    assert_eq!(answer.body["AccLinkDetails"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn verifications_are_limited_per_customer_across_link_requests_with_the_spec_error() {
    let app = TestApp::spawn_with(Options {
        rate_limits: aa_runtime::rate_limit::RateLimitSettings {
            otp_checks_per_customer: 2,
            ..Default::default()
        },
        ..Options::default()
    })
    .await;
    let accounts = app.discover().await;
    let first = app.start_link(&accounts).await;
    let otp = app.otp(&first).await;
    for _ in 0..2 {
        let body = verify_body(&first, &wrong(&otp));
        let answer = app.post("/Accounts/link/verify", &body).await;
        assert_error(&answer, 400, "InvalidLinkToken", Some(&body));
    }
    // A new link request buys no more tries: the right OTP is refused until the window ends,
    // in the spec's error shape, signed.
    let second = app.start_link(&accounts).await;
    let body = verify_body(&second, &app.otp(&second).await);
    let answer = app.post("/Accounts/link/verify", &body).await;
    assert_error(&answer, 429, "ServiceUnavailable", Some(&body));
    assert!(
        answer.body["errorMsg"]
            .as_str()
            .unwrap()
            .starts_with("too many OTP attempts for this customer; try again in "),
        "{}",
        answer.body
    );
}
