//! The consent manager in headless Chromium, by clicking: log-in with the OTP, discovery and
//! linking with the FIP's OTP, approving a consent request an FIU made over the signed ReBIT
//! API, pausing, resuming and revoking the consent, delinking and deregistering; and the
//! Sahamati redirection round trip back to a loopback FIU page whose `ecres` is then opened.
//! Each page is screenshotted (`target/screenshots/cm-*.png`) and checked with axe-core.

use aa_core::redirection::{RedirectRequest, RedirectResponse, ResponseCode};
use aa_testkit::browser::Browser;
use time::OffsetDateTime;

use crate::helpers::{World, HANDLE, REDIRECT_PASSPHRASE};
use crate::pages_support::{browser_login, fiu_return_page, look, request_with_purpose};

#[tokio::test]
async fn a_customer_links_approves_pauses_revokes_delinks_and_deregisters_by_clicking() {
    let world = World::start().await;
    let browser = Browser::start().await.expect("headless chromium");
    let cm = format!("{}/cm", world.aa_url);

    browser.goto(&cm).await.unwrap();
    assert!(browser.url().await.unwrap().contains("/cm/login"));
    look(&browser, "cm-login").await;
    browser.fill("#handle", HANDLE).await.unwrap();
    browser.click("button[type=submit]").await.unwrap();
    browser.find("#otp").await.unwrap();
    look(&browser, "cm-login-otp").await;
    let otp_ref = crate::pages_support::query_value(&browser.url().await.unwrap(), "ref");
    let otp = crate::pages_support::sandbox_otp(&world, &otp_ref).await;
    browser.fill("#otp", &otp).await.unwrap();
    browser.click("main button[type=submit]").await.unwrap();
    assert_eq!(browser.text("h1").await.unwrap(), "Your consents");
    look(&browser, "cm-home-empty").await;

    // Discover at FIP-1 and link with its OTP.
    browser.click("a[href='/cm/fips']").await.unwrap();
    browser.click("input[value='FIP-1']").await.unwrap();
    look(&browser, "cm-fips").await;
    browser.click("main button[type=submit]").await.unwrap();
    assert_eq!(browser.text("h1").await.unwrap(), "Accounts found");
    look(&browser, "cm-accounts-found").await;
    browser.click("main button[type=submit]").await.unwrap();
    browser.find("#otp").await.unwrap();
    look(&browser, "cm-link-otp").await;
    browser
        .fill("#otp", aa_testkit::fakes::LINK_OTP)
        .await
        .unwrap();
    browser.click("main button[type=submit]").await.unwrap();
    assert!(browser
        .text(".notice")
        .await
        .unwrap()
        .contains("accounts are linked"));

    // FIU-1 asks (signed ReBIT call); the customer reads and approves it.
    let handle = request_with_purpose(&world, "FIU-1", HANDLE, "Wealth management").await;
    browser.goto(&cm).await.unwrap();
    look(&browser, "cm-home").await;
    browser
        .click(&format!("a[href='/cm/requests/{handle}']"))
        .await
        .unwrap();
    let terms = browser.text("dl.facts").await.unwrap();
    assert!(
        terms.contains("Wealth management (purpose code 101)"),
        "{terms}"
    );
    assert!(terms.contains("FIU-1"), "{terms}");
    look(&browser, "cm-request").await;
    browser
        .click("form[action$='/approve'] button")
        .await
        .unwrap();
    assert!(browser.text(".notice").await.unwrap().contains("approved"));
    let token = world.login(HANDLE).await;
    let (_, active) = world
        .get("/customer/consents?status=ACTIVE", Some(&token))
        .await;
    let consent_id = active[0]["consentIds"][0].as_str().unwrap().to_owned();

    // Pause, resume, revoke (with its confirm step).
    browser
        .click(&format!("a[href='/cm/consents/{consent_id}']"))
        .await
        .unwrap();
    look(&browser, "cm-consent").await;
    browser
        .click("form[action$='/pause'] button")
        .await
        .unwrap();
    assert_eq!(browser.text("main .status").await.unwrap(), "PAUSED");
    browser
        .click("form[action$='/resume'] button")
        .await
        .unwrap();
    assert_eq!(browser.text("main .status").await.unwrap(), "ACTIVE");
    browser.click("a[href$='/revoke']").await.unwrap();
    look(&browser, "cm-revoke-confirm").await;
    browser.click("button.danger").await.unwrap();
    assert_eq!(browser.text("main .status").await.unwrap(), "REVOKED");
    let (_, consent) = world
        .get("/customer/consents?status=ACTIVE", Some(&token))
        .await;
    assert_eq!(consent[0]["artefacts"][0]["status"], "REVOKED");

    // Delink the account, then deregister.
    browser.goto(&cm).await.unwrap();
    browser
        .click("form[action='/cm/accounts/delink'] button")
        .await
        .unwrap();
    assert!(browser.text(".notice").await.unwrap().contains("delinked"));
    let (_, accounts) = world.get("/customer/accounts", Some(&token)).await;
    assert_eq!(accounts, serde_json::json!([]));
    browser.click("a[href='/cm/deregister']").await.unwrap();
    look(&browser, "cm-deregister").await;
    browser.click("button.danger").await.unwrap();
    assert_eq!(browser.text("h1").await.unwrap(), "Deregistered");
    look(&browser, "cm-deregistered").await;
    let (status, _) = world.get("/customer/accounts", Some(&token)).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_redirect_from_the_fiu_is_decided_and_sent_back_sealed() {
    let world = World::start().await;
    let token = world.login(HANDLE).await;
    world.link_all(&token, &["FIP-1"]).await;
    let handle = request_with_purpose(&world, "FIU-1", HANDLE, "Credit line").await;
    let back = fiu_return_page();
    let request = RedirectRequest {
        txnid: uuid::Uuid::new_v4().to_string(),
        sessionid: "fiu-session-7".into(),
        userid: HANDLE.into(),
        redirect: back.clone(),
        srcref: vec![handle.clone()],
    };
    let url = request.to_url(
        &format!("{}/cm/webview", world.aa_url),
        "FIU-1",
        REDIRECT_PASSPHRASE,
        OffsetDateTime::now_utc(),
    );
    let browser = Browser::start().await.expect("headless chromium");
    browser.goto(&url).await.unwrap();
    // Not logged in: the login page, the handle filled in from the request.
    assert!(browser.url().await.unwrap().contains("/cm/login?handle="));
    browser_login(&browser, &world, HANDLE, true).await;
    assert!(browser
        .url()
        .await
        .unwrap()
        .contains("/cm/webview/continue"));
    let card = browser.text("section.card").await.unwrap();
    assert!(card.contains("Credit line"), "{card}");
    look(&browser, "cm-webview").await;
    browser.click("button[value=approve]").await.unwrap();
    browser.find("#back").await.unwrap();
    let returned = browser.url().await.unwrap();
    assert!(returned.starts_with(&back), "{returned}");
    let query = returned.split_once('?').unwrap().1;
    let (aa, response) = RedirectResponse::open(query, OffsetDateTime::now_utc(), |id| {
        (id == "AA-1").then(|| REDIRECT_PASSPHRASE.to_owned())
    })
    .unwrap();
    assert_eq!(aa, "AA-1");
    assert_eq!(response.code, ResponseCode::Success);
    assert_eq!(response.txnid, request.txnid);
    assert_eq!(response.sessionid, "fiu-session-7");
    assert_eq!(response.userid, HANDLE);
    assert_eq!(response.srcref, vec![handle.clone()]);
    let (_, active) = world
        .get("/customer/consents?status=ACTIVE", Some(&token))
        .await;
    assert_eq!(active[0]["consentHandle"], handle.as_str());

    // The same link again: the request is decided, so it is refused.
    browser.goto(&url).await.unwrap();
    let text = browser.text("main").await.unwrap();
    assert!(text.contains("cannot") || text.contains("ACTIVE"), "{text}");
    look(&browser, "cm-webview-error").await;
}

#[tokio::test]
async fn a_stale_or_tampered_redirect_shows_the_error_page_in_the_browser() {
    let world = World::start().await;
    let handle = request_with_purpose(&world, "FIU-1", HANDLE, "Credit line").await;
    let request = RedirectRequest {
        txnid: uuid::Uuid::new_v4().to_string(),
        sessionid: "s".into(),
        userid: HANDLE.into(),
        redirect: "http://127.0.0.1:9/back".into(),
        srcref: vec![handle],
    };
    let base = format!("{}/cm/webview", world.aa_url);
    let stale = request.to_url(
        &base,
        "FIU-1",
        REDIRECT_PASSPHRASE,
        OffsetDateTime::now_utc() - time::Duration::minutes(10),
    );
    let browser = Browser::start().await.expect("headless chromium");
    browser.goto(&stale).await.unwrap();
    assert!(browser
        .text(".error")
        .await
        .unwrap()
        .contains("more than 180 seconds"));
    look(&browser, "cm-webview-stale").await;
    let fresh = request.to_url(
        &base,
        "FIU-1",
        "not-the-passphrase",
        OffsetDateTime::now_utc(),
    );
    browser.goto(&fresh).await.unwrap();
    assert!(browser
        .text(".error")
        .await
        .unwrap()
        .contains("cannot be used"));
}
