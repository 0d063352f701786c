//! `POST /Consent` refuses an artefact whose terms cannot be used (issue 13;
//! `fip_service::domain::consent_rules`): 400 `InvalidRequest`, the only code of the FIP 2.0.0
//! YAML's `POST /Consent` 400 list that fits, and nothing is stored.

use serde_json::{json, Value};

use aa_core::timefmt;

use crate::helpers::{artefact, assert_error, consent_detail, deposit_links, TestApp, HANDLE};
use crate::snapshot::snapshot;

fn at(offset: time::Duration) -> String {
    timefmt::format_millis(time::OffsetDateTime::now_utc() + offset)
}

/// Links the demo customer's accounts, then sends a consent on them changed by `change` (the
/// signed detail) and `envelope` (the artefact around it): 400 `InvalidRequest`, database
/// unchanged.
async fn refused(change: impl FnOnce(&mut Value), envelope: impl FnOnce(&mut Value)) {
    let app = TestApp::spawn().await;
    let discovered = app.discover().await;
    let verified = app.link_all().await;
    let links = deposit_links(&verified, &discovered);
    let mut detail = consent_detail("FIP-1", HANDLE, &links);
    change(&mut detail);
    let consent_id = uuid::Uuid::new_v4().to_string();
    let mut body = artefact(&consent_id, &detail, &app.eco.signer("AA-1"));
    envelope(&mut body);
    let before = snapshot(&app).await;
    let answer = app.post("/Consent", &body).await;
    assert_error(&answer, 400, "InvalidRequest", Some(&body));
    assert_eq!(
        snapshot(&app).await,
        before,
        "a refused consent changed something"
    );
    assert!(app.store.consent(&consent_id).await.unwrap().is_none());
}

fn unchanged(_: &mut Value) {}

#[actix_web::test]
async fn a_create_timestamp_in_the_future_is_400_invalid_request() {
    refused(unchanged, |b| {
        b["createTimestamp"] = at(time::Duration::minutes(20)).into()
    })
    .await;
}

#[actix_web::test]
async fn a_malformed_create_timestamp_is_400_invalid_request() {
    refused(unchanged, |b| {
        b["createTimestamp"] = "yesterday at noon".into()
    })
    .await;
}

#[actix_web::test]
async fn a_consent_past_its_expiry_is_400_invalid_request() {
    refused(
        |d: &mut Value| {
            d["consentStart"] = at(-time::Duration::days(2)).into();
            d["consentExpiry"] = at(-time::Duration::minutes(1)).into();
        },
        unchanged,
    )
    .await;
}

#[actix_web::test]
async fn a_data_consumer_that_is_not_a_registered_fiu_is_400_invalid_request() {
    refused(
        |d: &mut Value| d["DataConsumer"] = json!({"id": "FIU-9", "type": "FIU"}),
        unchanged,
    )
    .await;
    // Registered, but as an AA.
    refused(
        |d: &mut Value| d["DataConsumer"] = json!({"id": "AA-2", "type": "FIU"}),
        unchanged,
    )
    .await;
}

#[actix_web::test]
async fn a_frequency_of_zero_is_400_invalid_request() {
    refused(
        |d: &mut Value| d["Frequency"] = json!({"unit": "MONTH", "value": 0}),
        unchanged,
    )
    .await;
}

#[actix_web::test]
async fn an_unknown_purpose_code_is_400_invalid_request() {
    refused(
        |d: &mut Value| {
            d["Purpose"] = json!({"code": "999", "refUri": "https://api.rebit.org.in/aa/purpose/999.xml",
                                  "text": "Unknown", "Category": {"type": "string"}})
        },
        unchanged,
    )
    .await;
}

#[actix_web::test]
async fn a_purpose_ref_uri_other_than_the_specifications_is_400_invalid_request() {
    refused(
        |d: &mut Value| {
            d["Purpose"]["refUri"] = "https://api.rebit.org.in/aa/purpose/102.xml".into()
        },
        unchanged,
    )
    .await;
}

#[actix_web::test]
async fn an_fi_data_range_from_after_to_is_400_invalid_request() {
    refused(
        |d: &mut Value| {
            d["FIDataRange"] =
                json!({"from": "2025-01-01T00:00:00.000Z", "to": "2024-01-01T00:00:00.000Z"})
        },
        unchanged,
    )
    .await;
}
