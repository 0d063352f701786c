#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};

use super::*;

const TXN: &str = "0b811819-9044-4856-b0ee-8c88035f8858";
const ID: &str = "654024c8-29c8-11e8-8868-0289437bf331";

fn refused(receiver: Role, path: &str, body: &Value) -> Invalid {
    check_request(receiver, path, body).expect_err("the body is refused")
}

#[test]
fn a_missing_identifier_is_invalid_request_and_a_malformed_one_gets_its_code() {
    let body = json!({"ver": "2.0.0", "timestamp": "2024-01-01T10:00:00.000Z", "txnid": TXN, "sessionId": ""});
    assert_eq!(
        refused(Role::Aa, "/FI/fetch", &body).code,
        ErrorCode::InvalidRequest
    );
    let mut body = body;
    body["sessionId"] = json!("x");
    assert_eq!(
        refused(Role::Aa, "/FI/fetch", &body).code,
        ErrorCode::InvalidSessionId
    );
}

#[test]
fn a_status_outside_the_enum_gets_the_status_code_the_endpoint_lists() {
    let notification = |status: &str| {
        json!({
            "ver": "2.0.0", "timestamp": "2024-01-01T10:00:00.000Z", "txnid": TXN,
            "Notifier": {"type": "AA", "id": "AA-1"},
            "ConsentStatusNotification": {"consentId": ID, "consentStatus": status}
        })
    };
    let at_fiu = refused(Role::Fiu, "/Consent/Notification", &notification("GRANTED"));
    assert_eq!(at_fiu.code, ErrorCode::InvalidConsentStatus);
    let at_fip = refused(Role::Fip, "/Consent/Notification", &notification("GRANTED"));
    assert_eq!(at_fip.code, ErrorCode::InvalidConsentStatus);
    let fi = json!({
        "ver": "2.0.0", "timestamp": "2024-01-01T10:00:00.000Z", "txnid": TXN,
        "Notifier": {"type": "FIP", "id": "FIP-1"},
        "FIStatusNotification": {"sessionId": ID, "sessionStatus": "DONE", "FIStatusResponse": []}
    });
    let at_aa = refused(Role::Aa, "/FI/Notification", &fi);
    assert_eq!(at_aa.code, ErrorCode::InvalidFIStatusNotification);
    assert_eq!(
        refused(Role::Fiu, "/FI/Notification", &fi).code,
        ErrorCode::InvalidSessionStatus
    );
}

#[test]
fn an_fip_may_notify_the_aa_of_a_delink_beyond_the_aa_files_enum() {
    let notification = |status: &str| {
        json!({
            "ver": "2.0.0", "timestamp": "2024-01-01T10:00:00.000Z", "txnid": TXN,
            "Notifier": {"type": "FIP", "id": "FIP-1"},
            "AccountLinkStatusNotification": {
                "accRefNumber": "A1", "customerAddress": "c@aa", "linkRefNumber": "L1",
                "linkStatus": status
            }
        })
    };
    check_request(
        Role::Aa,
        "/Account/link/Notification",
        &notification("LINKED"),
    )
    .unwrap();
    check_request(
        Role::Aa,
        "/Account/link/Notification",
        &notification("DELINKED"),
    )
    .unwrap();
    refused(
        Role::Aa,
        "/Account/link/Notification",
        &notification("PENDING"),
    );
}
