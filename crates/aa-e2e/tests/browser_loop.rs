//! The whole loop as people live it, in headless Chromium over the real binaries: the lender
//! logs in to the FIU's dashboard and asks for consent from a template; the dashboard sends the
//! browser to the customer's AA (Sahamati redirection); the customer logs in with the OTP, sees
//! the request, links their accounts at both banks with each bank's OTP, and approves it; the AA sends the browser back sealed to the FIU's
//! `/redirect/return`, which checks it and goes on to the consent's dashboard page; the FIU
//! fetches and decrypts the data of both banks and the dashboard shows it. Each page is
//! screenshotted (`loop-*.png`) and checked with axe-core. Each role's ReBIT API page and
//! document are read at the end.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aa_e2e::walk::{completed_data_request, ok, s, HANDLE};
use aa_e2e::{Local, Storage, FIU_APP_TOKEN};
use aa_testkit::browser::Browser;

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
async fn the_lender_asks_the_customer_links_and_approves_at_the_aa_and_the_dashboard_shows_the_data(
) {
    let local = Local::start(Storage::Sqlite).await;
    let aa = local.service("aa-service").base_url.clone();
    let fiu = local.service("fiu-service").base_url.clone();
    let browser = Browser::start().await.expect("headless chromium");

    // The lender logs in to its dashboard and asks for consent from a template.
    browser.goto(&format!("{fiu}/dashboard")).await.unwrap();
    browser.fill("#token", FIU_APP_TOKEN).await.unwrap();
    browser.click("main button[type=submit]").await.unwrap();
    browser
        .click("main a[href='/dashboard/consents/new']")
        .await
        .unwrap();
    browser
        .click("input[value='loan-underwriting']")
        .await
        .unwrap();
    browser.fill("#customer", HANDLE).await.unwrap();
    browser.click("main button[type=submit]").await.unwrap();
    arrive(&browser, &format!("{fiu}/dashboard/consents/")).await;
    let page_url = browser.url().await.unwrap();
    let handle = page_url
        .trim_start_matches(&format!("{fiu}/dashboard/consents/"))
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    look(&browser, "loop-fiu-pending").await;

    // The link to the customer's AA: its log-in, the OTP, the request, Approve.
    browser
        .click("form[action$='/redirect'] button")
        .await
        .unwrap();
    arrive(&browser, &format!("{aa}/cm/login")).await;
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
    let card = browser.text("section.card").await.unwrap();
    assert!(card.contains("Demo Lender"), "{card}");
    assert!(card.contains("None of your linked accounts"), "{card}");
    let decision = browser.url().await.unwrap();

    // No account linked yet: the customer links theirs at both banks with each bank's OTP, then
    // goes back to the request.
    for fip in ["FIP-1", "FIP-2"] {
        browser.goto(&format!("{aa}/cm/fips")).await.unwrap();
        browser
            .click(&format!("input[value='{fip}']"))
            .await
            .unwrap();
        browser.click("main button[type=submit]").await.unwrap();
        arrive(&browser, &format!("{aa}/cm/fips/")).await;
        browser.click("main button[type=submit]").await.unwrap();
        browser.find("#otp").await.unwrap();
        if fip == "FIP-1" {
            look(&browser, "loop-aa-link-otp").await;
        }
        let at = browser.url().await.unwrap();
        let ref_number = at.rsplit('/').next().unwrap().split('?').next().unwrap();
        let bank = local.party(fip).base_url.clone();
        let sent = ok(
            &local,
            "GET",
            &format!("{bank}/sandbox/otp/{ref_number}"),
            None,
            None,
        )
        .await;
        browser.fill("#otp", &s(&sent["otp"])).await.unwrap();
        browser.click("main button[type=submit]").await.unwrap();
        arrive(&browser, &format!("{aa}/cm?done=linked")).await;
    }
    browser.goto(&decision).await.unwrap();
    browser.find("button[value=approve]").await.unwrap();
    look(&browser, "loop-aa-request").await;
    browser.click("button[value=approve]").await.unwrap();

    // Back on the lender's page for that consent, through its checked return.
    arrive(&browser, &format!("{fiu}/dashboard/consents/{handle}")).await;
    assert!(browser.url().await.unwrap().contains("outcome=approved"));
    let consent = ok(
        &local,
        "GET",
        &format!("{fiu}/app/consents/{handle}"),
        Some(FIU_APP_TOKEN),
        None,
    )
    .await;
    assert_eq!(consent["redirect"]["outcome"], "approved", "{consent}");

    // The data of both banks, decrypted, on the dashboard.
    let data = completed_data_request(&local, &handle).await;
    let request_id = s(&data["requestId"]);
    browser
        .goto(&format!("{fiu}/dashboard/data-requests/{request_id}"))
        .await
        .unwrap();
    let accounts = browser.text("main").await.unwrap();
    for fip in ["FIP-1", "FIP-2"] {
        assert!(accounts.contains(fip), "{fip}: {accounts}");
    }
    browser.find("section.account table").await.unwrap();
    browser.find("svg.chart polyline").await.unwrap();
    look(&browser, "loop-fiu-data").await;

    // Each role publishes the ReBIT file it holds requests to, and a page of it.
    browser.goto(&format!("{aa}/api")).await.unwrap();
    assert!(browser
        .text("main")
        .await
        .unwrap()
        .contains("POST /Consent/handle"));
    look(&browser, "api-aa").await;
    let fip = local.party("FIP-1").base_url.clone();
    for (base, path) in [
        (&aa, "/FI/request"),
        (&fip, "/Accounts/discover"),
        (&fiu, "/FI/Notification"),
    ] {
        let spec = ok(
            &local,
            "GET",
            &format!("{base}/openapi/rebit.json"),
            None,
            None,
        )
        .await;
        assert_eq!(spec["swagger"], "2.0");
        assert!(spec["paths"].get(path).is_some(), "{base} {path}");
    }
}
