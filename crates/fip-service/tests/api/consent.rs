//! `POST /Consent`: the AA's consent artefact.

use serde_json::Value;

use crate::helpers::{
    artefact, assert_error, consent_detail, consent_notification, delink_body, deposit_links,
    TestApp, HANDLE,
};

/// Links the demo customer's accounts; returns the deposit link with its mask.
async fn linked(app: &TestApp) -> Vec<(String, String)> {
    let discovered = app.discover().await;
    let verified = app.link_all().await;
    let links = deposit_links(&verified, &discovered);
    assert_eq!(links.len(), 1);
    links
}

/// The consent is known to the FIP iff a notification about it is accepted.
async fn is_stored(app: &TestApp, consent_id: &str) -> bool {
    let answer = app
        .post(
            "/Consent/Notification",
            &consent_notification(consent_id, "ACTIVE", "AA-1"),
        )
        .await;
    answer.status == 200
}

#[actix_web::test]
async fn a_consent_on_linked_accounts_is_stored_once() {
    let app = TestApp::spawn().await;
    let links = linked(&app).await;
    let consent_id = uuid::Uuid::new_v4().to_string();
    let detail = consent_detail("FIP-1", HANDLE, &links);
    let body = artefact(&consent_id, &detail, &app.eco.signer("AA-1"));
    for _ in 0..2 {
        let answer = app.post("/Consent", &body).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(answer.body["response"], "OK");
        assert_eq!(answer.body["txnid"], body["txnid"]);
        assert_eq!(answer.body["ver"], "2.0.0");
    }
    assert!(is_stored(&app, &consent_id).await);
}

fn tamper(jws: &str) -> String {
    let (head, signature) = jws.rsplit_once('.').unwrap();
    let mut bytes = signature.as_bytes().to_vec();
    bytes[10] = if bytes[10] == b'A' { b'B' } else { b'A' };
    format!("{head}.{}", String::from_utf8(bytes).unwrap())
}

#[actix_web::test]
async fn a_consent_with_a_bad_signature_is_refused() {
    let app = TestApp::spawn().await;
    let links = linked(&app).await;
    let detail = consent_detail("FIP-1", HANDLE, &links);

    let consent_id = uuid::Uuid::new_v4().to_string();
    let mut body = artefact(&consent_id, &detail, &app.eco.signer("AA-1"));
    body["signedConsent"] = tamper(body["signedConsent"].as_str().unwrap()).into();
    let answer = app.post("/Consent", &body).await;
    assert_error(&answer, 400, "SignatureDoesNotMatch", Some(&body));
    assert!(!is_stored(&app, &consent_id).await);

    // Signed by another AA (a valid signature, the wrong signer).
    let consent_id = uuid::Uuid::new_v4().to_string();
    let body = artefact(&consent_id, &detail, &app.eco.signer("AA-2"));
    let answer = app.post("/Consent", &body).await;
    assert_error(&answer, 400, "SignatureDoesNotMatch", Some(&body));
    assert_eq!(
        answer.body["errorMsg"],
        "signedConsent is not signed by the calling AA"
    );
    assert!(!is_stored(&app, &consent_id).await);

    // Not a JWS at all.
    let mut body = artefact(&consent_id, &detail, &app.eco.signer("AA-1"));
    body["signedConsent"] = "not.a-jws".into();
    let answer = app.post("/Consent", &body).await;
    assert_error(&answer, 400, "SignatureDoesNotMatch", Some(&body));
}

#[actix_web::test]
async fn a_consent_on_accounts_not_linked_to_the_customer_is_refused() {
    let app = TestApp::spawn().await;
    let links = linked(&app).await;
    let signer = app.eco.signer("AA-1");

    let unknown = vec![(uuid::Uuid::new_v4().to_string(), links[0].1.clone())];
    let body = artefact(
        &uuid::Uuid::new_v4().to_string(),
        &consent_detail("FIP-1", HANDLE, &unknown),
        &signer,
    );
    let answer = app.post("/Consent", &body).await;
    assert_error(&answer, 400, "InvalidRequest", Some(&body));

    let body = artefact(
        &uuid::Uuid::new_v4().to_string(),
        &consent_detail("FIP-1", "someone-else@AA-1", &links),
        &signer,
    );
    let answer = app.post("/Consent", &body).await;
    assert_error(&answer, 400, "InvalidRequest", Some(&body));

    // Delinked accounts are no longer covered.
    let answer = app
        .post("/Accounts/delink", &delink_body(HANDLE, &links[0].0))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let body = artefact(
        &uuid::Uuid::new_v4().to_string(),
        &consent_detail("FIP-1", HANDLE, &links),
        &signer,
    );
    let answer = app.post("/Consent", &body).await;
    assert_error(&answer, 400, "InvalidRequest", Some(&body));
}

#[actix_web::test]
async fn a_consent_for_another_fip_is_refused() {
    let app = TestApp::spawn().await;
    let links = linked(&app).await;
    let body = artefact(
        &uuid::Uuid::new_v4().to_string(),
        &consent_detail("FIP-2", HANDLE, &links),
        &app.eco.signer("AA-1"),
    );
    let answer = app.post("/Consent", &body).await;
    assert_error(&answer, 400, "InvalidRequest", Some(&body));
}

#[actix_web::test]
async fn another_artefact_under_a_used_consent_id_is_an_idempotency_error() {
    let app = TestApp::spawn().await;
    let links = linked(&app).await;
    let consent_id = uuid::Uuid::new_v4().to_string();
    let signer = app.eco.signer("AA-1");
    let body = artefact(
        &consent_id,
        &consent_detail("FIP-1", HANDLE, &links),
        &signer,
    );
    assert_eq!(app.post("/Consent", &body).await.status, 200);
    let mut other_detail: Value = consent_detail("FIP-1", HANDLE, &links);
    other_detail["DataLife"]["value"] = 1.into();
    let body = artefact(&consent_id, &other_detail, &signer);
    let answer = app.post("/Consent", &body).await;
    assert_error(&answer, 409, "IdempotencyError", Some(&body));
}

#[actix_web::test]
async fn a_consent_id_must_be_a_uuid() {
    let app = TestApp::spawn().await;
    let links = linked(&app).await;
    let body = artefact(
        "not-a-uuid",
        &consent_detail("FIP-1", HANDLE, &links),
        &app.eco.signer("AA-1"),
    );
    let answer = app.post("/Consent", &body).await;
    assert_error(&answer, 400, "InvalidRequest", Some(&body));
}
