//! Customer log-in with an OTP: registration on first log-in, wrong and expired OTPs, and the
//! limit of three tries.

use aa_runtime::clock::Clock;
use serde_json::json;
use time::OffsetDateTime;

use crate::helpers::{Options, World, HANDLE};

#[tokio::test]
async fn first_login_registers_and_the_token_opens_the_customer_api() {
    let world = World::start().await;
    let (status, _) = world.get("/customer/fips", None).await;
    assert_eq!(status, 401);
    let (status, body) = world.get("/customer/fips", Some("not-a-token")).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("unauthorized"))
    );

    let token = world.login(HANDLE).await;
    let (status, fips) = world.get("/customer/fips", Some(&token)).await;
    assert_eq!(status, 200);
    assert_eq!(
        fips,
        json!([{ "id": "FIP-1", "name": "FIP-1" }, { "id": "FIP-2", "name": "FIP-2" }])
    );
    // A second log-in is the same customer, with a new token.
    let again = world.login(HANDLE).await;
    assert_ne!(again, token);
    let (status, _) = world.get("/customer/accounts", Some(&again)).await;
    assert_eq!(status, 200);
    // A tampered token is refused.
    let mut tampered = token.clone();
    tampered.pop();
    tampered.push(if token.ends_with('A') { 'B' } else { 'A' });
    let (status, _) = world.get("/customer/accounts", Some(&tampered)).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_wrong_otp_is_refused_and_three_tries_use_the_otp_up() {
    let world = World::start().await;
    let (otp_ref, otp) = world.otp(HANDLE).await;
    let wrong = if otp == "000000" { "000001" } else { "000000" };
    for left in [2, 1, 0] {
        let (status, body) = world
            .post(
                "/customer/session",
                None,
                json!({ "handle": HANDLE, "otpRef": otp_ref, "otp": wrong }),
            )
            .await;
        assert_eq!(status, 401, "{body}");
        assert_eq!(body["error"], "invalid_otp");
        assert_eq!(
            body["message"],
            format!("the OTP is wrong; {left} tries left")
        );
    }
    // The right code no longer helps.
    let (status, body) = world
        .post(
            "/customer/session",
            None,
            json!({ "handle": HANDLE, "otpRef": otp_ref, "otp": otp }),
        )
        .await;
    assert_eq!(status, 401);
    assert_eq!(body["error"], "otp_attempts_exceeded");
    // A fresh OTP works.
    world.login(HANDLE).await;
}

#[tokio::test]
async fn an_expired_otp_is_refused() {
    let world = World::with(Options {
        otp_ttl_seconds: 0,
        ..Options::default()
    })
    .await;
    let (otp_ref, otp) = world.otp(HANDLE).await;
    let (status, body) = world
        .post(
            "/customer/session",
            None,
            json!({ "handle": HANDLE, "otpRef": otp_ref, "otp": otp }),
        )
        .await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["error"], "otp_expired");
}

#[tokio::test]
async fn an_otp_works_once_and_only_for_its_handle() {
    let world = World::start().await;
    let (otp_ref, otp) = world.otp(HANDLE).await;
    let (status, body) = world
        .post(
            "/customer/session",
            None,
            json!({ "handle": "8888888888@AA-1", "otpRef": otp_ref, "otp": otp }),
        )
        .await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_otp")));
    let login = json!({ "handle": HANDLE, "otpRef": otp_ref, "otp": otp });
    let (status, _) = world.post("/customer/session", None, login.clone()).await;
    assert_eq!(status, 200);
    let (status, body) = world.post("/customer/session", None, login).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_otp")));
    // Once used, the sandbox no longer shows it.
    let (status, _) = world.get(&format!("/sandbox/otp/{otp_ref}"), None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn handles_of_other_aas_and_bad_bodies_are_refused() {
    let world = World::start().await;
    let (status, body) = world
        .post(
            "/customer/otp",
            None,
            json!({ "handle": "9999999999@AA-2" }),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_handle");
    let (status, body) = world
        .post("/customer/otp", None, json!({ "mobile": "9999999999" }))
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn otps_and_sessions_expire_by_the_aas_clock() {
    let (clock, hand) = Clock::manual(OffsetDateTime::now_utc());
    let world = World::with(Options {
        clock: Some(clock),
        ..Options::default()
    })
    .await;
    // An OTP of 300 s, used at 301 s by the AA's clock.
    let (otp_ref, otp) = world.otp(HANDLE).await;
    hand.advance(time::Duration::seconds(301));
    let (status, body) = world
        .post(
            "/customer/session",
            None,
            json!({ "handle": HANDLE, "otpRef": otp_ref, "otp": otp }),
        )
        .await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["error"], "otp_expired");
    // A session of 60 minutes opens the API until the clock passes its end.
    let token = world.login(HANDLE).await;
    let (status, _) = world.get("/customer/accounts", Some(&token)).await;
    assert_eq!(status, 200);
    hand.advance(time::Duration::minutes(59));
    let (status, _) = world.get("/customer/accounts", Some(&token)).await;
    assert_eq!(status, 200);
    hand.advance(time::Duration::minutes(2));
    let (status, _) = world.get("/customer/accounts", Some(&token)).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn login_attempts_are_limited_per_handle_across_otps_with_retry_after() {
    let world = World::with(Options {
        rate_limits: aa_runtime::rate_limit::RateLimitSettings {
            otp_checks_per_customer: 2,
            ..Default::default()
        },
        ..Options::default()
    })
    .await;
    let (first_ref, _) = world.otp(HANDLE).await;
    for _ in 0..2 {
        let (status, body) = world
            .post(
                "/customer/session",
                None,
                json!({ "handle": HANDLE, "otpRef": first_ref, "otp": "000000x" }),
            )
            .await;
        assert_eq!((status, body["error"].as_str()), (401, Some("invalid_otp")));
    }
    // A fresh OTP buys no more tries: the right code is refused until the window ends.
    let (otp_ref, otp) = world.otp(HANDLE).await;
    let answer = reqwest::Client::new()
        .post(format!("{}/customer/session", world.aa_url))
        .header("content-type", "application/json")
        .body(json!({ "handle": HANDLE, "otpRef": otp_ref, "otp": otp }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 429);
    let wait: u64 = answer.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&wait), "Retry-After {wait}");
    let body: serde_json::Value = serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap();
    assert_eq!(body["error"], "too_many_requests");
    // Another handle is not held up by this one's limit.
    world.login("8888888888@AA-1").await;
}
