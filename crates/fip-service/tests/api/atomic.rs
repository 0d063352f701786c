//! The effect of a ReBIT `POST` and its kept answer commit together (issue 10): when the answer
//! cannot be saved after the work has written, nothing of the work stays; the key stays
//! claimed, so a repeat is 503 until the claim goes stale, then runs afresh, and a repeat after
//! that gets the same answer with no second effect.
//!
//! The failure is real: a trigger on the FIP's own database refuses to record answers.

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::Value;

use crate::fi::{fi_request, setup, FROM, TO};
use crate::helpers::{
    artefact, assert_error, consent_detail, delink_body, deposit_links, link_body, verify_body,
    TestApp, HANDLE,
};
use crate::snapshot::snapshot;
use aa_runtime::idempotency::STALE_CLAIM_MS;

const REFUSE: &str = "CREATE TRIGGER refuse_answers BEFORE UPDATE OF status ON idempotency_keys \
     WHEN NEW.status IS NOT NULL BEGIN SELECT RAISE(ABORT, 'answers refused by the test'); END";

async fn database(app: &TestApp) -> DatabaseConnection {
    let path = app.eco.dir.path().join("fip-1").join("fip-service.db");
    Database::connect(format!("sqlite://{}?mode=rw", path.display()))
        .await
        .unwrap()
}

async fn execute(db: &DatabaseConnection, sql: &str) {
    db.execute(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap();
}

/// Everything but what counts attempts whatever their outcome: the idempotency keys (where the
/// failed request's claim stays), the rate limits, and the `counted` tables.
fn work_of(
    mut tables: BTreeMap<String, Vec<String>>,
    counted: &[&str],
) -> BTreeMap<String, Vec<String>> {
    for table in ["idempotency_keys", "rate_limits"].iter().chain(counted) {
        tables.remove(*table);
    }
    tables
}

/// What a test sends, and what besides the effect may change when it fails.
struct Case<'a> {
    path: &'a str,
    body: Value,
    /// Tables that count tries even when the answer is refused (a link request's spent tries).
    counted: &'a [&'a str],
    /// Wait for the session's preparation before comparing (it moves rows in the background).
    settle: bool,
}

/// Sends the case while answers cannot be saved: 500, and nothing of the work is left but its
/// claim. Then, the claim gone stale, the same request runs afresh (200), and once more gets
/// the same answer with nothing changed. Returns the answer.
async fn fails_then_runs_once(app: &TestApp, case: Case<'_>) -> Value {
    let (path, body) = (case.path, &case.body);
    let db = database(app).await;
    execute(&db, REFUSE).await;
    let before = snapshot(app).await;
    let failed = app.post(path, body).await;
    assert_error(&failed, 500, "InternalError", Some(body));
    let after = snapshot(app).await;
    assert_eq!(
        work_of(after.clone(), case.counted),
        work_of(before.clone(), case.counted),
        "{path}: the work of a request whose answer was not saved stayed"
    );
    assert_eq!(
        after["idempotency_keys"].len(),
        before["idempotency_keys"].len() + 1,
        "{path}: its claim"
    );
    execute(&db, "DROP TRIGGER refuse_answers").await;

    // The claim holds the key as if the request were still running...
    let busy = app.post(path, body).await;
    assert_error(&busy, 503, "ServiceUnavailable", Some(body));
    // ...until it is older than a request may take.
    execute(
        &db,
        &format!(
            "UPDATE idempotency_keys SET claimed_at_ms = claimed_at_ms - {} WHERE status IS NULL",
            STALE_CLAIM_MS + 1_000
        ),
    )
    .await;
    db.close().await.unwrap();
    let first = app.post(path, body).await;
    assert_eq!(first.status, 200, "{path}: {}", first.body);
    if case.settle {
        crate::fi::notified(app, first.body["sessionId"].as_str().unwrap()).await;
    }
    let done = snapshot(app).await;
    let again = app.post(path, body).await;
    assert_eq!(again.status, 200, "{path}: {}", again.body);
    assert_eq!(again.raw, first.raw, "{path}: not the same answer");
    assert_eq!(
        snapshot(app).await,
        done,
        "{path}: a repeat changed something"
    );
    first.body
}

fn case(path: &str, body: Value) -> Case<'_> {
    Case {
        path,
        body,
        counted: &[],
        settle: false,
    }
}

#[actix_web::test]
async fn a_link_request_whose_answer_cannot_be_saved_leaves_no_link_and_a_repeat_gets_one_answer() {
    let app = TestApp::spawn().await;
    let accounts = app.discover().await;
    let answer =
        fails_then_runs_once(&app, case("/Accounts/link", link_body(HANDLE, &accounts))).await;
    let ref_number = answer["RefNumber"].as_str().unwrap();
    // The OTP of the committed request is the one that works.
    let otp = app.otp(ref_number).await;
    let verified = fails_then_runs_once(
        &app,
        Case {
            // The try the failed request spent stays spent (a refusal cannot undo a guess).
            counted: &["link_requests"],
            ..case("/Accounts/link/verify", verify_body(ref_number, &otp))
        },
    )
    .await;
    let link_ref = verified["AccLinkDetails"][0]["linkRefNumber"]
        .as_str()
        .unwrap();
    let delinked = fails_then_runs_once(
        &app,
        case("/Accounts/delink", delink_body(HANDLE, link_ref)),
    )
    .await;
    assert_eq!(delinked["AccLinkDetails"]["status"], "DELINKED");
}

#[actix_web::test]
async fn a_consent_or_data_request_whose_answer_cannot_be_saved_leaves_nothing_behind() {
    let app = TestApp::spawn().await;
    let discovered = app.discover().await;
    let verified = app.link_all().await;
    let links = deposit_links(&verified, &discovered);
    let consent_id = uuid::Uuid::new_v4().to_string();
    let body = artefact(
        &consent_id,
        &consent_detail("FIP-1", HANDLE, &links),
        &app.eco.signer("AA-1"),
    );
    fails_then_runs_once(&app, case("/Consent", body)).await;
    assert!(app.store.consent(&consent_id).await.unwrap().is_some());

    let (consent_id, signature, fiu) = setup(&app).await;
    let body = fi_request(&consent_id, &signature, FROM, TO, &fiu.key_material);
    let answer = fails_then_runs_once(
        &app,
        Case {
            settle: true,
            ..case("/FI/request", body)
        },
    )
    .await;
    assert_eq!(
        app.store.fi_session_ids(&consent_id).await.unwrap(),
        [answer["sessionId"].as_str().unwrap().to_owned()],
        "one session, from the request that was answered"
    );
}
