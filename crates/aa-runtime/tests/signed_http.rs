//! The signed HTTP glue over real loopback HTTP: an actix-web server using the verified-body
//! extractor and the response-signing middleware, called with the outbound client and with
//! hand-made requests that break one rule each.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use aa_core::apikey::Issuer;
use aa_core::jws::{detached, SigningKey};
use aa_core::registry::{Registry, Role};
use aa_runtime::http::outbound::StaticApiKeys;
use aa_runtime::http::respond::ResponseSigner;
use aa_runtime::http::{
    sign_responses, InboundAuth, OutboundError, SignedClient, Verified, VerifiedUri,
};
use actix_web::{middleware, web, App, HttpResponse, HttpServer};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

const AA_KEY: &str = include_str!("../../aa-core/tests/fixtures/keys/aa-1.pem");
const FIU1_KEY: &str = include_str!("../../aa-core/tests/fixtures/keys/fiu-1.pem");
const FIU2_KEY: &str = include_str!("../../aa-core/tests/fixtures/keys/fiu-2.pem");
const ISSUER_KEY: &str = include_str!("../../aa-core/tests/fixtures/keys/issuer.pem");
const TXN: &str = "0b811819-9044-4856-b0ee-8c88035f8858";

fn key(pem: &str, kid: &str) -> SigningKey {
    SigningKey::from_pem(pem, kid).unwrap()
}

fn indent(pem: &str) -> String {
    pem.trim_end().replace('\n', "\n          ")
}

fn registry(aa_url: &str) -> Registry {
    let public = |pem: &str, kid: &str| indent(&key(pem, kid).verifying_key().to_pem());
    let yaml = format!(
        r#"entities:
  - id: AA-1
    role: AA
    base_url: {aa_url}
    keys:
      - kid: aa-1-sig
        pem: |
          {aa}
  - id: FIU-1
    role: FIU
    base_url: http://127.0.0.1:1
    keys:
      - kid: fiu-1-sig
        pem: |
          {fiu1}
  - id: FIU-2
    role: FIU
    base_url: http://127.0.0.1:1
    keys:
      - kid: fiu-2-sig
        pem: |
          {fiu2}
token_issuers:
  - id: local-token-service
    keys:
      - kid: tokens-1
        pem: |
          {issuer}
"#,
        aa = public(AA_KEY, "aa-1-sig"),
        fiu1 = public(FIU1_KEY, "fiu-1-sig"),
        fiu2 = public(FIU2_KEY, "fiu-2-sig"),
        issuer = public(ISSUER_KEY, "tokens-1"),
    );
    Registry::from_text(&yaml, false, Path::new(".")).unwrap()
}

fn issuer() -> Issuer {
    Issuer::from_pem("local-token-service", "tokens-1", ISSUER_KEY).unwrap()
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn api_key(entity: &str, role: &str) -> String {
    issuer().issue(entity, &[role], now(), 600).unwrap()
}

#[derive(Debug, Serialize, Deserialize)]
struct Ping {
    ver: String,
    txnid: String,
    value: u32,
}

async fn ping(request: Verified<Ping>) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "ver": request.body.ver,
        "txnid": request.body.txnid,
        "caller": request.caller.entity_id,
        "value": request.body.value + 1,
    }))
}

/// Answers with the request's own bytes, signed: how a test has the callee answer anything.
async fn echo(body: web::Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(body)
}

async fn get_ping(request: VerifiedUri) -> HttpResponse {
    HttpResponse::Ok().json(json!({ "caller": request.caller.entity_id }))
}

/// Starts the AA-1 test server on a free port, signing its responses with `response_key`.
async fn start(response_key: SigningKey) -> (String, Arc<Registry>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let registry = Arc::new(registry(&url));
    let auth = InboundAuth::new(registry.clone(), registry.api_key_verifier().unwrap());
    let signer = ResponseSigner(Arc::new(response_key));
    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(auth.clone()))
            .app_data(web::Data::new(signer.clone()))
            .wrap(middleware::from_fn(sign_responses))
            .route("/Ping", web::post().to(ping))
            .route("/Ping/{id}", web::get().to(get_ping))
            .route("/FI/request", web::post().to(echo))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    actix_web::rt::spawn(server);
    (url, registry)
}

fn client(registry: Arc<Registry>, signer: SigningKey, as_entity: &str) -> SignedClient {
    let mut keys = HashMap::new();
    keys.insert("AA-1".to_owned(), api_key(as_entity, "FIU"));
    SignedClient::new(
        Role::Fiu,
        Arc::new(signer),
        registry,
        Arc::new(StaticApiKeys(keys)),
        Duration::from_secs(5),
    )
    .unwrap()
}

fn body(value: u32) -> Vec<u8> {
    serde_json::to_vec(&json!({"ver": "2.0.0", "txnid": TXN, "value": value})).unwrap()
}

/// Sends raw parts and returns status, verified-signature flag and JSON body.
async fn raw_post(url: &str, headers: &[(&str, String)], body: Vec<u8>) -> (u16, Value, bool) {
    let mut request = reqwest::Client::new()
        .post(format!("{url}/Ping"))
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let signature = response
        .headers()
        .get("x-jws-signature")
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = response.bytes().await.unwrap();
    let aa_public = key(AA_KEY, "aa-1-sig").verifying_key();
    let signed = signature
        .map(|s| detached::verify(&s, &bytes, |_| Some(&aa_public)).is_ok())
        .unwrap_or(false);
    (status, serde_json::from_slice(&bytes).unwrap(), signed)
}

#[actix_web::test]
async fn a_signed_request_with_a_valid_api_key_is_answered_and_the_answer_verifies() {
    let (_, registry) = start(key(AA_KEY, "aa-1-sig")).await;
    let client = client(registry, key(FIU1_KEY, "fiu-1-sig"), "FIU-1");
    let answer: Value = client
        .post(
            "AA-1",
            "/Ping",
            &json!({"ver": "2.0.0", "txnid": TXN, "value": 41}),
        )
        .await
        .unwrap();
    assert_eq!(answer["value"], 42);
    assert_eq!(answer["caller"], "FIU-1");
    let answer: Value = client.get("AA-1", "/Ping/abc").await.unwrap();
    assert_eq!(answer["caller"], "FIU-1");
}

#[actix_web::test]
async fn a_missing_or_expired_api_key_is_401_unauthorized_and_signed() {
    let (url, _) = start(key(AA_KEY, "aa-1-sig")).await;
    let sig = detached::sign(&key(FIU1_KEY, "fiu-1-sig"), &body(1));
    let (status, answer, signed) =
        raw_post(&url, &[("x-jws-signature", sig.clone())], body(1)).await;
    assert_eq!(
        (status, answer["errorCode"].as_str()),
        (401, Some("Unauthorized"))
    );
    assert_eq!(answer["txnid"], TXN);
    assert!(signed, "error responses are signed too");
    let expired = issuer()
        .issue("FIU-1", &["FIU"], now() - 7200, 600)
        .unwrap();
    let headers = [("x-jws-signature", sig), ("client_api_key", expired)];
    let (status, answer, _) = raw_post(&url, &headers, body(1)).await;
    assert_eq!(
        (status, answer["errorCode"].as_str()),
        (401, Some("Unauthorized"))
    );
    assert_eq!(answer["errorMsg"], "API key has expired");
}

#[actix_web::test]
async fn an_api_key_in_another_roles_header_is_refused() {
    let (url, _) = start(key(AA_KEY, "aa-1-sig")).await;
    let sig = detached::sign(&key(FIU1_KEY, "fiu-1-sig"), &body(1));
    let headers = [
        ("x-jws-signature", sig),
        ("fip_api_key", api_key("FIU-1", "FIU")),
    ];
    let (status, answer, _) = raw_post(&url, &headers, body(1)).await;
    assert_eq!(
        (status, answer["errorCode"].as_str()),
        (401, Some("Unauthorized"))
    );
}

#[actix_web::test]
async fn a_tampered_body_or_missing_signature_is_400_signature_does_not_match() {
    let (url, _) = start(key(AA_KEY, "aa-1-sig")).await;
    let sig = detached::sign(&key(FIU1_KEY, "fiu-1-sig"), &body(1));
    let headers = [
        ("x-jws-signature", sig),
        ("client_api_key", api_key("FIU-1", "FIU")),
    ];
    let (status, answer, signed) = raw_post(&url, &headers, body(2)).await;
    assert_eq!(
        (status, answer["errorCode"].as_str()),
        (400, Some("SignatureDoesNotMatch"))
    );
    assert!(signed);
    let headers = [("client_api_key", api_key("FIU-1", "FIU"))];
    let (status, answer, _) = raw_post(&url, &headers, body(1)).await;
    assert_eq!(
        (status, answer["errorCode"].as_str()),
        (400, Some("SignatureDoesNotMatch"))
    );
}

#[actix_web::test]
async fn an_api_key_of_another_entity_than_the_signer_is_400_invalid_request() {
    let (url, _) = start(key(AA_KEY, "aa-1-sig")).await;
    let sig = detached::sign(&key(FIU1_KEY, "fiu-1-sig"), &body(1));
    let headers = [
        ("x-jws-signature", sig),
        ("client_api_key", api_key("FIU-2", "FIU")),
    ];
    let (status, answer, _) = raw_post(&url, &headers, body(1)).await;
    assert_eq!(
        (status, answer["errorCode"].as_str()),
        (400, Some("InvalidRequest"))
    );
}

#[actix_web::test]
async fn a_signature_by_an_unregistered_key_is_400_signature_does_not_match() {
    let (url, _) = start(key(AA_KEY, "aa-1-sig")).await;
    // FIU-2's key, but claiming FIU-1's kid: verification against FIU-1's key fails.
    let sig = detached::sign(&key(FIU2_KEY, "fiu-1-sig"), &body(1));
    let headers = [
        ("x-jws-signature", sig),
        ("client_api_key", api_key("FIU-1", "FIU")),
    ];
    let (status, answer, _) = raw_post(&url, &headers, body(1)).await;
    assert_eq!(
        (status, answer["errorCode"].as_str()),
        (400, Some("SignatureDoesNotMatch"))
    );
}

#[actix_web::test]
async fn a_body_that_does_not_fit_the_schema_is_400_invalid_request_after_verification() {
    let (url, _) = start(key(AA_KEY, "aa-1-sig")).await;
    let bad = serde_json::to_vec(&json!({"ver": "2.0.0", "txnid": TXN, "value": "x"})).unwrap();
    let sig = detached::sign(&key(FIU1_KEY, "fiu-1-sig"), &bad);
    let headers = [
        ("x-jws-signature", sig),
        ("client_api_key", api_key("FIU-1", "FIU")),
    ];
    let (status, answer, signed) = raw_post(&url, &headers, bad).await;
    assert_eq!(
        (status, answer["errorCode"].as_str()),
        (400, Some("InvalidRequest"))
    );
    assert_eq!(answer["txnid"], TXN);
    assert_eq!(answer["ver"], "2.0.0");
    assert!(signed);
}

#[actix_web::test]
async fn a_response_not_signed_by_the_callee_is_discarded() {
    // The server signs with FIU-2's key, which is not AA-1's registered key.
    let (_, registry) = start(key(FIU2_KEY, "aa-1-sig")).await;
    let client = client(registry, key(FIU1_KEY, "fiu-1-sig"), "FIU-1");
    let result: Result<Value, _> = client
        .post(
            "AA-1",
            "/Ping",
            &json!({"ver": "2.0.0", "txnid": TXN, "value": 1}),
        )
        .await;
    assert!(
        matches!(result, Err(OutboundError::ResponseSignature { .. })),
        "{result:?}"
    );
}

#[actix_web::test]
async fn rebit_errors_come_back_as_typed_errors_to_the_client() {
    let (_, registry) = start(key(AA_KEY, "aa-1-sig")).await;
    // FIU-1 signs, but presents FIU-2's API key: the server says InvalidRequest.
    let client = client(registry, key(FIU1_KEY, "fiu-1-sig"), "FIU-2");
    let result: Result<Value, _> = client
        .post(
            "AA-1",
            "/Ping",
            &json!({"ver": "2.0.0", "txnid": TXN, "value": 1}),
        )
        .await;
    match result {
        Err(OutboundError::Rebit { status, error, .. }) => {
            assert_eq!(status, 400);
            assert_eq!(error.error_code.as_str(), "InvalidRequest");
            assert_eq!(error.txnid, TXN);
        }
        other => panic!("{other:?}"),
    }
}

fn fi_response(session_id: Value) -> Value {
    json!({
        "ver": "2.0.0",
        "timestamp": aa_core::timefmt::now_millis(),
        "txnid": TXN,
        "consentId": "6ba7b810-9dad-41d1-80b4-00c04fd430c8",
        "sessionId": session_id,
    })
}

#[actix_web::test]
async fn a_signed_answer_that_breaks_the_callees_schema_is_refused_by_post_and_post_raw() {
    let (_, registry) = start(key(AA_KEY, "aa-1-sig")).await;
    let client = client(registry, key(FIU1_KEY, "fiu-1-sig"), "FIU-1");
    let good = fi_response(json!("9a0a5a9e-2f55-4e7c-9d5c-4d8b4f5f7a11"));
    let answer: Value = client.post("AA-1", "/FI/request", &good).await.unwrap();
    assert_eq!(answer["sessionId"], good["sessionId"]);
    for (bad, rule) in [
        (fi_response(Value::Null), "sessionId is missing"),
        (fi_response(json!(7)), "sessionId must be a string"),
        (fi_response(json!("not-a-uuid")), "sessionId must be a UUID"),
    ] {
        let result: Result<Value, _> = client.post("AA-1", "/FI/request", &bad).await;
        match result {
            Err(OutboundError::Schema { entity, message }) => {
                assert_eq!(entity, "AA-1");
                assert!(message.contains(rule), "{message}");
            }
            other => panic!("{other:?}"),
        }
        let raw = client
            .post_raw("AA-1", "/FI/request", serde_json::to_vec(&bad).unwrap())
            .await;
        assert!(matches!(raw, Err(OutboundError::Schema { .. })), "{raw:?}");
    }
}
