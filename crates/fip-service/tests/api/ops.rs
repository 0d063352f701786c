//! Heartbeat, health and the OTP sandbox endpoint.

use crate::helpers::{Options, TestApp};

#[actix_web::test]
async fn the_heartbeat_is_up_and_signed() {
    let app = TestApp::spawn().await;
    let response = reqwest::get(format!("{}/Heartbeat", app.url))
        .await
        .unwrap();
    let status = response.status().as_u16();
    let signature = response
        .headers()
        .get("x-jws-signature")
        .map(|v| v.to_str().unwrap().to_owned());
    let raw = response.bytes().await.unwrap().to_vec();
    let answer = app.signed(aa_testkit::Answer {
        status,
        body: serde_json::from_slice(&raw).unwrap(),
        signature,
        raw,
    });
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["Status"], "UP");
    assert_eq!(answer.body["ver"], "2.0.0");
}

#[actix_web::test]
async fn liveness_and_readiness_answer() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get("/health/live").await;
    assert_eq!((status, body["status"].as_str()), (200, Some("UP")));
    let (status, body) = app.get("/health/ready").await;
    assert_eq!((status, body["status"].as_str()), (200, Some("UP")));
}

#[actix_web::test]
async fn the_sandbox_knows_only_references_it_sent() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get("/sandbox/otp/no-such-ref").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"], "NotFound");
}

#[actix_web::test]
async fn the_sandbox_endpoint_is_off_unless_enabled() {
    let app = TestApp::spawn_with(Options {
        sandbox: false,
        ..Options::default()
    })
    .await;
    let accounts = app.discover().await;
    let ref_number = app.start_link(&accounts).await;
    let response = reqwest::get(format!("{}/sandbox/otp/{ref_number}", app.url))
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
    assert!(response.text().await.unwrap().is_empty());
}

#[actix_web::test]
async fn an_unknown_rebit_path_is_a_signed_404() {
    let app = TestApp::spawn().await;
    let answer = app.post("/Accounts/nothing", &serde_json::json!({})).await;
    assert_eq!(answer.status, 404);
}
