//! The FIP never serves data of an account delinked after its session opened (issue 13): the
//! account is left out of `FI/fetch`; with every asked account delinked there is nothing to
//! serve (404 `NoDataFound`, the FI/fetch 404 code) and nothing changes.

use aa_core::fi_crypto::Curve;
use serde_json::Value;

use crate::fi::{consent, fetch_body, fi_detail, fi_request, fiu_key, link_everything, notified};
use crate::fi::{FROM, TO};
use crate::helpers::{assert_error, delink_body, TestApp, HANDLE};
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

#[actix_web::test]
async fn an_account_delinked_after_the_session_opened_is_never_served() {
    let app = TestApp::spawn().await;
    let links = link_everything(&app).await;
    assert!(links.len() >= 2, "{links:?}");
    let (consent_id, signature) = consent(
        &app,
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
    notified(&app, &session_id).await;

    // Prepared for every account; then the first is delinked.
    let (gone, kept) = (&links[0].0, &links[1].0);
    let answer = app
        .post("/Accounts/delink", &delink_body(HANDLE, gone))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let answer = app.post("/FI/fetch", &fetch_body(&session_id)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let fetched = served(&answer.body);
    assert!(!fetched.contains(gone), "a delinked account was served");
    assert!(fetched.contains(kept), "{fetched:?}");

    // Every account delinked: nothing to serve, and nothing recorded.
    for (link, _, _) in &links[1..] {
        let answer = app
            .post("/Accounts/delink", &delink_body(HANDLE, link))
            .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
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
