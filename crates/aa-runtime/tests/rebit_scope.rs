//! The ReBIT scope in process: verification and signing registered together, failing closed
//! without a signer; the caller's role checked by the extractor; the request's `ver` and `txnid`
//! echoed into error answers by the framework; public error messages sent (503s included),
//! internal ones reduced to "internal error".
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::sync::Arc;

use aa_core::apikey::Issuer;
use aa_core::jws::{detached, SigningKey};
use aa_core::rebit::ErrorCode;
use aa_core::registry::Registry;
use aa_runtime::http::respond::ResponseSigner;
use aa_runtime::http::{
    sign_responses, FromAa, FromFiu, InboundAuth, RebitError, RebitScope, Verified, VerifiedUri,
};
use actix_web::dev::{Service, ServiceResponse};
use actix_web::{middleware, test, web, App, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

const AA_KEY: &str = include_str!("../../aa-core/tests/fixtures/keys/aa-1.pem");
const FIU1_KEY: &str = include_str!("../../aa-core/tests/fixtures/keys/fiu-1.pem");
const ISSUER_KEY: &str = include_str!("../../aa-core/tests/fixtures/keys/issuer.pem");
const TXN: &str = "0b811819-9044-4856-b0ee-8c88035f8858";

fn key(pem: &str, kid: &str) -> SigningKey {
    SigningKey::from_pem(pem, kid).unwrap()
}

fn registry() -> Arc<Registry> {
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
    base_url: http://127.0.0.1:1
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

fn auth() -> InboundAuth {
    let registry = registry();
    InboundAuth::new(registry.clone(), registry.api_key_verifier().unwrap())
}

fn rebit_scope() -> RebitScope {
    RebitScope::new(auth(), ResponseSigner(Arc::new(key(AA_KEY, "aa-1-sig"))))
}

fn fiu_api_key() -> String {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    Issuer::from_pem("local-token-service", "tokens-1", ISSUER_KEY)
        .unwrap()
        .issue("FIU-1", &["FIU"], now, 600)
        .unwrap()
}

#[derive(Debug, Deserialize)]
struct Ping {
    #[allow(dead_code)]
    txnid: String,
}

async fn fiu_only(_: Verified<Ping, FromFiu>) -> Result<HttpResponse, RebitError> {
    Err(RebitError::new(ErrorCode::InvalidRequest, "no pings today"))
}

async fn aa_only(_: Verified<Ping, FromAa>) -> HttpResponse {
    HttpResponse::Ok().json(json!({"reached": true}))
}

async fn legacy_fiu_only(_: VerifiedUri<FromFiu>) -> Result<HttpResponse, RebitError> {
    Err(RebitError::new(ErrorCode::InvalidConsentId, "unknown"))
}

async fn busy() -> Result<HttpResponse, RebitError> {
    Err(RebitError::new(
        ErrorCode::ServiceUnavailable,
        "the consent has not reached the FIP yet; try again later",
    ))
}

async fn broken() -> Result<HttpResponse, RebitError> {
    Err(RebitError::internal(
        &"database is locked while writing table fi_sessions",
    ))
}

async fn fine() -> HttpResponse {
    HttpResponse::Ok().json(json!({"fine": true}))
}

/// Calls the scoped app; returns status, JSON body, raw body and whether the answer is signed
/// by AA-1.
async fn call(req: test::TestRequest) -> (u16, Value, String, bool) {
    let scope = rebit_scope();
    let app = test::init_service(
        App::new().service(
            scope
                .scope("")
                .route("/fiu", web::post().to(fiu_only))
                .route("/aa", web::post().to(aa_only))
                .route("/legacy/{id}", web::get().to(legacy_fiu_only))
                .route("/busy", web::get().to(busy))
                .route("/broken", web::get().to(broken)),
        ),
    )
    .await;
    let response: ServiceResponse = app.call(req.to_request()).await.unwrap();
    read(response).await
}

async fn read(response: ServiceResponse) -> (u16, Value, String, bool) {
    let status = response.status().as_u16();
    let signature = response
        .headers()
        .get("x-jws-signature")
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = test::read_body(response).await;
    let public = key(AA_KEY, "aa-1-sig").verifying_key();
    let signed = signature.is_some_and(|s| detached::verify(&s, &bytes, |_| Some(&public)).is_ok());
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    (status, serde_json::from_str(&text).unwrap(), text, signed)
}

/// A POST signed by FIU-1 with its API key.
fn fiu_post(path: &str, body: &Value) -> test::TestRequest {
    let bytes = serde_json::to_vec(body).unwrap();
    let signature = detached::sign(&key(FIU1_KEY, "fiu-1-sig"), &bytes);
    test::TestRequest::post()
        .uri(path)
        .insert_header(("client_api_key", fiu_api_key()))
        .insert_header(("x-jws-signature", signature))
        .set_payload(bytes)
}

#[actix_web::test]
async fn a_handlers_503_message_reaches_the_caller_signed() {
    let (status, body, _, signed) = call(test::TestRequest::get().uri("/busy")).await;
    assert_eq!(status, 503);
    assert_eq!(body["errorCode"], "ServiceUnavailable");
    assert_eq!(
        body["errorMsg"],
        "the consent has not reached the FIP yet; try again later"
    );
    assert!(signed);
}

#[actix_web::test]
async fn an_internal_errors_body_says_only_internal_error_and_not_the_cause() {
    let (status, body, text, signed) = call(test::TestRequest::get().uri("/broken")).await;
    assert_eq!(status, 500);
    assert_eq!(body["errorCode"], "InternalError");
    assert_eq!(body["errorMsg"], "internal error");
    assert!(!text.contains("database"), "{text}");
    assert!(!text.contains("fi_sessions"), "{text}");
    assert!(signed);
}

#[actix_web::test]
async fn an_error_answer_echoes_txnid_and_ver_without_the_handler_doing_it() {
    let request = fiu_post("/fiu", &json!({"ver": "1.1.3", "txnid": TXN}));
    let (status, body, _, signed) = call(request).await;
    assert_eq!(status, 400);
    assert_eq!(body["errorMsg"], "no pings today");
    assert_eq!(body["txnid"], TXN);
    assert_eq!(body["ver"], "1.1.3");
    assert!(signed);
}

#[actix_web::test]
async fn a_wrong_role_caller_is_refused_by_the_extractor_with_401_unauthorized_echoed() {
    let request = fiu_post("/aa", &json!({"ver": "2.0.0", "txnid": TXN}));
    let (status, body, _, signed) = call(request).await;
    assert_eq!(status, 401);
    assert_eq!(body["errorCode"], "Unauthorized");
    assert_eq!(body["errorMsg"], "a FIU may not call this endpoint");
    assert_eq!(body.get("reached"), None);
    assert_eq!(body["txnid"], TXN);
    assert!(signed);
}

#[actix_web::test]
async fn a_legacy_get_error_answers_ver_1_1_2_with_a_fresh_txnid() {
    let signature = detached::sign(&key(FIU1_KEY, "fiu-1-sig"), b"/legacy/abc");
    let request = test::TestRequest::get()
        .uri("/legacy/abc")
        .insert_header(("client_api_key", fiu_api_key()))
        .insert_header(("x-jws-signature", signature));
    let (status, body, _, signed) = call(request).await;
    assert_eq!(status, 400);
    assert_eq!(body["errorCode"], "InvalidConsentId");
    assert_eq!(body["ver"], "1.1.2");
    assert!(uuid::Uuid::parse_str(body["txnid"].as_str().unwrap()).is_ok());
    assert!(signed);
}

#[actix_web::test]
async fn the_signing_middleware_without_a_signer_answers_500_never_unsigned() {
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(auth()))
            .wrap(middleware::from_fn(sign_responses))
            .route("/fine", web::get().to(fine)),
    )
    .await;
    let response = app
        .call(test::TestRequest::get().uri("/fine").to_request())
        .await
        .unwrap();
    assert!(response.headers().get("x-jws-signature").is_none());
    let (status, body, text, _) = read(response).await;
    assert_eq!(status, 500);
    assert_eq!(body["errorMsg"], "internal error");
    assert!(!text.contains("fine"), "{text}");
}
