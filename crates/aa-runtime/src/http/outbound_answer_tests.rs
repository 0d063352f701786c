//! The outbound client's reading of answers, without a network: each test breaks one rule of
//! the callee's 2.0.0 schema in an otherwise valid answer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aa_core::rebit::FiResponse;
use aa_core::registry::{Entity, Role};
use serde_json::{json, Value};

use super::{read, Call};
use crate::http::OutboundError;

const TXN: &str = "0b811819-9044-4856-b0ee-8c88035f8858";
const CONSENT: &str = "6ba7b810-9dad-41d1-80b4-00c04fd430c8";
const SESSION: &str = "9a0a5a9e-2f55-4e7c-9d5c-4d8b4f5f7a11";

fn entity(role: Role) -> Entity {
    Entity {
        id: "PEER-1".to_owned(),
        role,
        name: "peer".to_owned(),
        base_url: "http://127.0.0.1:1".to_owned(),
        keys: Vec::new(),
    }
}

fn fi_response() -> Value {
    json!({
        "ver": "2.0.0",
        "timestamp": aa_core::timefmt::now_millis(),
        "txnid": TXN,
        "consentId": CONSENT,
        "sessionId": SESSION,
    })
}

fn ack() -> Value {
    json!({
        "ver": "2.0.0",
        "timestamp": aa_core::timefmt::now_millis(),
        "txnid": TXN,
        "response": "OK",
    })
}

fn bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

/// The message of the `Schema` refusal of `value` as `role`'s answer to `path`.
fn refusal(role: Role, path: &str, value: &Value) -> String {
    match read::<Value>(&entity(role), Call::Post(path), &bytes(value)) {
        Err(OutboundError::Schema { entity, message }) => {
            assert_eq!(entity, "PEER-1");
            message
        }
        other => panic!("expected a schema refusal, got {other:?}"),
    }
}

#[test]
fn a_schema_valid_answer_is_parsed() {
    let answer: FiResponse = read(
        &entity(Role::Fip),
        Call::Post("/FI/request"),
        &bytes(&fi_response()),
    )
    .unwrap();
    assert_eq!(answer.session_id, SESSION);
    assert_eq!(answer.consent_id, CONSENT);
}

#[test]
fn an_answer_missing_a_required_field_is_refused_naming_the_field() {
    let mut answer = fi_response();
    answer.as_object_mut().unwrap().remove("sessionId");
    let message = refusal(Role::Fip, "/FI/request", &answer);
    assert_eq!(message, "answer to /FI/request: sessionId is missing");
}

#[test]
fn an_answer_with_an_empty_required_field_is_refused_as_missing() {
    let mut answer = fi_response();
    answer["consentId"] = json!("  ");
    let message = refusal(Role::Fip, "/FI/request", &answer);
    assert_eq!(message, "answer to /FI/request: consentId is missing");
}

#[test]
fn an_answer_with_a_number_where_a_string_is_required_is_refused() {
    let mut answer = ack();
    answer["response"] = json!(200);
    let message = refusal(Role::Fiu, "/Consent/Notification", &answer);
    assert_eq!(
        message,
        "answer to /Consent/Notification: response must be a string"
    );
}

#[test]
fn an_answer_with_a_non_canonical_uuid_is_refused_without_quoting_it() {
    let mut answer = fi_response();
    answer["sessionId"] = json!("9A0A5A9E2F554E7C9D5C4D8B4F5F7A11");
    let message = refusal(Role::Fip, "/FI/request", &answer);
    assert!(
        message.starts_with("answer to /FI/request: sessionId must be a UUID"),
        "{message}"
    );
    assert!(!message.contains("9A0A5A9E"), "{message}");
}

#[test]
fn a_nested_field_is_named_by_its_path() {
    let answer = json!({
        "ver": "2.0.0",
        "timestamp": aa_core::timefmt::now_millis(),
        "txnid": TXN,
        "ConsentHandle": CONSENT,
        "ConsentStatus": {"id": CONSENT, "status": "SOMETIMES"},
    });
    let message = refusal(Role::Aa, "/Consent/handle", &answer);
    assert!(
        message.starts_with("answer to /Consent/handle: ConsentStatus.status must be one of"),
        "{message}"
    );
}

#[test]
fn the_callee_roles_file_decides_the_schema() {
    // `POST /Consent` is the artefact push at an FIP (answered with an acknowledgement) and the
    // consent request at an AA (answered with a handle and the customer).
    assert!(read::<Value>(&entity(Role::Fip), Call::Post("/Consent"), &bytes(&ack())).is_ok());
    let message = refusal(Role::Aa, "/Consent", &ack());
    assert_eq!(message, "answer to /Consent: Customer is missing");
}

#[test]
fn an_answer_that_is_not_json_is_refused_without_quoting_it() {
    let sent = b"{\"encryptedFI\": \"c2VjcmV0";
    let refused = read::<Value>(&entity(Role::Fip), Call::Post("/FI/fetch"), sent);
    let Err(OutboundError::Schema { message, .. }) = refused else {
        panic!("expected a schema refusal, got {refused:?}");
    };
    assert_eq!(
        message,
        "answer to /FI/fetch: not a JSON document (cut short)"
    );
}

#[test]
fn a_1_1_x_answer_is_not_held_to_the_2_0_0_schema() {
    let mut answer = fi_response();
    answer["ver"] = json!("1.1.2");
    answer.as_object_mut().unwrap().remove("consentId");
    assert!(read::<Value>(
        &entity(Role::Fip),
        Call::Post("/FI/request"),
        &bytes(&answer)
    )
    .is_ok());
}

#[test]
fn a_get_answer_is_not_held_to_the_schema() {
    let answer = json!({"ver": "2.0.0", "txnid": TXN});
    assert!(read::<Value>(&entity(Role::Aa), Call::Get, &bytes(&answer)).is_ok());
}

#[test]
fn a_path_the_callees_file_does_not_define_is_only_parsed() {
    let answer = json!({"anything": 1});
    assert!(read::<Value>(&entity(Role::Aa), Call::Post("/Ping"), &bytes(&answer)).is_ok());
}

#[test]
fn a_schema_refusal_is_final_and_counted_as_a_bad_body() {
    let mut answer = fi_response();
    answer.as_object_mut().unwrap().remove("txnid");
    let refused = read::<Value>(
        &entity(Role::Fip),
        Call::Post("/FI/request"),
        &bytes(&answer),
    );
    let error = refused.unwrap_err();
    assert!(!error.is_retryable());
    assert_eq!(error.outcome(), "bad_body");
}
