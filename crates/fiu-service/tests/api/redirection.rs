//! Sahamati redirection, the FIU's side, over real HTTP: `POST /app/consents` answers a link to
//! the AA's consent manager whose `ecreq` the AA opens with the shared passphrase (the customer,
//! the consent handle, the FIU's return URL); the browser's return with `ecres` is checked
//! against the link and recorded once, shown as the consent's `redirect`, and sends the browser
//! on to the lender's `returnTo`; a tampered, stale, foreign or contradicting return gets a 400
//! page that names the problem and echoes nothing.

use aa_core::redirection::{RedirectRequest, RedirectResponse, ResponseCode};
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::helpers::{spawn, TestApp, CUSTOMER, REDIRECT_PASSPHRASE, TOKEN};

/// Creates a request with `return_to`; the handle and the request the AA would open.
async fn linked(app: &TestApp, return_to: Option<&str>) -> (String, RedirectRequest) {
    let mut body = json!({"customer": CUSTOMER, "template": "loan-underwriting"});
    if let Some(to) = return_to {
        body["returnTo"] = json!(to);
    }
    let (status, answer) = app
        .app("POST", "/app/consents", Some(TOKEN), Some(body))
        .await;
    assert_eq!(status, 201, "{answer}");
    let handle = answer["consentHandle"].as_str().unwrap().to_owned();
    let url = answer["redirectUrl"].as_str().unwrap();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.contains("/cm/webview?fi="),
        "{url}"
    );
    let query = url.split_once('?').unwrap().1;
    let (fiu, request) = RedirectRequest::open(query, OffsetDateTime::now_utc(), |id| {
        (id == "FIU-1").then(|| REDIRECT_PASSPHRASE.to_owned())
    })
    .unwrap();
    assert_eq!(fiu, "FIU-1");
    (handle, request)
}

/// The AA's answer to `request`, as the URL it sends the browser to.
fn answer(
    request: &RedirectRequest,
    code: ResponseCode,
    sessionid: &str,
    at: OffsetDateTime,
) -> String {
    RedirectResponse {
        txnid: request.txnid.clone(),
        sessionid: sessionid.to_owned(),
        userid: request.userid.clone(),
        code,
        srcref: Vec::new(),
    }
    .to_url(&request.redirect, "AA-1", REDIRECT_PASSPHRASE, at)
}

/// GETs `url` without following redirects: status, `Location`, body.
async fn visit(url: &str) -> (u16, Option<String>, String) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client.get(url).send().await.unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, location, response.text().await.unwrap())
}

#[tokio::test]
async fn the_link_names_the_customer_the_handle_and_the_return_url() {
    let app = spawn().await;
    let (handle, request) = linked(&app, Some("https://lender.example/after?x=1")).await;
    assert_eq!(request.userid, CUSTOMER);
    assert_eq!(request.srcref, std::slice::from_ref(&handle));
    assert_eq!(request.redirect, format!("{}/redirect/return", app.address));
    assert!(request.sessionid.len() >= 32);
    // Not yet back: the consent shows the link, without an outcome.
    let consent = app.consent(&handle).await;
    assert_eq!(consent["redirect"]["outcome"], Value::Null);
    // A returnTo that is not an http(s) URL is refused before the AA is asked.
    let (status, body) = app
        .app(
            "POST",
            "/app/consents",
            Some(TOKEN),
            Some(json!({"customer": CUSTOMER, "template": "loan-underwriting", "returnTo": "javascript:alert(1)"})),
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request")),
        "{body}"
    );
}

#[tokio::test]
async fn the_return_is_recorded_once_and_sends_the_browser_on_to_the_lender() {
    let app = spawn().await;
    let (handle, request) = linked(&app, Some("https://lender.example/after?x=1")).await;
    let back = answer(
        &request,
        ResponseCode::Success,
        &request.sessionid,
        OffsetDateTime::now_utc(),
    );
    let (status, location, _) = visit(&back).await;
    assert_eq!(status, 303);
    assert_eq!(
        location.as_deref(),
        Some(
            format!("https://lender.example/after?x=1&consentHandle={handle}&outcome=approved")
                .as_str()
        )
    );
    let consent = app.consent(&handle).await;
    assert_eq!(consent["redirect"]["outcome"], "approved", "{consent}");
    assert!(consent["redirect"]["returnedAt"].is_string());
    // A reload is answered the same; another outcome for the same link is refused.
    assert_eq!(visit(&back).await.0, 303);
    let contradicting = answer(
        &request,
        ResponseCode::Rejected,
        &request.sessionid,
        OffsetDateTime::now_utc(),
    );
    let (status, _, page) = visit(&contradicting).await;
    assert_eq!(status, 400);
    assert!(
        page.contains("already came back with another outcome"),
        "{page}"
    );
    assert_eq!(
        app.consent(&handle).await["redirect"]["outcome"],
        "approved"
    );
}

#[tokio::test]
async fn without_a_return_to_the_customer_is_told_the_outcome() {
    let app = spawn().await;
    let (_, request) = linked(&app, None).await;
    let back = answer(
        &request,
        ResponseCode::Rejected,
        &request.sessionid,
        OffsetDateTime::now_utc(),
    );
    let (status, _, page) = visit(&back).await;
    assert_eq!(status, 200);
    assert!(page.contains("You rejected the request"), "{page}");
}

#[tokio::test]
async fn tampered_stale_or_foreign_returns_are_refused_naming_the_problem() {
    let app = spawn().await;
    let (handle, request) = linked(&app, None).await;
    let now = OffsetDateTime::now_utc();
    let refused = |url: String| async move {
        let (status, _, page) = visit(&url).await;
        assert_eq!(status, 400, "{page}");
        page
    };
    let wrong_session = refused(answer(
        &request,
        ResponseCode::Success,
        "another-session",
        now,
    ))
    .await;
    assert!(
        wrong_session.contains("does not belong to this link"),
        "{wrong_session}"
    );
    assert!(!wrong_session.contains("another-session"));
    let stale = refused(answer(
        &request,
        ResponseCode::Success,
        &request.sessionid,
        now - time::Duration::minutes(10),
    ))
    .await;
    assert!(stale.contains("more than 180 seconds"), "{stale}");
    let mut unknown = request.clone();
    unknown.txnid = uuid::Uuid::new_v4().to_string();
    let foreign = refused(answer(
        &unknown,
        ResponseCode::Success,
        &request.sessionid,
        now,
    ))
    .await;
    assert!(
        foreign.contains("not handed out by this lender"),
        "{foreign}"
    );
    let sealed_elsewhere = RedirectResponse {
        txnid: request.txnid.clone(),
        sessionid: request.sessionid.clone(),
        userid: request.userid.clone(),
        code: ResponseCode::Success,
        srcref: Vec::new(),
    }
    .to_url(&request.redirect, "AA-1", "not the shared passphrase", now);
    let undecryptable = refused(sealed_elsewhere).await;
    assert!(
        undecryptable.contains("does not decrypt"),
        "{undecryptable}"
    );
    let missing = refused(format!("{}/redirect/return?fi=x", app.address)).await;
    assert!(missing.contains("missing"), "{missing}");
    // None of these recorded anything.
    assert_eq!(
        app.consent(&handle).await["redirect"]["outcome"],
        Value::Null
    );
}
