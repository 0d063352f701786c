//! The consent's lifecycle as the FIP enforces it on data requests: a `PAUSED`, `REVOKED` or
//! `EXPIRED` consent (told by the AA) is 403 at `FI/request` and `FI/fetch`; a consent not yet
//! started is refused; delinked accounts are left out; usage limits (`ONETIME`, `PERIODIC`
//! `Frequency`) are 400 `InvalidConsentUse`. Each refusal leaves nothing prepared.

use aa_core::fi_crypto::key_material::Ephemeral;
use aa_core::fi_crypto::Curve;
use aa_core::timefmt;
use serde_json::{json, Value};

use crate::fi::{
    consent, decrypt_all, fetch_body, fi_detail, fi_request, fiu_key, link_everything, notified,
    FROM, TO,
};
use crate::helpers::{assert_error, consent_notification, delink_body, TestApp, HANDLE};
use crate::snapshot::snapshot;

/// A consent over every account of the demo customer, its detail changed by `change`; returns
/// (consentId, digitalSignature, the FIU's key, the links).
async fn consent_with(
    app: &TestApp,
    change: impl FnOnce(&mut Value),
) -> (String, String, Ephemeral, Vec<(String, String, String)>) {
    let links = link_everything(app).await;
    let mut detail = fi_detail(&links, &["SUMMARY", "TRANSACTIONS"], Value::Null);
    change(&mut detail);
    let (consent_id, signature) = consent(app, &detail).await;
    (
        consent_id,
        signature,
        fiu_key(Curve::X25519, time::Duration::hours(1)),
        links,
    )
}

async fn session(app: &TestApp, consent_id: &str, signature: &str, fiu: &Ephemeral) -> String {
    let body = fi_request(consent_id, signature, FROM, TO, &fiu.key_material);
    let answer = app.post("/FI/request", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let session_id = answer.body["sessionId"].as_str().unwrap().to_owned();
    notified(app, &session_id).await;
    session_id
}

/// An `FI/request` that must be refused with `status` `code`, leaving nothing prepared.
async fn refused(
    app: &TestApp,
    consent_id: &str,
    signature: &str,
    fiu: &Ephemeral,
    status: u16,
    code: &str,
) {
    let sessions = app.store.fi_session_ids(consent_id).await.unwrap();
    let notifications = app.aa_inbox.lock().unwrap().fi_notifications.len();
    let before = snapshot(app).await;
    let body = fi_request(consent_id, signature, FROM, TO, &fiu.key_material);
    assert_error(
        &app.post("/FI/request", &body).await,
        status,
        code,
        Some(&body),
    );
    assert_eq!(
        app.store.fi_session_ids(consent_id).await.unwrap(),
        sessions
    );
    assert_eq!(snapshot(app).await, before);
    // Nothing is being prepared either: no notification follows.
    actix_web::rt::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        app.aa_inbox.lock().unwrap().fi_notifications.len(),
        notifications
    );
}

async fn notify(app: &TestApp, consent_id: &str, status: &str) {
    let answer = app
        .post(
            "/Consent/Notification",
            &consent_notification(consent_id, status, "AA-1"),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

async fn request_refused_once(status: &str, code: &str) {
    let app = TestApp::spawn().await;
    let (consent_id, signature, fiu, _) = consent_with(&app, |_| {}).await;
    notify(&app, &consent_id, status).await;
    refused(&app, &consent_id, &signature, &fiu, 403, code).await;
    assert!(app
        .store
        .fi_session_ids(&consent_id)
        .await
        .unwrap()
        .is_empty());
}

#[actix_web::test]
async fn an_fi_request_on_a_paused_consent_is_403_consent_paused_and_nothing_is_prepared() {
    request_refused_once("PAUSED", "ConsentPaused").await;
}

#[actix_web::test]
async fn an_fi_request_on_a_revoked_consent_is_403_consent_revoked_and_nothing_is_prepared() {
    request_refused_once("REVOKED", "ConsentRevoked").await;
}

#[actix_web::test]
async fn an_fi_request_on_an_expired_consent_is_403_consent_expired_and_nothing_is_prepared() {
    request_refused_once("EXPIRED", "ConsentExpired").await;
}

#[actix_web::test]
async fn an_fi_request_past_the_consent_expiry_is_403_consent_expired_and_nothing_is_prepared() {
    let app = TestApp::spawn().await;
    // Set once the accounts are linked, so that the consent is still valid when sent.
    let mut expiry = time::OffsetDateTime::now_utc();
    let (consent_id, signature, fiu, _) = consent_with(&app, |d| {
        expiry = time::OffsetDateTime::now_utc() + time::Duration::seconds(2);
        d["consentExpiry"] = timefmt::format_millis(expiry).into();
    })
    .await;
    let wait = expiry - time::OffsetDateTime::now_utc();
    if wait.is_positive() {
        actix_web::rt::time::sleep(wait.unsigned_abs()).await;
    }
    refused(&app, &consent_id, &signature, &fiu, 403, "ConsentExpired").await;
}

/// A prepared session, then the consent told `status`: its fetch is 403 `code`, and nothing is
/// served or recorded as fetched.
async fn fetch_refused_once(status: &str, code: &str) {
    let app = TestApp::spawn().await;
    let (consent_id, signature, fiu, _) = consent_with(&app, |_| {}).await;
    let session_id = session(&app, &consent_id, &signature, &fiu).await;
    notify(&app, &consent_id, status).await;
    let before = snapshot(&app).await;
    let body = fetch_body(&session_id);
    assert_error(&app.post("/FI/fetch", &body).await, 403, code, Some(&body));
    let answer = app
        .request_as_aa("GET", &format!("/FI/fetch/{session_id}"), None)
        .await;
    assert_error(&answer, 403, code, None);
    assert_eq!(snapshot(&app).await, before);
}

#[actix_web::test]
async fn a_fetch_on_a_paused_consent_is_403_consent_paused_and_nothing_is_served() {
    fetch_refused_once("PAUSED", "ConsentPaused").await;
}

#[actix_web::test]
async fn a_fetch_on_a_revoked_consent_is_403_consent_revoked_and_nothing_is_served() {
    fetch_refused_once("REVOKED", "ConsentRevoked").await;
}

#[actix_web::test]
async fn a_fetch_on_an_expired_consent_is_403_consent_expired_and_nothing_is_served() {
    fetch_refused_once("EXPIRED", "ConsentExpired").await;
}

#[actix_web::test]
async fn an_fi_request_on_a_consent_not_yet_started_is_400_invalid_consent_status() {
    let app = TestApp::spawn().await;
    let start = time::OffsetDateTime::now_utc() + time::Duration::days(1);
    let (consent_id, signature, fiu, _) = consent_with(&app, |d| {
        d["consentStart"] = timefmt::format_millis(start).into();
    })
    .await;
    refused(
        &app,
        &consent_id,
        &signature,
        &fiu,
        400,
        "InvalidConsentStatus",
    )
    .await;
}

#[actix_web::test]
async fn a_delinked_account_is_denied_in_a_data_request_and_never_served() {
    let app = TestApp::spawn().await;
    let (consent_id, signature, fiu, links) = consent_with(&app, |_| {}).await;
    assert!(links.len() >= 2);
    let gone = &links[0].0;
    let answer = app
        .post("/Accounts/delink", &delink_body(HANDLE, gone))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);

    let session_id = session(&app, &consent_id, &signature, &fiu).await;
    let notification = notified(&app, &session_id).await;
    let statuses = notification["FIStatusNotification"]["FIStatusResponse"][0]["Accounts"]
        .as_array()
        .unwrap()
        .clone();
    let status_of = |link: &str| {
        statuses
            .iter()
            .find(|a| a["linkRefNumber"] == link)
            .unwrap()["FIStatus"]
            .clone()
    };
    assert_eq!(status_of(gone), json!("DENIED"));
    assert_eq!(status_of(&links[1].0), json!("READY"));

    let answer = app.post("/FI/fetch", &fetch_body(&session_id)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let served: Vec<String> = decrypt_all(&fiu, &answer.body)
        .into_iter()
        .map(|(link, _, _)| link)
        .collect();
    assert!(!served.contains(gone), "{served:?}");
    assert_eq!(served.len(), links.len() - 1);
}

#[actix_web::test]
async fn an_fi_request_on_a_consent_whose_accounts_are_all_delinked_is_400_invalid_consent_detail()
{
    let app = TestApp::spawn().await;
    let (consent_id, signature, fiu, links) = consent_with(&app, |_| {}).await;
    for (link, _, _) in &links {
        let answer = app
            .post("/Accounts/delink", &delink_body(HANDLE, link))
            .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    refused(
        &app,
        &consent_id,
        &signature,
        &fiu,
        400,
        "InvalidConsentDetail",
    )
    .await;
}

#[actix_web::test]
async fn a_second_data_request_on_a_onetime_consent_is_400_invalid_consent_use() {
    let app = TestApp::spawn().await;
    let (consent_id, signature, fiu, _) = consent_with(&app, |d| {
        d["fetchType"] = "ONETIME".into();
    })
    .await;
    let first = session(&app, &consent_id, &signature, &fiu).await;
    let answer = app.post("/FI/fetch", &fetch_body(&first)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    refused(
        &app,
        &consent_id,
        &signature,
        &fiu,
        400,
        "InvalidConsentUse",
    )
    .await;
}

#[actix_web::test]
async fn a_periodic_consent_allows_its_frequency_per_unit_then_400_invalid_consent_use() {
    let app = TestApp::spawn().await;
    let (consent_id, signature, fiu, _) = consent_with(&app, |d| {
        d["Frequency"] = json!({"unit": "DAY", "value": 2});
    })
    .await;
    for _ in 0..2 {
        let session_id = session(&app, &consent_id, &signature, &fiu).await;
        let answer = app.post("/FI/fetch", &fetch_body(&session_id)).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    refused(
        &app,
        &consent_id,
        &signature,
        &fiu,
        400,
        "InvalidConsentUse",
    )
    .await;
}

#[actix_web::test]
async fn what_a_request_asks_is_checked_before_the_consents_use() {
    // A used ONETIME consent: a request with an expired key is still told InvalidKey.
    let app = TestApp::spawn().await;
    let (consent_id, signature, fiu, _) = consent_with(&app, |d| {
        d["fetchType"] = "ONETIME".into();
    })
    .await;
    let first = session(&app, &consent_id, &signature, &fiu).await;
    assert_eq!(app.post("/FI/fetch", &fetch_body(&first)).await.status, 200);
    let expired = fiu_key(Curve::X25519, time::Duration::seconds(-1));
    refused(&app, &consent_id, &signature, &expired, 400, "InvalidKey").await;
    refused(
        &app,
        &consent_id,
        &signature,
        &fiu,
        400,
        "InvalidConsentUse",
    )
    .await;
}

#[actix_web::test]
async fn a_revoked_or_expired_consents_prepared_data_is_purged() {
    let app = TestApp::spawn().await;
    for status in ["REVOKED", "EXPIRED"] {
        let (consent_id, signature, fiu, _) = consent_with(&app, |_| {}).await;
        let session_id = session(&app, &consent_id, &signature, &fiu).await;
        assert!(app.store.has_consent_data_key(&consent_id).await.unwrap());
        notify(&app, &consent_id, status).await;
        let session = app.store.fi_session(&session_id).await.unwrap().unwrap();
        assert_eq!(session.status, "EXPIRED", "{status}");
        assert!(
            session.accounts.iter().all(|a| a.sealed.is_none()),
            "{status}"
        );
        assert!(
            !app.store.has_consent_data_key(&consent_id).await.unwrap(),
            "{status}"
        );
    }
}

#[actix_web::test]
async fn a_failed_session_neither_blocks_nor_uses_up_its_consent() {
    // Sahamati: a provider honours a repeat request after a session it failed, free of charge.
    let app = TestApp::spawn().await;
    let links = link_everything(&app).await;
    let mut detail = fi_detail(&links, &["SUMMARY"], Value::Null);
    detail["fetchType"] = "ONETIME".into();
    // None of the customer's accounts is of this type: every account is DENIED. `POST /Consent`
    // refuses such an artefact now; one stored before that rule is what this stands for.
    detail["fiTypes"] = json!(["RECURRING_DEPOSIT"]);
    let (consent_id, signature) = stored_unchecked(&app, &detail).await;
    let fiu = fiu_key(Curve::X25519, time::Duration::hours(1));
    let failed = session(&app, &consent_id, &signature, &fiu).await;
    let notification = notified(&app, &failed).await;
    assert_eq!(
        notification["FIStatusNotification"]["sessionStatus"],
        "FAILED"
    );
    let body = fetch_body(&failed);
    assert_error(
        &app.post("/FI/fetch", &body).await,
        404,
        "NoDataFound",
        Some(&body),
    );
    let again = session(&app, &consent_id, &signature, &fiu).await;
    assert_ne!(again, failed);
}

/// Stores a consent over `detail` as AA-1 sent it, past `POST /Consent`'s checks (a consent
/// kept before a rule was added); returns (consentId, digitalSignature).
async fn stored_unchecked(app: &TestApp, detail: &Value) -> (String, String) {
    use fip_service::persistence::consents::NewConsent;
    let consent_id = uuid::Uuid::new_v4().to_string();
    let body = crate::helpers::artefact(&consent_id, detail, &app.eco.signer("AA-1"));
    let jws = body["signedConsent"].as_str().unwrap().to_owned();
    let signature = jws.rsplit('.').next().unwrap().to_owned();
    let parsed: aa_core::rebit::SignedConsentDetail =
        serde_json::from_value(detail.clone()).unwrap();
    let terms = fip_service::domain::consent::terms_of(&parsed, "FIP-1").unwrap();
    let txn = app.store.begin().await.unwrap();
    app.store
        .store_consent_in(
            &txn,
            NewConsent {
                consent_id: consent_id.clone(),
                aa_id: "AA-1".into(),
                status: aa_core::rebit::ConsentStatus::Active,
                signed_consent: jws,
                signature: signature.clone(),
                detail: detail.clone(),
                create_timestamp: body["createTimestamp"].as_str().unwrap().to_owned(),
                txnid: body["txnid"].as_str().unwrap().to_owned(),
                terms,
            },
        )
        .await
        .unwrap();
    txn.commit().await.unwrap();
    (consent_id, signature)
}
