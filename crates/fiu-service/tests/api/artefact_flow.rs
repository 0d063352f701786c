//! `ACTIVE` notification -> the FIU fetches the artefact from the AA after answering, verifies
//! the AA's signature and the terms, and shows it in the app API; or refuses it, recording why.

use serde_json::Value;

use crate::helpers::{artefact, notification, spawn, spawn_with, Db, Options, TestApp, CUSTOMER};

/// Creates a consent, has the AA approve it and notify ACTIVE; returns (handle, consent id).
async fn approve_and_notify(app: &TestApp, template: &str) -> (String, String) {
    let handle = app.create_consent(template).await;
    let consent_id = app.aa.approve(&handle);
    let answer = app
        .notify(&notification(Some(&handle), Some(&consent_id), "ACTIVE"))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["response"], "OK");
    (handle, consent_id)
}

async fn active_artefact_is_fetched_verified_and_shown(app: TestApp) {
    let (handle, consent_id) = approve_and_notify(&app, "wealth-monthly").await;
    let artefact = app.wait_fetched(&handle, &consent_id).await;
    assert_eq!(artefact["fetch"], "VERIFIED", "{artefact}");
    assert_eq!(artefact["verified"], true);
    assert_eq!(artefact["status"], "ACTIVE");
    assert_eq!(artefact["fipId"], "FIP-1");
    assert_eq!(artefact["signerKid"], "aa-1-sig");
    assert_eq!(artefact["error"], Value::Null);
    let detail = &artefact["consentDetail"];
    assert_eq!(detail["Customer"]["id"], CUSTOMER);
    assert_eq!(detail["DataConsumer"]["id"], "FIU-1");
    assert_eq!(detail["DataProvider"]["id"], "FIP-1");
    assert_eq!(detail["Purpose"]["code"], "101");
    let consent = app.consent(&handle).await;
    assert_eq!(consent["status"], "ACTIVE");
    assert_eq!(app.aa.fetches(), 1);
    assert_eq!(app.store.pending_job_count().await.unwrap(), 0);
}

#[tokio::test]
async fn an_active_artefact_is_fetched_verified_and_shown_on_sqlite() {
    active_artefact_is_fetched_verified_and_shown(spawn().await).await;
}

#[tokio::test]
async fn an_active_artefact_is_fetched_verified_and_shown_on_postgres() {
    let app = spawn_with(Options {
        db: Db::Postgres,
        ..Options::default()
    })
    .await;
    active_artefact_is_fetched_verified_and_shown(app).await;
}

#[tokio::test]
async fn an_artefact_signed_by_a_key_that_is_not_the_aas_is_refused_and_not_stored() {
    let app = spawn().await;
    app.aa.sign_artefacts_with(app.eco.signer("FIP-1"));
    let (handle, consent_id) = approve_and_notify(&app, "loan-underwriting").await;
    let artefact = app.wait_fetched(&handle, &consent_id).await;
    assert_eq!(artefact["fetch"], "REFUSED", "{artefact}");
    assert_eq!(artefact["verified"], false);
    assert_eq!(
        artefact["consentDetail"],
        Value::Null,
        "nothing of it is kept"
    );
    assert_eq!(artefact["fipId"], Value::Null);
    let error = artefact["error"].as_str().unwrap();
    assert!(
        error.contains("\"fip-1-sig\" of FIP-1, not with a key of AA-1"),
        "{error}"
    );
    assert_eq!(app.aa.fetches(), 1, "a refusal is not retried");
    assert_eq!(app.store.pending_job_count().await.unwrap(), 0);
}

#[tokio::test]
async fn an_artefact_whose_terms_differ_from_the_request_is_refused() {
    let app = spawn().await;
    app.aa
        .tamper(|detail| detail["Purpose"]["code"] = "104".into());
    let (handle, consent_id) = approve_and_notify(&app, "wealth-monthly").await;
    let artefact = app.wait_fetched(&handle, &consent_id).await;
    assert_eq!(artefact["fetch"], "REFUSED");
    assert_eq!(artefact["verified"], false);
    let error = artefact["error"].as_str().unwrap();
    assert!(error.contains("Purpose.code"), "{error}");
}

#[tokio::test]
async fn an_unavailable_aa_is_retried_with_backoff() {
    let app = spawn().await;
    app.aa.fail_fetches(2);
    let (handle, consent_id) = approve_and_notify(&app, "wealth-monthly").await;
    let artefact = app.wait_fetched(&handle, &consent_id).await;
    assert_eq!(artefact["fetch"], "VERIFIED", "{artefact}");
    assert_eq!(app.aa.fetches(), 3);
}

#[tokio::test]
async fn a_fetch_is_given_up_after_its_attempts_and_the_failure_recorded() {
    let app = spawn().await;
    app.aa.fail_fetches(100);
    let (handle, consent_id) = approve_and_notify(&app, "wealth-monthly").await;
    let failed = app.wait_fetched(&handle, &consent_id).await;
    assert_eq!(failed["fetch"], "FAILED", "{failed}");
    assert_eq!(failed["verified"], false);
    assert!(
        failed["error"]
            .as_str()
            .unwrap()
            .contains("ServiceUnavailable"),
        "{failed}"
    );
    assert_eq!(app.aa.fetches(), 3, "jobs.max_attempts is 3 in tests");

    // A later ACTIVE for the same consent tries again.
    app.aa.fail_fetches(0);
    let answer = app
        .notify(&notification(Some(&handle), Some(&consent_id), "ACTIVE"))
        .await;
    assert_eq!(answer.status, 200);
    let consent = app
        .wait_for(&handle, |c| {
            artefact(c, &consent_id).is_some_and(|a| a["fetch"] == "VERIFIED")
        })
        .await;
    assert_eq!(consent["status"], "ACTIVE");
}

#[tokio::test]
async fn without_a_notification_the_status_poll_finds_the_approved_consent() {
    let app = spawn_with(Options {
        poll: true,
        ..Options::default()
    })
    .await;
    let handle = app.create_consent("wealth-monthly").await;
    assert_eq!(app.consent(&handle).await["status"], "PENDING");
    let consent_id = app.aa.approve(&handle);
    let artefact = app.wait_fetched(&handle, &consent_id).await;
    assert_eq!(artefact["fetch"], "VERIFIED", "{artefact}");
    assert_eq!(app.consent(&handle).await["status"], "ACTIVE");
}
