#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};

use super::*;

const TXN: &str = "0b811819-9044-4856-b0ee-8c88035f8858";
const ID: &str = "654024c8-29c8-11e8-8868-0289437bf331";

fn fi_request() -> Value {
    json!({
        "ver": "2.0.0",
        "timestamp": "2024-01-01T10:00:00.000Z",
        "txnid": TXN,
        "FIDataRange": {"from": "2023-01-01T00:00:00.000Z", "to": "2023-12-31T00:00:00.000Z"},
        "Consent": {"id": ID, "digitalSignature": "c2lnbmF0dXJl"},
        "KeyMaterial": {
            "cryptoAlg": "ECDH",
            "curve": "Curve25519",
            "params": "",
            "DHPublicKey": {"expiry": "2024-01-02T10:00:00.000Z", "Parameters": "", "KeyValue": "k"},
            "Nonce": "bm9uY2U="
        }
    })
}

fn refused(receiver: Role, path: &str, body: &Value) -> Invalid {
    check_request(receiver, path, body).expect_err("the body is refused")
}

fn with(mut body: Value, pointer: &str, value: Value) -> Value {
    *body.pointer_mut(pointer).expect("pointer exists") = value;
    body
}

fn without(mut body: Value, parent: &str, field: &str) -> Value {
    body.pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .expect("parent exists")
        .remove(field);
    body
}

#[test]
fn every_post_endpoint_of_every_file_resolves_its_request_and_answer_schemas() {
    for (role, version) in [Role::Aa, Role::Fip, Role::Fiu]
        .into_iter()
        .flat_map(|role| [(role, ApiVersion::V2_0_0), (role, ApiVersion::V2_1_0)])
    {
        let doc = document(role, version).expect("the file loads");
        let paths = doc["paths"].as_object().unwrap();
        let mut posts = 0;
        for (path, item) in paths {
            if item.get("post").is_none() {
                continue;
            }
            posts += 1;
            let endpoint = Endpoint::find_in(role, version, path).unwrap().unwrap();
            let request = endpoint.request_schema().expect("a body schema");
            // An empty object reaches every required field of the top level, so a broken
            // reference would show up as "unresolvable".
            let err = endpoint.check(request, &json!({})).unwrap_err();
            assert!(err.message.ends_with("is missing"), "{role} {path}: {err}");
            assert!(endpoint.answer_schema("200").is_some(), "{role} {path}");
            assert!(
                endpoint
                    .bad_request_codes()
                    .contains(&"InvalidRequest".into()),
                "{role} {path}"
            );
        }
        assert!(posts >= 2, "{role}: {posts}");
    }
}

#[test]
fn a_body_that_fits_the_schema_passes() {
    check_request(Role::Aa, "/FI/request", &fi_request()).unwrap();
    check_request(Role::Fip, "/FI/request", &fi_request()).unwrap();
}

#[test]
fn a_missing_required_field_is_invalid_request_naming_it() {
    let body = without(fi_request(), "/KeyMaterial", "cryptoAlg");
    let err = refused(Role::Fip, "/FI/request", &body);
    assert_eq!(err.code, ErrorCode::InvalidRequest);
    assert_eq!(err.message, "KeyMaterial.cryptoAlg is missing");
}

#[test]
fn an_empty_string_or_empty_object_is_missing() {
    let body = with(fi_request(), "/KeyMaterial/cryptoAlg", json!(""));
    assert_eq!(
        refused(Role::Aa, "/FI/request", &body).message,
        "KeyMaterial.cryptoAlg is missing"
    );
    let body = with(fi_request(), "/KeyMaterial/cryptoAlg", json!("   "));
    assert_eq!(
        refused(Role::Aa, "/FI/request", &body).message,
        "KeyMaterial.cryptoAlg is missing"
    );
    let body = with(fi_request(), "/FIDataRange", json!({}));
    assert_eq!(
        refused(Role::Aa, "/FI/request", &body).message,
        "FIDataRange is missing"
    );
    let body = with(
        fi_request(),
        "/KeyMaterial/DHPublicKey/KeyValue",
        Value::Null,
    );
    let err = refused(Role::Aa, "/FI/request", &body);
    assert_eq!(err.message, "KeyMaterial.DHPublicKey.KeyValue is missing");
}

#[test]
fn an_empty_optional_field_is_absent() {
    // `params` and `Parameters` are optional and empty in the valid body already.
    let body = with(fi_request(), "/KeyMaterial/params", json!({}));
    check_request(Role::Aa, "/FI/request", &body).unwrap();
}

#[test]
fn a_number_where_the_schema_says_string_is_refused() {
    let body = with(fi_request(), "/KeyMaterial/Nonce", json!(12345));
    let err = refused(Role::Aa, "/FI/request", &body);
    assert_eq!(err.code, ErrorCode::InvalidRequest);
    assert_eq!(err.message, "KeyMaterial.Nonce must be a string");
    let body = with(fi_request(), "/ver", json!(2));
    assert_eq!(
        refused(Role::Aa, "/FI/request", &body).message,
        "ver must be a string"
    );
}

#[test]
fn a_string_where_the_schema_says_number_is_refused() {
    let consent = json!({
        "ver": "2.0.0", "txnid": TXN, "consentId": ID, "status": "ACTIVE",
        "createTimestamp": "2024-01-01T10:00:00.000Z", "signedConsent": "a.b.c",
        "ConsentUse": {"logUri": "x", "count": "1", "lastUseDateTime": "2024-01-01T10:00:00.000Z"}
    });
    let err = check_answer(Role::Aa, "/Consent/fetch", &consent).unwrap_err();
    assert_eq!(err.message, "ConsentUse.count must be a number");
}

#[test]
fn a_value_outside_the_enum_is_refused() {
    let body = with(fi_request(), "/KeyMaterial/curve", json!("P-256"));
    let err = refused(Role::Aa, "/FI/request", &body);
    assert_eq!(err.code, ErrorCode::InvalidRequest);
    assert_eq!(
        err.message,
        "KeyMaterial.curve must be one of Curve25519, X25519"
    );
}

#[test]
fn a_date_time_must_be_rfc3339() {
    let body = with(fi_request(), "/FIDataRange/from", json!("2023-01-01"));
    let err = refused(Role::Fip, "/FI/request", &body);
    assert_eq!(
        err.message,
        "FIDataRange.from must be an RFC 3339 date-time"
    );
}

#[test]
fn an_array_shorter_than_min_items_is_refused() {
    let body = json!({
        "ver": "2.0.0", "timestamp": "2024-01-01T10:00:00.000Z", "txnid": TXN,
        "sessionId": ID, "linkRefNumber": []
    });
    let err = refused(Role::Fip, "/FI/fetch", &body);
    assert_eq!(err.message, "linkRefNumber must have at least 1 item(s)");
}

#[test]
fn a_repeated_item_is_refused_where_items_are_unique() {
    let body = json!({
        "ver": "2.0.0", "timestamp": "2024-01-01T10:00:00.000Z", "txnid": TXN,
        "sessionId": ID, "linkRefNumber": [{"id": "L1"}, {"id": "L1"}]
    });
    let err = refused(Role::Aa, "/FI/fetch", &body);
    assert_eq!(err.message, "linkRefNumber must not repeat an item");
}

#[test]
fn an_item_is_checked_against_the_items_schema_and_named_by_index() {
    let body = json!({
        "ver": "2.0.0", "timestamp": "2024-01-01T10:00:00.000Z", "txnid": TXN,
        "sessionId": ID, "linkRefNumber": [{"id": "L1"}, {"id": 7}]
    });
    let err = refused(Role::Fip, "/FI/fetch", &body);
    assert_eq!(err.message, "linkRefNumber[1].id must be a string");
}

#[test]
fn a_txnid_must_be_a_canonical_hyphenated_uuid() {
    for txnid in ["0b81181990444856b0ee8c88035f8858", "not-a-uuid"] {
        let body = with(fi_request(), "/txnid", json!(txnid));
        let err = refused(Role::Aa, "/FI/request", &body);
        assert_eq!(err.code, ErrorCode::InvalidRequest);
        assert_eq!(
            err.message,
            "txnid must be a UUID in its canonical form (8-4-4-4-12 hexadecimal digits)"
        );
    }
    let upper = with(fi_request(), "/txnid", json!(TXN.to_uppercase()));
    check_request(Role::Aa, "/FI/request", &upper).unwrap();
}

#[test]
fn a_malformed_consent_handle_is_invalid_consent_handle() {
    let body = json!({
        "ver": "2.0.0", "timestamp": "2024-01-01T10:00:00.000Z", "txnid": TXN,
        "ConsentHandle": "39e108fe924311e8b9f20256d88baae8"
    });
    let err = refused(Role::Aa, "/Consent/handle", &body);
    assert_eq!(err.code, ErrorCode::InvalidConsentHandle);
    let missing = without(body, "", "ConsentHandle");
    let err = refused(Role::Aa, "/Consent/handle", &missing);
    assert_eq!(err.code, ErrorCode::InvalidRequest);
    assert_eq!(err.message, "ConsentHandle is missing");
}

#[test]
fn a_malformed_consent_id_is_invalid_consent_id() {
    let body = json!({
        "ver": "2.0.0", "timestamp": "2024-01-01T10:00:00.000Z", "txnid": TXN,
        "consentId": 42
    });
    assert_eq!(
        refused(Role::Aa, "/Consent/fetch", &body).code,
        ErrorCode::InvalidConsentId
    );
    let body = with(
        fi_request(),
        "/Consent/id",
        json!("654024c829c811e888680289437bf331"),
    );
    let err = refused(Role::Fip, "/FI/request", &body);
    assert_eq!(err.code, ErrorCode::InvalidConsentId);
    assert!(err.message.starts_with("Consent.id must be a UUID"));
}

#[test]
fn a_malformed_session_id_is_invalid_session_id() {
    let body = json!({
        "ver": "2.0.0", "timestamp": "2024-01-01T10:00:00.000Z", "txnid": TXN,
        "sessionId": "abc"
    });
    assert_eq!(
        refused(Role::Aa, "/FI/fetch", &body).code,
        ErrorCode::InvalidSessionId
    );
    assert_eq!(
        refused(Role::Fip, "/FI/fetch", &body).code,
        ErrorCode::InvalidSessionId
    );
}

#[test]
fn a_bad_identifier_is_invalid_request_where_the_endpoint_lists_no_code_for_it() {
    let notification = json!({
        "ver": "2.0.0", "timestamp": "2024-01-01T10:00:00.000Z", "txnid": TXN,
        "Notifier": {"type": "AA", "id": "AA-1"},
        "ConsentStatusNotification": {"consentId": "x", "consentStatus": "ACTIVE"}
    });
    // The FIP's and the AA's consent notification list no InvalidConsentId; the FIU's does.
    let at_fip = refused(Role::Fip, "/Consent/Notification", &notification);
    assert_eq!(at_fip.code, ErrorCode::InvalidRequest);
    assert_eq!(
        at_fip.message.split(' ').next(),
        Some("ConsentStatusNotification.consentId")
    );
    let at_fiu = refused(Role::Fiu, "/Consent/Notification", &notification);
    assert_eq!(at_fiu.code, ErrorCode::InvalidConsentId);
}

#[test]
fn fields_the_schema_does_not_name_are_allowed() {
    let mut body = fi_request();
    body["KeyMaterial"]["extra"] = json!({"any": 1});
    check_request(Role::Aa, "/FI/request", &body).unwrap();
}

#[test]
fn a_body_that_is_not_an_object_is_refused() {
    assert_eq!(
        refused(Role::Aa, "/FI/request", &json!(["ver"])).message,
        "the body must be an object"
    );
}

#[test]
fn bodies_of_other_versions_are_not_held_to_the_2_0_0_files() {
    let legacy = with(fi_request(), "/ver", json!("1.1.2"));
    let legacy = without(legacy, "/KeyMaterial", "cryptoAlg");
    check_request(Role::Aa, "/FI/request", &legacy).unwrap();
    let unknown = with(legacy, "/ver", json!("9.9.9"));
    check_request(Role::Aa, "/FI/request", &unknown).unwrap();
    let missing = without(fi_request(), "", "ver");
    assert_eq!(
        refused(Role::Aa, "/FI/request", &missing).message,
        "ver is missing"
    );
}

#[test]
fn a_path_the_file_does_not_define_is_not_checked() {
    check_request(Role::Fiu, "/FI/request", &json!({})).unwrap();
    check_request(Role::Aa, "/Ping", &json!({})).unwrap();
}

#[test]
fn an_answer_is_held_to_the_endpoints_200_schema() {
    let answer = json!({
        "ver": "2.0.0", "timestamp": "2024-01-01T10:00:00.000Z", "txnid": TXN,
        "consentId": ID, "sessionId": ID
    });
    check_answer(Role::Fip, "/FI/request", &answer).unwrap();
    let bad = with(answer, "/sessionId", json!(""));
    let err = check_answer(Role::Fip, "/FI/request", &bad).unwrap_err();
    assert_eq!(err.message, "sessionId is missing");
}

#[test]
fn the_consent_notification_enums_differ_by_receiver_as_the_files_say() {
    let notification = |status: &str| {
        json!({
            "ver": "2.0.0", "timestamp": "2024-01-01T10:00:00.000Z", "txnid": TXN,
            "Notifier": {"type": "AA", "id": "AA-1"},
            "ConsentStatusNotification": {"consentId": ID, "consentStatus": status}
        })
    };
    check_request(Role::Fiu, "/Consent/Notification", &notification("EXPIRED")).unwrap();
    check_request(Role::Fip, "/Consent/Notification", &notification("EXPIRED")).unwrap();
    check_request(Role::Aa, "/Consent/Notification", &notification("REJECTED")).unwrap();
    refused(
        Role::Fip,
        "/Consent/Notification",
        &notification("REJECTED"),
    );
}

#[test]
fn a_2_1_0_body_is_held_to_the_routers_files_with_their_fi_types() {
    let discover = |ver: &str, fi_type: &str| {
        json!({
            "ver": ver, "timestamp": "2024-01-01T10:00:00.000Z", "txnid": TXN,
            "Customer": {"id": "alice@AA-1", "Identifiers": [
                {"category": "STRONG", "type": "MOBILE", "value": "9999999999"}
            ]},
            "FITypes": [fi_type]
        })
    };
    check_request(
        Role::Fip,
        "/Accounts/discover",
        &discover("2.1.0", "DEPOSIT"),
    )
    .unwrap();
    check_request(
        Role::Fip,
        "/Accounts/discover",
        &discover("2.1.0", "LIFE_INSURANCE"),
    )
    .unwrap();
    let err = refused(
        Role::Fip,
        "/Accounts/discover",
        &discover("2.0.0", "LIFE_INSURANCE"),
    );
    assert_eq!(err.code, ErrorCode::InvalidRequest);
    assert!(err.message.contains("FITypes"), "{err}");
    // The router's files hold 2.1.0 bodies as strictly as ReBIT's hold 2.0.0 ones.
    let missing = without(
        with(fi_request(), "/ver", json!("2.1.0")),
        "/KeyMaterial",
        "curve",
    );
    assert!(refused(Role::Aa, "/FI/request", &missing)
        .message
        .contains("curve"));
}
