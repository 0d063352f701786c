//! Who may call: an AA, with its own valid API key, signing the exact body.

use aa_core::jws::SigningKey;
use aa_core::registry::Role;
use aa_testkit::{keys, mint_api_key};

use crate::helpers::{assert_error, discover_body, TestApp, MOBILE};

#[actix_web::test]
async fn a_request_without_an_api_key_is_unauthorized() {
    let app = TestApp::spawn().await;
    let body = discover_body(MOBILE, None);
    let bytes = serde_json::to_vec(&body).unwrap();
    let answer = app
        .post_raw(
            "/Accounts/discover",
            None,
            Some(&app.eco.signer("AA-1")),
            &bytes,
        )
        .await;
    assert_error(&answer, 401, "Unauthorized", Some(&body));
}

#[actix_web::test]
async fn an_expired_api_key_is_unauthorized() {
    let app = TestApp::spawn().await;
    let body = discover_body(MOBILE, None);
    let bytes = serde_json::to_vec(&body).unwrap();
    let expired = mint_api_key("AA-1", Role::Aa, -1);
    let answer = app
        .post_raw(
            "/Accounts/discover",
            Some(("aa_api_key", &expired)),
            Some(&app.eco.signer("AA-1")),
            &bytes,
        )
        .await;
    assert_error(&answer, 401, "Unauthorized", Some(&body));
    assert!(answer.body["errorMsg"]
        .as_str()
        .unwrap()
        .contains("expired"));
}

#[actix_web::test]
async fn a_malformed_api_key_is_unauthorized() {
    let app = TestApp::spawn().await;
    let body = discover_body(MOBILE, None);
    let bytes = serde_json::to_vec(&body).unwrap();
    let answer = app
        .post_raw(
            "/Accounts/discover",
            Some(("aa_api_key", "not-a-token")),
            Some(&app.eco.signer("AA-1")),
            &bytes,
        )
        .await;
    assert_error(&answer, 401, "Unauthorized", Some(&body));
}

#[actix_web::test]
async fn a_signature_by_the_wrong_key_is_signature_does_not_match() {
    let app = TestApp::spawn().await;
    let body = discover_body(MOBILE, None);
    let bytes = serde_json::to_vec(&body).unwrap();
    // AA-1's kid, another key: the signature cannot verify.
    let impostor = SigningKey::from_pem(keys::FIU_2, "aa-1-sig").unwrap();
    let answer = app
        .post_raw(
            "/Accounts/discover",
            Some(("aa_api_key", &app.eco.api_key("AA-1"))),
            Some(&impostor),
            &bytes,
        )
        .await;
    assert_error(&answer, 400, "SignatureDoesNotMatch", Some(&body));
}

#[actix_web::test]
async fn a_missing_signature_is_signature_does_not_match() {
    let app = TestApp::spawn().await;
    let body = discover_body(MOBILE, None);
    let bytes = serde_json::to_vec(&body).unwrap();
    let answer = app
        .post_raw(
            "/Accounts/discover",
            Some(("aa_api_key", &app.eco.api_key("AA-1"))),
            None,
            &bytes,
        )
        .await;
    assert_error(&answer, 400, "SignatureDoesNotMatch", Some(&body));
}

#[actix_web::test]
async fn the_api_key_of_another_entity_is_invalid_request() {
    let app = TestApp::spawn().await;
    let body = discover_body(MOBILE, None);
    let bytes = serde_json::to_vec(&body).unwrap();
    // AA-2's key, AA-1's signature.
    let answer = app
        .post_raw(
            "/Accounts/discover",
            Some(("aa_api_key", &app.eco.api_key("AA-2"))),
            Some(&app.eco.signer("AA-1")),
            &bytes,
        )
        .await;
    assert_error(&answer, 400, "InvalidRequest", Some(&body));
}

#[actix_web::test]
async fn an_fiu_may_not_call_the_fip() {
    let app = TestApp::spawn().await;
    let body = discover_body(MOBILE, None);
    let answer = app.post_as("FIU-1", "/Accounts/discover", &body).await;
    assert_error(&answer, 401, "Unauthorized", Some(&body));
}

#[actix_web::test]
async fn the_envelope_is_checked_version_first() {
    let app = TestApp::spawn().await;
    let mut body = discover_body(MOBILE, None);
    body["ver"] = "3.0.0".into();
    let answer = app.post("/Accounts/discover", &body).await;
    assert_eq!(answer.status, 404, "{}", answer.body);
    assert_eq!(answer.body["errorCode"], "NoSuchVersion");
    assert_eq!(answer.body["txnid"], body["txnid"]);

    let mut body = discover_body(MOBILE, None);
    body["timestamp"] = "2020-01-01T00:00:00.000Z".into();
    let answer = app.post("/Accounts/discover", &body).await;
    assert_error(&answer, 400, "InvalidRequest", Some(&body));
    assert!(answer.body["errorMsg"]
        .as_str()
        .unwrap()
        .contains("15 minutes"));

    let mut body = discover_body(MOBILE, None);
    body["txnid"] = "not-a-uuid".into();
    let answer = app.post("/Accounts/discover", &body).await;
    assert_error(&answer, 400, "InvalidRequest", Some(&body));
}

#[actix_web::test]
async fn a_body_that_does_not_fit_the_schema_is_invalid_request() {
    let app = TestApp::spawn().await;
    let body = serde_json::json!({"ver": "2.0.0", "txnid": crate::helpers::txnid()});
    let answer = app.post("/Accounts/discover", &body).await;
    assert_error(&answer, 400, "InvalidRequest", Some(&body));
}
