//! ReBIT 2.1.0 through the SahamatiNet Router, end to end over the real binaries: every service
//! sends every call through a local router (`aa_launch::router`, forwarding by
//! `x-request-meta`), the FIU's requests to the AA and the AA's to the FIPs carry `ver` 2.1.0,
//! and the whole loop (login, discovery, linking, consent, artefacts, data request, fetch,
//! decryption) completes. A forwarded request that names another recipient than the service it
//! reaches is refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aa_core::jws::detached;
use aa_core::request_meta::RequestMeta;
use aa_e2e::{Local, Storage};
use serde_json::{json, Value};

/// The ReBIT requests (not notifications) each role sends, which carry the sender's version.
const REQUESTS: [&str; 9] = [
    "/Consent",
    "/Consent/handle",
    "/Consent/fetch",
    "/FI/request",
    "/FI/fetch",
    "/Accounts/discover",
    "/Accounts/link",
    "/Accounts/link/verify",
    "/Accounts/delink",
];

#[tokio::test]
async fn the_whole_loop_completes_in_2_1_0_through_the_router() {
    let local = Local::start_routed(Local::options(Storage::Sqlite).await, Some("2.1.0")).await;
    let outcome = match aa_launch::walk::walk(&local.eco, &mut |_, _| {}).await {
        Ok(outcome) => outcome,
        Err(e) => panic!(
            "the loop did not complete through the router: {e}\n{}",
            local.logs()
        ),
    };
    assert_eq!(outcome.data_request["status"], "COMPLETED");

    let routed = local.eco.routed();
    for id in ["AA-1", "FIP-1", "FIP-2", "FIU-1"] {
        assert!(
            routed.iter().any(|r| r.recipient == id),
            "nothing was routed to {id}: {routed:?}"
        );
    }
    for path in [
        "/Consent",
        "/FI/request",
        "/FI/fetch",
        "/Accounts/link/verify",
    ] {
        assert!(
            routed.iter().any(|r| r.path == path),
            "no {path}: {routed:?}"
        );
    }
    for call in &routed {
        assert!(
            (200..300).contains(&call.status),
            "a routed call failed: {call:?}"
        );
        if REQUESTS.contains(&call.path.as_str()) {
            assert_eq!(call.ver.as_deref(), Some("2.1.0"), "{call:?}");
        }
    }
    // The AA answered the FIU's 2.1.0 requests in 2.1.0: the FIU holds them to it.
    let aa_log = std::fs::read_to_string(&local.service("aa-service").log).unwrap();
    assert!(!aa_log.contains("NoSuchVersion"), "{aa_log}");
}

#[tokio::test]
async fn a_forwarded_request_for_another_recipient_is_refused() {
    let local = Local::start(Storage::Sqlite).await;
    let aa = local.service("aa-service").base_url.clone();
    let body = json!({
        "ver": "2.1.0",
        "timestamp": aa_core::timefmt::now_millis(),
        "txnid": uuid::Uuid::new_v4().to_string(),
        "ConsentHandle": uuid::Uuid::new_v4().to_string(),
    });
    let bytes = serde_json::to_vec(&body).unwrap();
    let send = |meta: String| {
        let bytes = bytes.clone();
        let signature = detached::sign(&local.signer("FIU-1"), &bytes);
        reqwest::Client::new()
            .post(format!("{aa}/Consent/handle"))
            .header("client_api_key", local.api_key("FIU-1"))
            .header("x-jws-signature", signature)
            .header("x-request-meta", meta)
            .header("content-type", "application/json")
            .body(bytes)
            .send()
    };
    let answer = send(RequestMeta::for_recipient("FIP-1").encode())
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);
    let error: Value = serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap();
    assert_eq!(error["errorCode"], "InvalidRequest");
    assert_eq!(error["ver"], "2.1.0");
    assert!(
        error["errorMsg"]
            .as_str()
            .unwrap()
            .contains("names recipient \"FIP-1\""),
        "{error}"
    );
    // Addressed to the AA itself, the same request reaches the handler: an unknown handle.
    let answer = send(RequestMeta::for_recipient("AA-1").encode())
        .await
        .unwrap();
    let error: Value = serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap();
    assert_ne!(error["errorCode"], "InvalidRequest", "{error}");
}
