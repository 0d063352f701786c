//! The FIP never serves data of an account delinked after its session opened (issue 13), and
//! says so: the delink (by the AA, or by the bank itself) turns the account's prepared data
//! `DENIED` in the session, with its sealed data removed, and queues the session's
//! `POST /FI/Notification` to the AA again with that account `DENIED` (the session `ACTIVE`
//! while another account is `READY`, else `FAILED`). `FI/fetch` leaves the account out; with
//! every asked account delinked there is nothing to serve (404 `NoDataFound`, the FI/fetch 404
//! code) and the fetch changes nothing.

use aa_core::fi_crypto::Curve;
use serde_json::Value;

use crate::fi::{consent, fetch_body, fi_detail, fi_request, fiu_key, link_everything, notified};
use crate::fi::{FROM, TO};
use crate::helpers::{assert_error, delink_body, TestApp, BANK_TOKEN, HANDLE};
use crate::outbox::bank_delink;
use crate::snapshot::snapshot;

fn served(answer: &Value) -> Vec<String> {
    answer["FI"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|fi| fi["data"].as_array().unwrap().clone())
        .map(|d| d["linkRefNumber"].as_str().unwrap().to_owned())
        .collect()
}

/// A prepared session over every account of the demo customer: (sessionId, the links).
async fn prepared(app: &TestApp) -> (String, Vec<(String, String, String)>) {
    let links = link_everything(app).await;
    assert!(links.len() >= 2, "{links:?}");
    let (consent_id, signature) = consent(
        app,
        &fi_detail(&links, &["SUMMARY", "TRANSACTIONS"], Value::Null),
    )
    .await;
    let fiu = fiu_key(Curve::X25519, time::Duration::hours(1));
    let answer = app
        .post(
            "/FI/request",
            &fi_request(&consent_id, &signature, FROM, TO, &fiu.key_material),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let session_id = answer.body["sessionId"].as_str().unwrap().to_owned();
    let first = notified(app, &session_id).await;
    assert_eq!(first["FIStatusNotification"]["sessionStatus"], "ACTIVE");
    (session_id, links)
}

/// The FI notifications of `session_id` the AA has had, oldest first.
fn told(app: &TestApp, session_id: &str) -> Vec<Value> {
    app.aa_inbox
        .lock()
        .unwrap()
        .fi_notifications
        .iter()
        .filter(|n| n["FIStatusNotification"]["sessionId"] == session_id)
        .cloned()
        .collect()
}

/// Waits for the `n`th FI notification of `session_id` and returns it.
async fn nth_told(app: &TestApp, session_id: &str, n: usize) -> Value {
    app.wait_for_aa(|inbox| {
        inbox
            .fi_notifications
            .iter()
            .filter(|x| x["FIStatusNotification"]["sessionId"] == session_id)
            .count()
            >= n
    })
    .await;
    told(app, session_id)[n - 1].clone()
}

/// Each account's `FIStatus` in an FI notification, by linkRefNumber.
fn statuses(notification: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = notification["FIStatusNotification"]["FIStatusResponse"]
        [0]["Accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["linkRefNumber"].as_str().unwrap().to_owned(),
                a["FIStatus"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The stored status of `link` in `session_id`, and whether its sealed data is still there.
async fn stored(app: &TestApp, session_id: &str, link: &str) -> (String, bool) {
    let session = app.store.fi_session(session_id).await.unwrap().unwrap();
    let account = session
        .accounts
        .iter()
        .find(|a| a.link_ref_number == link)
        .unwrap();
    (account.fi_status.clone(), account.sealed.is_some())
}

#[actix_web::test]
async fn an_account_delinked_after_the_session_opened_is_never_served_and_is_told_denied() {
    let app = TestApp::spawn().await;
    let (session_id, links) = prepared(&app).await;

    // Prepared for every account; then the first is delinked by the AA.
    let (gone, kept) = (&links[0].0, &links[1].0);
    let answer = app
        .post("/Accounts/delink", &delink_body(HANDLE, gone))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let second = nth_told(&app, &session_id, 2).await;
    assert_eq!(second["FIStatusNotification"]["sessionStatus"], "ACTIVE");
    let second = statuses(&second);
    assert!(
        second.contains(&(gone.clone(), "DENIED".into())),
        "{second:?}"
    );
    assert!(
        second.contains(&(kept.clone(), "READY".into())),
        "{second:?}"
    );
    assert_eq!(
        stored(&app, &session_id, gone).await,
        ("DENIED".into(), false)
    );
    assert_eq!(
        stored(&app, &session_id, kept).await,
        ("READY".into(), true)
    );

    let answer = app.post("/FI/fetch", &fetch_body(&session_id)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let fetched = served(&answer.body);
    assert!(!fetched.contains(gone), "a delinked account was served");
    assert!(fetched.contains(kept), "{fetched:?}");

    // A repeated delink changes nothing and tells the AA nothing more.
    let answer = app
        .post("/Accounts/delink", &delink_body(HANDLE, gone))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);

    // Every account delinked: the session is told FAILED with each account DENIED.
    for (link, _, _) in &links[1..] {
        let answer = app
            .post("/Accounts/delink", &delink_body(HANDLE, link))
            .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    let last = nth_told(&app, &session_id, links.len() + 1).await;
    assert_eq!(last["FIStatusNotification"]["sessionStatus"], "FAILED");
    assert!(statuses(&last).iter().all(|(_, s)| s == "DENIED"), "{last}");
    actix_web::rt::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(told(&app, &session_id).len(), links.len() + 1);

    // Nothing to serve, and the refused fetch records nothing.
    let before = snapshot(&app).await;
    let body = fetch_body(&session_id);
    let answer = app.post("/FI/fetch", &body).await;
    assert_error(&answer, 404, "NoDataFound", Some(&body));
    assert_eq!(
        snapshot(&app).await,
        before,
        "a refused fetch changed something"
    );
}

#[actix_web::test]
async fn an_account_the_bank_delinks_after_preparation_is_told_denied_too() {
    let app = TestApp::spawn().await;
    let (session_id, links) = prepared(&app).await;
    let gone = &links[0].0;
    let (status, body) = bank_delink(&app, gone, BANK_TOKEN).await;
    assert_eq!(status, 200, "{body}");
    let second = nth_told(&app, &session_id, 2).await;
    assert_eq!(second["FIStatusNotification"]["sessionStatus"], "ACTIVE");
    assert!(
        statuses(&second).contains(&(gone.clone(), "DENIED".into())),
        "{second}"
    );
    assert_eq!(
        stored(&app, &session_id, gone).await,
        ("DENIED".into(), false)
    );
    let answer = app.post("/FI/fetch", &fetch_body(&session_id)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(!served(&answer.body).contains(gone));
}
