//! The 2.0.0 schema at the boundary: the verified-body extractor holds every request body to
//! the receiving role's ReBIT YAML after the signature check and before the typed parse (the
//! specific identifier codes where the endpoint lists them).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::sync::Arc;

use aa_core::apikey::Issuer;
use aa_core::jws::{detached, SigningKey};
use aa_core::registry::{Registry, Role};
use aa_runtime::http::respond::ResponseSigner;
use aa_runtime::http::{FromFiu, InboundAuth, RebitScope, Verified};
use actix_web::dev::{Service, ServiceResponse};
use actix_web::{test, web, App, HttpResponse};
use serde_json::{json, Value};

const AA_KEY: &str = include_str!("../../aa-core/tests/fixtures/keys/aa-1.pem");
const FIU1_KEY: &str = include_str!("../../aa-core/tests/fixtures/keys/fiu-1.pem");
const ISSUER_KEY: &str = include_str!("../../aa-core/tests/fixtures/keys/issuer.pem");
const TXN: &str = "0b811819-9044-4856-b0ee-8c88035f8858";
const HANDLE: &str = "39e108fe-9243-11e8-b9f2-0256d88baae8";

fn key(pem: &str, kid: &str) -> SigningKey {
    SigningKey::from_pem(pem, kid).unwrap()
}

fn registry(aa_url: &str) -> Arc<Registry> {
    let public = |pem: &str, kid: &str| {
        key(pem, kid)
            .verifying_key()
            .to_pem()
            .trim_end()
            .replace('\n', "\n          ")
    };
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
token_issuers:
  - id: local-token-service
    keys:
      - kid: tokens-1
        pem: |
          {issuer}
"#,
        aa = public(AA_KEY, "aa-1-sig"),
        fiu1 = public(FIU1_KEY, "fiu-1-sig"),
        issuer = public(ISSUER_KEY, "tokens-1"),
    );
    Arc::new(Registry::from_text(&yaml, false, Path::new(".")).unwrap())
}

fn fiu_api_key() -> String {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    Issuer::from_pem("local-token-service", "tokens-1", ISSUER_KEY)
        .unwrap()
        .issue("FIU-1", &["FIU"], now, 600)
        .unwrap()
}

/// Answers 200 with the `ver` it read: reaching it means the body passed the extractor.
async fn reached(request: Verified<Value, FromFiu>) -> HttpResponse {
    HttpResponse::Ok().json(json!({"reached": true, "ver": request.body["ver"]}))
}

/// The AA's ReBIT scope in process; `receiver` is what its identity would set.
async fn call(receiver: Option<Role>, req: test::TestRequest) -> (u16, Value) {
    let registry = registry("http://127.0.0.1:1");
    let mut auth = InboundAuth::new(registry.clone(), registry.api_key_verifier().unwrap());
    if let Some(role) = receiver {
        auth = auth.receiving_as(role);
    }
    let scope = RebitScope::new(auth, ResponseSigner(Arc::new(key(AA_KEY, "aa-1-sig"))));
    let app = test::init_service(
        App::new().service(
            scope
                .scope("")
                .route("/Consent/handle", web::post().to(reached))
                .route("/Consent/fetch", web::post().to(reached))
                .route("/FI/fetch", web::post().to(reached))
                .route("/Ping", web::post().to(reached)),
        ),
    )
    .await;
    let response: ServiceResponse = app.call(req.to_request()).await.unwrap();
    let status = response.status().as_u16();
    let bytes = test::read_body(response).await;
    (status, serde_json::from_slice(&bytes).unwrap())
}

fn signed_post(path: &str, bytes: Vec<u8>, signed_bytes: &[u8]) -> test::TestRequest {
    let signature = detached::sign(&key(FIU1_KEY, "fiu-1-sig"), signed_bytes);
    test::TestRequest::post()
        .uri(path)
        .insert_header(("client_api_key", fiu_api_key()))
        .insert_header(("x-jws-signature", signature))
        .set_payload(bytes)
}

fn fiu_post(path: &str, body: &Value) -> test::TestRequest {
    let bytes = serde_json::to_vec(body).unwrap();
    signed_post(path, bytes.clone(), &bytes)
}

fn handle_request(handle: Value) -> Value {
    json!({
        "ver": "2.0.0",
        "timestamp": aa_core::timefmt::now_millis(),
        "txnid": TXN,
        "ConsentHandle": handle,
    })
}

#[actix_web::test]
async fn a_body_that_fits_the_receivers_schema_reaches_the_handler() {
    let (status, body) = call(
        Some(Role::Aa),
        fiu_post("/Consent/handle", &handle_request(json!(HANDLE))),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["reached"], true);
}

#[actix_web::test]
async fn a_malformed_consent_handle_is_400_invalid_consent_handle_echoing_the_envelope() {
    for handle in [
        json!("39e108fe924311e8b9f20256d88baae8"),
        json!("x"),
        json!(7),
    ] {
        let request = fiu_post("/Consent/handle", &handle_request(handle.clone()));
        let (status, body) = call(Some(Role::Aa), request).await;
        assert_eq!(status, 400, "{handle}");
        assert_eq!(body["errorCode"], "InvalidConsentHandle", "{handle}");
        assert_eq!(body["txnid"], TXN);
        assert_eq!(body["ver"], "2.0.0");
    }
}

#[actix_web::test]
async fn a_malformed_consent_id_is_400_invalid_consent_id() {
    let request = json!({
        "ver": "2.0.0", "timestamp": aa_core::timefmt::now_millis(), "txnid": TXN,
        "consentId": "not-a-uuid"
    });
    let (status, body) = call(Some(Role::Aa), fiu_post("/Consent/fetch", &request)).await;
    assert_eq!(status, 400);
    assert_eq!(body["errorCode"], "InvalidConsentId");
}

#[actix_web::test]
async fn a_malformed_session_id_is_400_invalid_session_id() {
    let request = json!({
        "ver": "2.0.0", "timestamp": aa_core::timefmt::now_millis(), "txnid": TXN,
        "sessionId": "e4e3fb59d68248c780e2770967ba2477"
    });
    let (status, body) = call(Some(Role::Aa), fiu_post("/FI/fetch", &request)).await;
    assert_eq!(status, 400);
    assert_eq!(body["errorCode"], "InvalidSessionId");
    let mut empty = request.clone();
    empty["sessionId"] = json!({});
    let (status, body) = call(Some(Role::Aa), fiu_post("/FI/fetch", &empty)).await;
    assert_eq!(status, 400);
    assert_eq!(body["errorCode"], "InvalidRequest");
    assert_eq!(body["errorMsg"], "sessionId is missing");
}

#[actix_web::test]
async fn a_number_where_the_schema_says_string_is_400_invalid_request() {
    let mut request = handle_request(json!(HANDLE));
    request["timestamp"] = json!(1_704_103_200_000_u64);
    let (status, body) = call(Some(Role::Aa), fiu_post("/Consent/handle", &request)).await;
    assert_eq!(status, 400);
    assert_eq!(body["errorCode"], "InvalidRequest");
    assert_eq!(body["errorMsg"], "timestamp must be a string");
}

#[actix_web::test]
async fn a_txnid_without_hyphens_is_400_invalid_request() {
    let mut request = handle_request(json!(HANDLE));
    request["txnid"] = json!(TXN.replace('-', ""));
    let (status, body) = call(Some(Role::Aa), fiu_post("/Consent/handle", &request)).await;
    assert_eq!(status, 400);
    assert_eq!(body["errorCode"], "InvalidRequest");
    assert!(body["errorMsg"]
        .as_str()
        .unwrap()
        .starts_with("txnid must be a UUID"));
}

#[actix_web::test]
async fn the_signature_is_checked_before_the_schema() {
    let bad = serde_json::to_vec(&handle_request(json!("x"))).unwrap();
    let other = serde_json::to_vec(&handle_request(json!(HANDLE))).unwrap();
    let (status, body) = call(Some(Role::Aa), signed_post("/Consent/handle", bad, &other)).await;
    assert_eq!(status, 400);
    assert_eq!(body["errorCode"], "SignatureDoesNotMatch");
}

#[actix_web::test]
async fn a_body_that_is_not_json_is_400_invalid_request() {
    let bytes = b"ver=2.0.0".to_vec();
    let (status, body) = call(Some(Role::Aa), signed_post("/Ping", bytes.clone(), &bytes)).await;
    assert_eq!(status, 400);
    assert_eq!(body["errorCode"], "InvalidRequest");
}

#[actix_web::test]
async fn a_legacy_body_is_left_to_the_handler() {
    let mut request = handle_request(json!("not-a-uuid"));
    request["ver"] = json!("1.1.2");
    let (status, body) = call(Some(Role::Aa), fiu_post("/Consent/handle", &request)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ver"], "1.1.2");
}

#[actix_web::test]
async fn a_path_outside_the_spec_or_a_scope_without_a_receiver_is_not_schema_checked() {
    let (status, _) = call(Some(Role::Aa), fiu_post("/Ping", &json!({"ver": 2}))).await;
    assert_eq!(status, 200);
    let request = fiu_post("/Consent/handle", &handle_request(json!("x")));
    let (status, _) = call(None, request).await;
    assert_eq!(status, 200);
}
