//! Idempotency on every `POST` endpoint, scoped by (caller, endpoint): the same txnid and body
//! again get the same answer with no second effect; the same txnid with another body is 409
//! `IdempotencyError`.

use serde_json::Value;

use aa_core::fi_crypto::Curve;
use aa_core::registry::Role;
use aa_runtime::idempotency::{Endpoint, Incoming, STALE_CLAIM_MS};

use crate::fi::{fetch_body, fi_detail, fi_request, fiu_key, link_everything, notified, FROM, TO};
use crate::helpers::{
    artefact, assert_error, consent_notification, delink_body, discover_body, link_body, txnid,
    verify_body, TestApp, HANDLE, MOBILE,
};
use crate::snapshot::snapshot;

/// Sends `body` to `path` twice, then `other` under the same txnid: the second answer equals
/// the first (all of it but the fields in `fresh`), the database is as after the first, and
/// `other` is 409 with nothing changed. Returns the first answer.
async fn replayed(app: &TestApp, path: &str, body: &Value, other: &Value, fresh: &[&str]) -> Value {
    replayed_settled(app, path, body, other, fresh, false).await
}

/// [`replayed`]; with `settle`, the first answer's session is prepared before the snapshot.
async fn replayed_settled(
    app: &TestApp,
    path: &str,
    body: &Value,
    other: &Value,
    fresh: &[&str],
    settle: bool,
) -> Value {
    assert_eq!(body["txnid"], other["txnid"]);
    assert_ne!(body, other);
    let first = app.post(path, body).await;
    assert_eq!(first.status, 200, "{path}: {}", first.body);
    if settle {
        notified(app, first.body["sessionId"].as_str().unwrap()).await;
    }
    let before = snapshot(app).await;
    let mut retry = body.clone();
    if retry.get("timestamp").is_some() {
        // A retry is signed afresh, with a new timestamp.
        retry["timestamp"] = crate::helpers::now().into();
    }
    let second = app.post(path, &retry).await;
    assert_eq!(second.status, 200, "{path}: {}", second.body);
    let strip = |v: &Value| {
        let mut v = v.clone();
        for field in fresh {
            v.as_object_mut().unwrap().remove(*field);
        }
        v
    };
    assert_eq!(strip(&second.body), strip(&first.body), "{path}");
    if fresh.is_empty() {
        assert_eq!(second.raw, first.raw, "{path}: not the same answer");
    }
    assert_eq!(
        snapshot(app).await,
        before,
        "{path}: a replay changed something"
    );

    let answer = app.post(path, other).await;
    assert_error(&answer, 409, "IdempotencyError", Some(other));
    assert_eq!(
        snapshot(app).await,
        before,
        "{path}: a conflict changed something"
    );
    first.body
}

fn with_txnid(mut body: Value, txnid: &Value) -> Value {
    body["txnid"] = txnid.clone();
    body
}

#[actix_web::test]
async fn a_repeated_account_request_gets_the_same_answer_and_another_body_is_409_idempotency_error()
{
    let app = TestApp::spawn().await;
    let body = discover_body(MOBILE, None);
    let other = with_txnid(discover_body(MOBILE, Some("ABCPS1234K")), &body["txnid"]);
    let discovered = replayed(&app, "/Accounts/discover", &body, &other, &[]).await;
    let accounts = discovered["DiscoveredAccounts"].as_array().unwrap().clone();

    let body = link_body(HANDLE, &accounts);
    let other = with_txnid(link_body(HANDLE, &accounts[..1]), &body["txnid"]);
    let linked = replayed(&app, "/Accounts/link", &body, &other, &[]).await;
    let ref_number = linked["RefNumber"].as_str().unwrap();
    let otp = app.otp(ref_number).await;

    let body = verify_body(ref_number, &otp);
    let wrong = if otp == "000000" { "000001" } else { "000000" };
    let other = with_txnid(verify_body(ref_number, wrong), &body["txnid"]);
    let verified = replayed(&app, "/Accounts/link/verify", &body, &other, &[]).await;
    let link_ref = verified["AccLinkDetails"][0]["linkRefNumber"]
        .as_str()
        .unwrap();
    let other_ref = verified["AccLinkDetails"][1]["linkRefNumber"]
        .as_str()
        .unwrap();

    let body = delink_body(HANDLE, link_ref);
    let other = with_txnid(delink_body(HANDLE, other_ref), &body["txnid"]);
    replayed(&app, "/Accounts/delink", &body, &other, &[]).await;
}

#[actix_web::test]
async fn a_repeated_consent_or_data_request_gets_the_same_answer_and_another_body_is_409_idempotency_error(
) {
    let app = TestApp::spawn().await;
    let links = link_everything(&app).await;
    let detail = fi_detail(&links, &["SUMMARY", "TRANSACTIONS"], Value::Null);
    let signer = app.eco.signer("AA-1");
    let consent_id = uuid::Uuid::new_v4().to_string();
    let body = artefact(&consent_id, &detail, &signer);
    let other = with_txnid(
        artefact(&uuid::Uuid::new_v4().to_string(), &detail, &signer),
        &body["txnid"],
    );
    replayed(&app, "/Consent", &body, &other, &[]).await;
    let signature = body["signedConsent"]
        .as_str()
        .unwrap()
        .rsplit('.')
        .next()
        .unwrap()
        .to_owned();
    let fiu = fiu_key(Curve::X25519, time::Duration::hours(1));

    // Notifications: a txnid binds its consent; the AA reuses it for each status of the consent.
    let body = consent_notification(&consent_id, "PAUSED", "AA-1");
    let other = with_txnid(
        consent_notification(&uuid::Uuid::new_v4().to_string(), "PAUSED", "AA-1"),
        &body["txnid"],
    );
    replayed(&app, "/Consent/Notification", &body, &other, &["timestamp"]).await;
    let resume = with_txnid(
        consent_notification(&consent_id, "ACTIVE", "AA-1"),
        &body["txnid"],
    );
    assert_eq!(app.post("/Consent/Notification", &resume).await.status, 200);
    assert_eq!(
        app.store
            .consent(&consent_id)
            .await
            .unwrap()
            .unwrap()
            .status
            .as_str(),
        "ACTIVE"
    );

    let body = fi_request(&consent_id, &signature, FROM, TO, &fiu.key_material);
    let other = with_txnid(
        fi_request(
            &consent_id,
            &signature,
            FROM,
            "2029-01-01T00:00:00.000Z",
            &fiu.key_material,
        ),
        &body["txnid"],
    );
    let answer = replayed_settled(&app, "/FI/request", &body, &other, &[], true).await;
    let session_id = answer["sessionId"].as_str().unwrap().to_owned();
    assert_eq!(
        app.store.fi_session_ids(&consent_id).await.unwrap(),
        std::slice::from_ref(&session_id)
    );

    let body = fetch_body(&session_id);
    let other = with_txnid(
        fetch_body(&uuid::Uuid::new_v4().to_string()),
        &body["txnid"],
    );
    // The data is served again, not stored: only the answer's timestamp is new.
    replayed(&app, "/FI/fetch", &body, &other, &["timestamp"]).await;
}

#[actix_web::test]
async fn a_txnid_is_scoped_by_caller_and_endpoint() {
    let app = TestApp::spawn().await;
    let shared = txnid();
    let body = with_txnid(discover_body(MOBILE, None), &shared.clone().into());
    let answer = app.post("/Accounts/discover", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    // Another AA may use the same txnid, and another body under it is its own request.
    let other = with_txnid(
        discover_body(MOBILE, Some("ABCPS1234K")),
        &shared.clone().into(),
    );
    let answer = app.post_as("AA-2", "/Accounts/discover", &other).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    // The same caller may reuse a txnid on the next step of the flow.
    let accounts = answer.body["DiscoveredAccounts"]
        .as_array()
        .unwrap()
        .clone();
    let body = with_txnid(link_body(HANDLE, &accounts), &shared.into());
    let answer = app.post("/Accounts/link", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[actix_web::test]
async fn a_refused_request_leaves_its_txnid_free() {
    let app = TestApp::spawn().await;
    let body = discover_body("9000000001", None);
    let answer = app.post("/Accounts/discover", &body).await;
    assert_error(&answer, 404, "NoAccountsFound", Some(&body));
    let other = with_txnid(discover_body(MOBILE, None), &body["txnid"]);
    let answer = app.post("/Accounts/discover", &other).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

/// Claims `body`'s txnid on discovery as if a request with it were being processed since
/// `claimed_at_ms`.
async fn claim_in_flight(app: &TestApp, body: &Value, claimed_at_ms: i64) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("configuration");
    let pepper = fip_service::configuration::load_from(&dir)
        .unwrap()
        .otp
        .pepper;
    let raw = serde_json::to_vec(body).unwrap();
    let incoming = Incoming {
        caller: "AA-1",
        role: Role::Aa,
        endpoint: Endpoint::AccountsDiscover,
        txnid: body["txnid"].as_str().unwrap(),
        body: &raw,
        subject: "",
    };
    assert!(app
        .store
        .idempotency(pepper.expose().as_bytes())
        .hold(&incoming, claimed_at_ms)
        .await
        .unwrap());
}

#[actix_web::test]
async fn a_repeat_while_the_first_is_in_flight_is_503_and_a_dead_claim_is_taken_over() {
    let app = TestApp::spawn().await;
    let body = discover_body(MOBILE, None);
    claim_in_flight(&app, &body, app.store.clock().now_millis()).await;
    let answer = app.post("/Accounts/discover", &body).await;
    assert_error(&answer, 503, "ServiceUnavailable", Some(&body));

    // A claim older than a minute belongs to a request that died: the repeat runs.
    let body = discover_body(MOBILE, None);
    let stale = app.store.clock().now_millis() - STALE_CLAIM_MS - 1_000;
    claim_in_flight(&app, &body, stale).await;
    let answer = app.post("/Accounts/discover", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let again = app.post("/Accounts/discover", &body).await;
    assert_eq!(again.raw, answer.raw);
}
