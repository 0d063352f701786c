//! Issue 13 at the FIU: every answer of the AA to the FIU's calls is checked against the request
//! it answers before anything of it is kept (`fiu_service::domain::answers`). The fake AA
//! changes one field of a validly signed answer; each test asserts what the app sees (status,
//! code or recorded reason) and that nothing was stored.

use aa_core::timefmt;
use serde_json::{json, Value};
use time::{Duration, OffsetDateTime};

use crate::fi_flow::{
    account, active_consent, deposit, fip, only_request, wait_session_known, xml,
};
use crate::helpers::{
    fi_notification, notification, spawn, spawn_with, Options, TestApp, CUSTOMER, TOKEN,
};

fn at(offset: Duration) -> String {
    timefmt::format_millis(OffsetDateTime::now_utc() + offset)
}

/// `POST /app/consents` when the AA's `POST /Consent` answer is changed by `change`: 502
/// `aa_bad_answer` naming `reason`, and no consent request stored.
async fn consent_answer_refused(change: impl Fn(&mut Value) + Send + 'static, reason: &str) {
    let app = spawn().await;
    app.aa.alter_answers("/Consent", change);
    let (status, body) = app
        .app(
            "POST",
            "/app/consents",
            Some(TOKEN),
            Some(json!({"customer": CUSTOMER, "template": "wealth-monthly"})),
        )
        .await;
    assert_eq!(status, 502, "{body}");
    assert_eq!(body["error"], "aa_bad_answer", "{body}");
    assert!(body["message"].as_str().unwrap().contains(reason), "{body}");
    let (_, list) = app.app("GET", "/app/consents", Some(TOKEN), None).await;
    assert_eq!(list, json!([]), "nothing is stored");
}

#[tokio::test]
async fn a_consent_answer_in_another_ver_than_the_requests_is_refused() {
    consent_answer_refused(|a| a["ver"] = json!("9.9.9"), "ver \"9.9.9\"").await;
}

#[tokio::test]
async fn a_consent_answer_with_a_timestamp_out_of_the_window_is_refused() {
    let stale = at(-Duration::days(30));
    consent_answer_refused(move |a| a["timestamp"] = json!(stale), "timestamp").await;
}

#[tokio::test]
async fn a_consent_answer_not_echoing_the_txnid_is_refused() {
    let other = uuid::Uuid::new_v4().to_string();
    consent_answer_refused(move |a| a["txnid"] = json!(other), "txnid").await;
}

#[tokio::test]
async fn a_consent_answer_for_another_customer_is_refused() {
    consent_answer_refused(
        |a| a["Customer"]["id"] = json!("8888888888@AA-1"),
        "Customer.id",
    )
    .await;
}

/// A consent approved at the AA, polled with `POST /Consent/handle` answered as `change`
/// makes it: the request stays `PENDING` with no artefact, and `pollError` says why.
async fn poll_refused(change: impl Fn(&mut Value) + Send + 'static, reason: &str) {
    let app = spawn_with(Options {
        poll: true,
        ..Options::default()
    })
    .await;
    let handle = app.create_consent("wealth-monthly").await;
    app.aa.approve(&handle);
    app.aa.alter_answers("/Consent/handle", change);
    let consent = app.consent(&handle).await;
    assert_eq!(consent["status"], "PENDING", "{consent}");
    assert_eq!(consent["artefacts"], json!([]));
    let error = consent["pollError"].as_str().unwrap_or_default();
    assert!(error.contains(reason), "{consent}");
    assert_eq!(app.aa.fetches(), 0);
    assert_eq!(app.store.pending_job_count().await.unwrap(), 0);
}

#[tokio::test]
async fn a_polled_consent_status_in_another_ver_is_recorded_as_the_poll_error_and_changes_nothing()
{
    poll_refused(|a| a["ver"] = json!("1.1.3"), "ver \"1.1.3\"").await;
}

#[tokio::test]
async fn a_polled_consent_status_not_echoing_the_txnid_is_recorded_and_changes_nothing() {
    let other = uuid::Uuid::new_v4().to_string();
    poll_refused(move |a| a["txnid"] = json!(other), "txnid").await;
}

#[tokio::test]
async fn a_polled_consent_status_about_another_handle_is_recorded_and_changes_nothing() {
    let other = uuid::Uuid::new_v4().to_string();
    poll_refused(move |a| a["ConsentHandle"] = json!(other), "ConsentHandle").await;
}

/// An `ACTIVE` notification whose artefact fetch is answered as `change` makes it: the artefact
/// is `REFUSED` with the reason, unverified, with no signed detail kept.
async fn artefact_refused(app: TestApp, reason: &str) {
    let handle = app.create_consent("wealth-monthly").await;
    let consent_id = app.aa.approve(&handle);
    let answer = app
        .notify(&notification(Some(&handle), Some(&consent_id), "ACTIVE"))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let fetched = app.wait_fetched(&handle, &consent_id).await;
    assert_eq!(fetched["fetch"], "REFUSED", "{fetched}");
    assert_eq!(fetched["verified"], false);
    assert_eq!(fetched["consentDetail"], Value::Null);
    assert!(
        fetched["error"].as_str().unwrap().contains(reason),
        "{fetched}"
    );
    let (_, list) = app
        .app(
            "GET",
            &format!("/app/consents/{handle}/data-requests"),
            Some(TOKEN),
            None,
        )
        .await;
    assert_eq!(list["dataRequests"], json!([]), "no data is asked for");
}

#[tokio::test]
async fn an_artefact_created_in_the_future_is_refused_and_not_stored() {
    let app = spawn().await;
    let future = at(Duration::days(30));
    app.aa.alter_answers("/Consent/fetch", move |a| {
        a["createTimestamp"] = json!(future)
    });
    artefact_refused(app, "createTimestamp").await;
}

#[tokio::test]
async fn an_artefact_answer_in_another_ver_is_refused_and_not_stored() {
    let app = spawn().await;
    app.aa
        .alter_answers("/Consent/fetch", |a| a["ver"] = json!("9.9.9"));
    artefact_refused(app, "ver \"9.9.9\"").await;
}

#[tokio::test]
async fn an_artefact_signed_for_another_customer_is_refused_and_not_stored() {
    let app = spawn().await;
    app.aa
        .tamper(|detail| detail["Customer"]["id"] = json!("8888888888@AA-1"));
    artefact_refused(app, "Customer.id").await;
}

/// With the FI request answered as `change` makes it: the session is `FAILED` with the
/// reason and no `sessionId`.
async fn fi_request_refused(change: impl Fn(&mut Value) + Send + 'static, reason: &str) {
    let app = spawn_with(Options {
        auto_request: true,
        ..Options::default()
    })
    .await;
    app.aa.alter_answers("/FI/request", change);
    let (handle, ids) =
        active_consent(&app, &[("FIP-1", &[("link-1", "XXXXXXXX1111", "DEPOSIT")])]).await;
    app.aa.wait_fi_request(&ids[0]).await;
    let request_id = only_request(&app, &handle).await;
    let done = app
        .wait_data_request(&request_id, |r| r["status"] != "PENDING")
        .await;
    let session = fip(&done, &ids[0]);
    assert_eq!(session["status"], "FAILED", "{session}");
    assert_eq!(session["sessionId"], Value::Null, "{session}");
    assert!(
        session["error"].as_str().unwrap().contains(reason),
        "{session}"
    );
}

#[tokio::test]
async fn an_fi_request_answer_not_echoing_the_txnid_fails_the_session_with_no_session_id() {
    let other = uuid::Uuid::new_v4().to_string();
    fi_request_refused(move |a| a["txnid"] = json!(other), "txnid").await;
}

#[tokio::test]
async fn an_fi_request_answer_in_another_ver_fails_the_session_with_no_session_id() {
    fi_request_refused(|a| a["ver"] = json!("1.1.2"), "ver \"1.1.2\"").await;
}

#[tokio::test]
async fn an_fi_request_answer_about_another_consent_fails_the_session_with_no_session_id() {
    let other = uuid::Uuid::new_v4().to_string();
    fi_request_refused(move |a| a["consentId"] = json!(other), "consentId").await;
}

/// A session notified ready whose `FI/fetch` answer is changed by `change` (after the fake
/// encrypted `link-1`, or what `links` says): `FAILED` with the reason, no account data kept.
async fn fetch_refused(links: &[&str], change: impl Fn(&mut Value) + Send + 'static, reason: &str) {
    let app = spawn_with(Options {
        auto_request: true,
        ..Options::default()
    })
    .await;
    let (handle, ids) =
        active_consent(&app, &[("FIP-1", &[("link-1", "XXXXXXXX1111", "DEPOSIT")])]).await;
    let session = app.aa.wait_fi_request(&ids[0]).await;
    let request_id = only_request(&app, &handle).await;
    wait_session_known(&app, &request_id, &ids[0], &session).await;
    let document = xml(&deposit("link-1", "XXXXXXXX1111", "N"));
    let documents: Vec<_> = links
        .iter()
        .map(|link| (*link, "XXXXXXXX1111", document.clone()))
        .collect();
    app.aa.deliver(&session, "FIP-1", &documents, None);
    app.aa.alter_answers("/FI/fetch", change);
    let ready = fi_notification(
        &session.session_id,
        "COMPLETED",
        "FIP-1",
        &[("link-1", "READY")],
    );
    assert_eq!(app.fi_notify_as("AA-1", &ready).await.status, 200);
    let done = app
        .wait_data_request(&request_id, |r| r["status"] != "PENDING")
        .await;
    let view = fip(&done, &ids[0]);
    assert_eq!(view["status"], "FAILED", "{view}");
    assert!(view["error"].as_str().unwrap().contains(reason), "{view}");
    let accounts = view["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 1, "no account is added: {view}");
    assert_eq!(account(view, "link-1")["data"], Value::Null);
    assert_eq!(app.aa.fi_fetch_calls(), (1, 0));
}

#[tokio::test]
async fn an_fi_fetch_answer_in_another_ver_fails_the_session_and_keeps_nothing() {
    fetch_refused(&["link-1"], |a| a["ver"] = json!("9.9.9"), "ver \"9.9.9\"").await;
}

#[tokio::test]
async fn an_fi_fetch_answer_not_echoing_the_txnid_fails_the_session_and_keeps_nothing() {
    let other = uuid::Uuid::new_v4().to_string();
    fetch_refused(&["link-1"], move |a| a["txnid"] = json!(other), "txnid").await;
}

#[tokio::test]
async fn an_fi_fetch_answer_with_an_expired_key_material_fails_the_session_and_keeps_nothing() {
    let past = at(-Duration::minutes(5));
    fetch_refused(
        &["link-1"],
        move |a| a["FI"][0]["KeyMaterial"]["DHPublicKey"]["expiry"] = json!(past),
        "KeyMaterial",
    )
    .await;
}

#[tokio::test]
async fn an_fi_fetch_answer_with_a_key_material_on_another_curve_fails_the_session() {
    fetch_refused(
        &["link-1"],
        |a| a["FI"][0]["KeyMaterial"]["curve"] = json!("Curve25519"),
        "KeyMaterial",
    )
    .await;
}

#[tokio::test]
async fn an_fi_fetch_answer_with_an_account_not_in_the_session_fails_it_and_keeps_nothing() {
    fetch_refused(&["link-1", "link-other"], |_| {}, "link-other").await;
}

#[tokio::test]
async fn an_fi_fetch_answer_from_another_fip_fails_the_session_and_keeps_nothing() {
    fetch_refused(
        &["link-1"],
        |a| a["FI"][0]["fipID"] = json!("FIP-2"),
        "FIP-2",
    )
    .await;
}

// Issue 13, item 3: every answer of the AA is held to the AA's 2.0.0 schema for the call (the
// runtime's client) before `domain::answers` sees it; one that breaks it is kept nowhere.

#[tokio::test]
async fn fiu_refuses_an_aa_consent_answer_missing_a_required_field() {
    consent_answer_refused(
        |a| {
            a.as_object_mut().unwrap().remove("ConsentHandle");
        },
        "ConsentHandle is missing",
    )
    .await;
}

#[tokio::test]
async fn fiu_refuses_an_aa_consent_answer_with_a_number_where_a_string_is_required() {
    consent_answer_refused(
        |a| a["Customer"]["id"] = json!(9999999999_u64),
        "Customer.id must be a string",
    )
    .await;
}

#[tokio::test]
async fn fiu_refuses_an_aa_consent_answer_with_a_non_canonical_uuid() {
    consent_answer_refused(
        |a| {
            let handle = a["ConsentHandle"].as_str().unwrap().replace('-', "");
            a["ConsentHandle"] = json!(handle.to_uppercase());
        },
        "ConsentHandle must be a UUID",
    )
    .await;
}

#[tokio::test]
async fn fiu_records_a_polled_consent_status_that_breaks_the_schema_and_changes_nothing() {
    poll_refused(
        |a| a["ConsentStatus"]["status"] = json!("SOON"),
        "ConsentStatus.status must be one of",
    )
    .await;
}

#[tokio::test]
async fn fiu_refuses_an_artefact_answer_missing_a_required_field_and_stores_nothing() {
    let app = spawn().await;
    app.aa.alter_answers("/Consent/fetch", |a| {
        a["ConsentUse"].as_object_mut().unwrap().remove("logUri");
    });
    artefact_refused(app, "ConsentUse.logUri is missing").await;
}

#[tokio::test]
async fn fiu_fails_the_session_of_an_fi_request_answer_with_a_non_canonical_session_id() {
    fi_request_refused(
        |a| {
            let id = a["sessionId"].as_str().unwrap().replace('-', "");
            a["sessionId"] = json!(id);
        },
        "sessionId must be a UUID",
    )
    .await;
}

#[tokio::test]
async fn fiu_fails_the_session_of_an_fi_fetch_answer_missing_a_required_field_and_keeps_nothing() {
    fetch_refused(
        &["link-1"],
        |a| {
            a["FI"][0].as_object_mut().unwrap().remove("KeyMaterial");
        },
        "FI[0].KeyMaterial is missing",
    )
    .await;
}
