//! The main flows again, on PostgreSQL (`aa_testkit::fresh_postgres_database`).

use crate::helpers::{
    artefact, consent_detail, consent_notification, delink_body, deposit_links, Db, Options,
    TestApp, HANDLE,
};

fn on_postgres() -> Options {
    Options {
        db: Db::Postgres,
        ..Options::default()
    }
}

#[actix_web::test]
async fn discovery_linking_consent_and_delinking_work_on_postgresql() {
    let app = TestApp::spawn_with(on_postgres()).await;
    let discovered = app.discover().await;
    assert_eq!(discovered.len(), 2);
    let verified = app.link_all().await;
    let links = deposit_links(&verified, &discovered);
    assert_eq!(links.len(), 1);

    let consent_id = uuid::Uuid::new_v4().to_string();
    let body = artefact(
        &consent_id,
        &consent_detail("FIP-1", HANDLE, &links),
        &app.eco.signer("AA-1"),
    );
    for _ in 0..2 {
        let answer = app.post("/Consent", &body).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    for status in ["PAUSED", "PAUSED", "REVOKED"] {
        let answer = app
            .post(
                "/Consent/Notification",
                &consent_notification(&consent_id, status, "AA-1"),
            )
            .await;
        assert_eq!(answer.status, 200, "{status}: {}", answer.body);
    }

    let answer = app
        .post("/Accounts/delink", &delink_body(HANDLE, &links[0].0))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["AccLinkDetails"]["status"], "DELINKED");
}

#[actix_web::test]
async fn the_outbox_delivers_on_postgresql() {
    let app = TestApp::spawn_with(on_postgres()).await;
    crate::outbox::a_link_ended_by_the_bank_is_notified_to_the_aa(&app).await;
}

#[actix_web::test]
async fn concurrent_wrong_tokens_cannot_exceed_the_budget_on_postgresql() {
    let app = TestApp::spawn_with(on_postgres()).await;
    let accounts = app.discover().await;
    let ref_number = app.start_link(&accounts).await;
    let otp = app.otp(&ref_number).await;
    let wrong = if otp == "000000" { "000001" } else { "000000" };
    let bodies: Vec<_> = (0..8)
        .map(|_| crate::helpers::verify_body(&ref_number, wrong))
        .collect();
    let answers = futures_util::future::join_all(
        bodies
            .iter()
            .map(|body| app.post("/Accounts/link/verify", body)),
    )
    .await;
    let mut compared = 0;
    for answer in &answers {
        assert_eq!(
            answer.body["errorCode"], "InvalidLinkToken",
            "{}",
            answer.body
        );
        if answer.body["errorMsg"]
            .as_str()
            .unwrap()
            .starts_with("wrong token")
        {
            compared += 1;
        }
    }
    assert_eq!(compared, 3, "exactly the budget of tokens was compared");
    let answer = app
        .post(
            "/Accounts/link/verify",
            &crate::helpers::verify_body(&ref_number, &otp),
        )
        .await;
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert_eq!(answer.body["errorCode"], "InvalidLinkToken");
}
