//! The ReBIT API's gatekeeping: API keys, signatures, binding, versions and timestamps, every
//! answer signed by the AA; plus heartbeat, health and the consent notifications parties send.

use aa_core::jws::detached;
use aa_core::registry::Role;
use aa_testkit::{mint_api_key, post_signed, Answer};
use serde_json::json;

use crate::helpers::{consent_request, now, txnid, World, HANDLE};

async fn send(
    world: &World,
    key: Option<&str>,
    signer: &str,
    signed: &[u8],
    sent: &[u8],
) -> Answer {
    let mut request = reqwest::Client::new()
        .post(format!("{}/Consent", world.aa_url))
        .header("content-type", "application/json")
        .header(
            "x-jws-signature",
            detached::sign(&world.eco.signer(signer), signed),
        )
        .body(sent.to_vec());
    if let Some(key) = key {
        request = request.header("client_api_key", key);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let signature = response
        .headers()
        .get("x-jws-signature")
        .map(|v| v.to_str().unwrap().to_owned());
    let raw = response.bytes().await.unwrap().to_vec();
    let answer = Answer {
        status,
        body: serde_json::from_slice(&raw).unwrap(),
        signature,
        raw,
    };
    world.assert_signed_by_aa(&answer);
    answer
}

#[tokio::test]
async fn a_body_that_does_not_match_its_signature_is_signature_does_not_match() {
    let world = World::start().await;
    let body = consent_request("FIU-1", HANDLE, &txnid()).to_string();
    let tampered = body.replace("\"101\"", "\"102\"");
    let key = world.eco.api_key("FIU-1");
    let answer = send(
        &world,
        Some(&key),
        "FIU-1",
        body.as_bytes(),
        tampered.as_bytes(),
    )
    .await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.body["errorCode"], "SignatureDoesNotMatch");
    // No signature at all is the same.
    let answer = post_signed(
        &format!("{}/Consent", world.aa_url),
        Some(("client_api_key", &key)),
        None,
        body.as_bytes(),
    )
    .await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.body["errorCode"], "SignatureDoesNotMatch");
    world.assert_signed_by_aa(&answer);
}

#[tokio::test]
async fn a_missing_bad_or_expired_api_key_is_unauthorized() {
    let world = World::start().await;
    let body = consent_request("FIU-1", HANDLE, &txnid()).to_string();
    let expired = mint_api_key("FIU-1", Role::Fiu, -1);
    for key in [None, Some("not-a-jwt"), Some(expired.as_str())] {
        let answer = send(&world, key, "FIU-1", body.as_bytes(), body.as_bytes()).await;
        assert_eq!(answer.status, 401, "{key:?}: {}", answer.body);
        assert_eq!(answer.body["errorCode"], "Unauthorized");
    }
}

#[tokio::test]
async fn an_api_key_of_another_entity_is_invalid_request() {
    let world = World::start().await;
    let body = consent_request("FIU-1", HANDLE, &txnid()).to_string();
    let key = world.eco.api_key("FIU-2");
    let answer = send(
        &world,
        Some(&key),
        "FIU-1",
        body.as_bytes(),
        body.as_bytes(),
    )
    .await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.body["errorCode"], "InvalidRequest");
}

#[tokio::test]
async fn an_unknown_version_is_no_such_version_and_a_stale_timestamp_invalid_request() {
    let world = World::start().await;
    let mut body = consent_request("FIU-1", HANDLE, &txnid());
    body["ver"] = json!("9.9.9");
    let answer = world.rebit_post("FIU-1", "/Consent", &body).await;
    assert_eq!(answer.status, 404);
    assert_eq!(answer.body["errorCode"], "NoSuchVersion");
    assert_eq!(answer.body["txnid"], body["txnid"]);

    let mut body = consent_request("FIU-1", HANDLE, &txnid());
    body["timestamp"] = json!("2020-01-01T00:00:00.000Z");
    let answer = world.rebit_post("FIU-1", "/Consent", &body).await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.body["errorCode"], "InvalidRequest");
    assert!(answer.body["errorMsg"]
        .as_str()
        .unwrap()
        .contains("15 minutes"));
    // 1.1.x versions are served.
    let mut body = consent_request("FIU-1", HANDLE, &txnid());
    body["ver"] = json!("1.1.3");
    let answer = world.rebit_post("FIU-1", "/Consent", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["ver"], "1.1.3");
}

#[tokio::test]
async fn heartbeat_and_health_answer() {
    let world = World::start().await;
    let response = reqwest::get(format!("{}/Heartbeat", world.aa_url))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("x-jws-signature").is_some());
    let body: serde_json::Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(body["Status"], "UP");
    for path in ["/health/live", "/health/ready"] {
        let (status, body) = world.get(path, None).await;
        assert_eq!(
            (status, body["status"].as_str()),
            (200, Some("UP")),
            "{path}"
        );
    }
    // The sandbox endpoint exists only when configured; here it is, and unknown refs are 404.
    let (status, _) = world.get(&format!("/sandbox/otp/{}", txnid()), None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn consent_status_notifications_from_parties_are_acknowledged() {
    let world = World::start().await;
    let token = world.login(HANDLE).await;
    let links = world.link_all(&token, &["FIP-1"]).await;
    let answer = world.request_consent("FIU-1", HANDLE, &txnid()).await;
    let handle = answer.body["ConsentHandle"].as_str().unwrap().to_owned();
    let (_, approved) = world
        .post(
            &format!("/customer/consents/{handle}/approve"),
            Some(&token),
            json!({ "accounts": links }),
        )
        .await;
    let consent_id = approved["consentIds"][0].as_str().unwrap();
    let notification = |from: &str, kind: &str, consent_id: &str| {
        json!({
            "ver": "2.0.0",
            "timestamp": now(),
            "txnid": txnid(),
            "Notifier": { "type": kind, "id": from },
            "ConsentStatusNotification": { "consentId": consent_id, "consentStatus": "ACTIVE" }
        })
    };
    for _ in 0..2 {
        let answer = world
            .rebit_post(
                "FIP-1",
                "/Consent/Notification",
                &notification("FIP-1", "FIP", consent_id),
            )
            .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(answer.body["response"], "OK");
    }
    let answer = world
        .rebit_post(
            "FIU-1",
            "/Consent/Notification",
            &notification("FIU-1", "FIU", consent_id),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    // Not a party, or not the notifier it claims to be.
    let answer = world
        .rebit_post(
            "FIP-2",
            "/Consent/Notification",
            &notification("FIP-2", "FIP", consent_id),
        )
        .await;
    assert_eq!(answer.body["errorCode"], "InvalidRequest");
    let answer = world
        .rebit_post(
            "FIP-2",
            "/Consent/Notification",
            &notification("FIP-1", "FIP", consent_id),
        )
        .await;
    assert_eq!(answer.body["errorCode"], "InvalidNotifier");
}
