//! `POST /Consent` refuses an artefact listing an account other than as the bank holds it
//! (issue 13; `fip_service::domain::consent_accounts`): another `fiType` or `accType`, another
//! `maskedAccNumber`, or an FI type the artefact's `fiTypes` leave out. 400 `InvalidRequest`
//! (the only code of the FIP 2.0.0 YAML's `POST /Consent` 400 list that fits), nothing stored.

use serde_json::{json, Value};

use crate::fi::{fi_detail, link_everything};
use crate::helpers::{artefact, assert_error, TestApp};
use crate::snapshot::snapshot;

/// Links every account of the demo customer and builds a consent on them, its signed detail
/// changed by `change`: (consentId, the `POST /Consent` body).
async fn artefact_on_everything(app: &TestApp, change: impl FnOnce(&mut Value)) -> (String, Value) {
    let links = link_everything(app).await;
    let mut detail = fi_detail(&links, &["SUMMARY"], Value::Null);
    change(&mut detail);
    let consent_id = uuid::Uuid::new_v4().to_string();
    let body = artefact(&consent_id, &detail, &app.eco.signer("AA-1"));
    (consent_id, body)
}

/// Such a consent is refused with 400 `InvalidRequest` naming `says`, the database unchanged.
async fn refused(change: impl FnOnce(&mut Value), says: &str) {
    let app = TestApp::spawn().await;
    let (consent_id, body) = artefact_on_everything(&app, change).await;
    let before = snapshot(&app).await;
    let answer = app.post("/Consent", &body).await;
    assert_error(&answer, 400, "InvalidRequest", Some(&body));
    let message = answer.body["errorMsg"].as_str().unwrap();
    assert!(message.contains(says), "{message}");
    assert_eq!(
        snapshot(&app).await,
        before,
        "a refused consent changed something"
    );
    assert!(app.store.consent(&consent_id).await.unwrap().is_none());
}

/// The index in `detail`'s accounts of the first one of `fi_type`.
fn first_of(detail: &Value, fi_type: &str) -> usize {
    detail["Accounts"]
        .as_array()
        .unwrap()
        .iter()
        .position(|a| a["fiType"] == fi_type)
        .unwrap()
}

#[actix_web::test]
async fn an_artefact_listing_each_account_as_the_bank_holds_it_is_stored() {
    let app = TestApp::spawn().await;
    let (consent_id, body) = artefact_on_everything(&app, |_| {}).await;
    let answer = app.post("/Consent", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(app.store.consent(&consent_id).await.unwrap().is_some());
}

#[actix_web::test]
async fn an_account_listed_under_another_fi_type_is_400_invalid_request() {
    refused(
        |d| {
            let i = first_of(d, "DEPOSIT");
            d["Accounts"][i]["fiType"] = "RECURRING_DEPOSIT".into();
        },
        "fiType",
    )
    .await;
}

#[actix_web::test]
async fn an_account_listed_under_another_acc_type_is_400_invalid_request() {
    refused(
        |d| {
            let i = first_of(d, "DEPOSIT");
            d["Accounts"][i]["accType"] = "CURRENT".into();
        },
        "accType",
    )
    .await;
}

#[actix_web::test]
async fn a_term_deposit_listed_as_a_savings_account_is_400_invalid_request() {
    refused(
        |d| {
            let i = first_of(d, "TERM_DEPOSIT");
            d["Accounts"][i]["accType"] = "SAVINGS".into();
        },
        "accType",
    )
    .await;
}

#[actix_web::test]
async fn an_account_listed_with_another_masked_number_is_400_invalid_request() {
    refused(
        |d| {
            let i = first_of(d, "DEPOSIT");
            d["Accounts"][i]["maskedAccNumber"] = "XXXXXXXXXX0000".into();
        },
        "maskedAccNumber",
    )
    .await;
}

#[actix_web::test]
async fn an_account_of_an_fi_type_outside_the_consents_fi_types_is_400_invalid_request() {
    refused(|d| d["fiTypes"] = json!(["DEPOSIT"]), "fiTypes").await;
}
