//! The whole loop as people live it, in headless Chromium over the real binaries: the lender
//! asks for consent and gets the AA's redirection link (`POST /app/consents`, Sahamati
//! redirection); the customer's browser follows it to the AA's consent manager, logs in with
//! the OTP, sees the request and approves it; the AA sends the browser back sealed to the FIU's
//! `/redirect/return`, which tells the customer the outcome; the FIU then holds the artefacts
//! and fetches and decrypts the data. Each page is screenshotted (`loop-*.png`) and checked
//! with axe-core.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aa_e2e::walk::{completed_data_request, login_and_link, ok, s, HANDLE};
use aa_e2e::{Local, Storage, FIU_APP_TOKEN};
use aa_testkit::browser::Browser;
use serde_json::json;

async fn look(browser: &Browser, name: &str) {
    browser.screenshot(name).await.unwrap();
    let violations = browser.axe().await.unwrap();
    assert!(violations.is_empty(), "{name}: {violations:?}");
}

/// Waits (up to 15 s) until the browser is on a page whose URL starts with `prefix`.
async fn arrive(browser: &Browser, prefix: &str) {
    for _ in 0..150 {
        if browser.url().await.unwrap().starts_with(prefix) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!(
        "the browser is at {}, not {prefix}",
        browser.url().await.unwrap()
    );
}

fn query_value(url: &str, name: &str) -> String {
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} in {url}"))
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_customer_follows_the_lenders_link_approves_and_the_lender_gets_the_data() {
    let local = Local::start(Storage::Sqlite).await;
    let aa = local.service("aa-service").base_url.clone();
    let fiu = local.service("fiu-service").base_url.clone();
    // The customer's accounts at both banks, linked earlier (the AA's own browser test links
    // by clicking).
    login_and_link(&local).await;

    // The lender asks for consent and gets the link to the customer's AA.
    let created = ok(
        &local,
        "POST",
        &format!("{fiu}/app/consents"),
        Some(FIU_APP_TOKEN),
        Some(json!({"customer": HANDLE, "template": "loan-underwriting"})),
    )
    .await;
    let handle = s(&created["consentHandle"]);
    let link = s(&created["redirectUrl"]);
    assert!(link.starts_with(&format!("{aa}/cm/webview?")), "{link}");

    // The customer's browser: the AA's log-in, the OTP, the request, Approve.
    let browser = Browser::start().await.expect("headless chromium");
    browser.goto(&link).await.unwrap();
    browser.find("#handle").await.unwrap();
    look(&browser, "loop-aa-login").await;
    browser.click("button[type=submit]").await.unwrap();
    browser.find("#otp").await.unwrap();
    let otp_ref = query_value(&browser.url().await.unwrap(), "ref");
    let sent = ok(
        &local,
        "GET",
        &format!("{aa}/sandbox/otp/{otp_ref}"),
        None,
        None,
    )
    .await;
    browser.fill("#otp", &s(&sent["otp"])).await.unwrap();
    browser.click("main button[type=submit]").await.unwrap();
    arrive(&browser, &format!("{aa}/cm/webview/continue")).await;
    browser.find("button[value=approve]").await.unwrap();
    let card = browser.text("section.card").await.unwrap();
    assert!(
        card.contains("FIU-1") || card.contains("Demo Lender"),
        "{card}"
    );
    look(&browser, "loop-aa-request").await;
    browser.click("button[value=approve]").await.unwrap();

    // Back at the lender, which checked the sealed answer and says so.
    arrive(&browser, &format!("{fiu}/redirect/return?")).await;
    let back = browser.text("main").await.unwrap();
    assert!(back.contains("You approved the request"), "{back}");
    look(&browser, "loop-fiu-return").await;
    let consent = ok(
        &local,
        "GET",
        &format!("{fiu}/app/consents/{handle}"),
        Some(FIU_APP_TOKEN),
        None,
    )
    .await;
    assert_eq!(consent["redirect"]["outcome"], "approved", "{consent}");

    // The lender holds the data of both banks, decrypted.
    let data = completed_data_request(&local, &handle).await;
    let fips: Vec<String> = data["fips"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "COMPLETED")
        .map(|f| s(&f["fipId"]))
        .collect();
    assert_eq!(fips.len(), 2, "{data}");
}
