//! The FIU's dashboard in headless Chromium, by clicking: log in with the app token, create a
//! consent request from a template, open it, start a data request once the customer approved
//! (the fake AA and a signed notification), and read the completed request's decrypted
//! account: holders, summary, the balance chart and the transactions, filtered. Each page is
//! screenshotted (`target/screenshots/fiu-*.png`) and checked with axe-core.

use aa_testkit::browser::Browser;

use crate::dashboard_support::complete;
use crate::fi_flow::NARRATION;
use crate::helpers::{notification, spawn, CUSTOMER, TOKEN};

async fn look(browser: &Browser, name: &str) {
    browser.screenshot(name).await.unwrap();
    let violations = browser.axe().await.unwrap();
    assert!(violations.is_empty(), "{name}: {violations:?}");
}

#[tokio::test]
async fn a_lender_logs_in_asks_for_consent_and_reads_the_decrypted_accounts() {
    let app = spawn().await;
    let browser = Browser::start().await.expect("headless chromium");
    let dashboard = format!("{}/dashboard", app.address);

    browser.goto(&dashboard).await.unwrap();
    assert!(browser
        .url()
        .await
        .unwrap()
        .contains("/dashboard/login?next="));
    look(&browser, "fiu-login").await;
    browser.fill("#token", "wrong").await.unwrap();
    browser.click("main button[type=submit]").await.unwrap();
    assert!(browser
        .text(".error")
        .await
        .unwrap()
        .contains("not the app API token"));
    browser.fill("#token", TOKEN).await.unwrap();
    browser.click("main button[type=submit]").await.unwrap();
    assert_eq!(browser.text("h1").await.unwrap(), "Consent requests");
    look(&browser, "fiu-home-empty").await;

    // A consent request from a template.
    browser
        .click("main a[href='/dashboard/consents/new']")
        .await
        .unwrap();
    browser.click("input[value='income-check']").await.unwrap();
    browser.fill("#customer", CUSTOMER).await.unwrap();
    look(&browser, "fiu-new-request").await;
    browser.click("main button[type=submit]").await.unwrap();
    assert!(browser.text(".notice").await.unwrap().contains("was sent"));
    let facts = browser.text("dl.facts").await.unwrap();
    assert!(
        facts.contains("income-check") && facts.contains(CUSTOMER),
        "{facts}"
    );
    assert_eq!(browser.text("dl.facts .status").await.unwrap(), "PENDING");
    look(&browser, "fiu-consent-pending").await;
    let stored = app.store.consent_requests(10).await.unwrap();
    assert_eq!(stored.len(), 1);
    let handle = stored[0].handle.clone();
    assert_eq!(stored[0].template, "income-check");
    let (_, sent) = app.aa.requests().pop().unwrap();
    assert_eq!(sent.consent_detail.customer.id.as_deref(), Some(CUSTOMER));

    // The customer approves at the AA; the AA notifies; the artefact is fetched and verified.
    let consent_id = app
        .aa
        .approve_for(&handle, "FIP-1", &[("link-1", "XXXXXXXX1111", "DEPOSIT")]);
    let answer = app
        .notify(&notification(Some(&handle), Some(&consent_id), "ACTIVE"))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let artefact = app.wait_fetched(&handle, &consent_id).await;
    assert_eq!(artefact["fetch"], "VERIFIED", "{artefact}");

    // The list shows it; its page shows the artefact; a click starts a data request.
    browser.goto(&dashboard).await.unwrap();
    assert!(browser.text("tbody").await.unwrap().contains("ACTIVE"));
    look(&browser, "fiu-home").await;
    browser
        .click(&format!("a[href='/dashboard/consents/{handle}']"))
        .await
        .unwrap();
    let artefacts = browser.text("main table").await.unwrap();
    assert!(
        artefacts.contains(&consent_id) && artefacts.contains("VERIFIED"),
        "{artefacts}"
    );
    look(&browser, "fiu-consent-active").await;
    browser
        .click("form[action$='/data-requests'] button")
        .await
        .unwrap();
    assert!(browser
        .text(".notice")
        .await
        .unwrap()
        .contains("data request is queued"));
    let url = browser.url().await.unwrap();
    let request_id = url
        .split("/dashboard/data-requests/")
        .nth(1)
        .and_then(|rest| rest.split('?').next())
        .unwrap()
        .to_owned();
    look(&browser, "fiu-data-request-pending").await;

    // The FIP's data arrives; the page shows it decrypted.
    complete(&app, &request_id, &consent_id, NARRATION).await;
    browser
        .goto(&format!("{dashboard}/data-requests/{request_id}"))
        .await
        .unwrap();
    let account = browser.text("section.account").await.unwrap();
    assert!(account.contains("DEPOSIT XXXXXXXX1111"), "{account}");
    assert!(
        account.contains("Asha Rao") && account.contains("ABCDE1234F"),
        "{account}"
    );
    assert!(
        account.contains("SAVINGS") && account.contains("101.50"),
        "{account}"
    );
    assert!(
        account.contains("SALARY JAN") && account.contains(NARRATION),
        "{account}"
    );
    assert!(account.contains("2 of 2 shown"), "{account}");
    browser.find("svg.chart polyline").await.unwrap();
    assert!(browser
        .text(".retention")
        .await
        .unwrap()
        .contains("will be purged at"));
    look(&browser, "fiu-data-request").await;

    // Filters: credits of 500 or more.
    browser.fill("#min", "500").await.unwrap();
    browser
        .click("form.filters button[type=submit]")
        .await
        .unwrap();
    assert!(browser.url().await.unwrap().contains("min=500"));
    let table = browser.text("section.account table").await.unwrap();
    assert!(
        table.contains("1 of 2 shown") && table.contains("SALARY JAN"),
        "{table}"
    );
    assert!(!table.contains(NARRATION), "{table}");
    look(&browser, "fiu-data-request-filtered").await;

    // Log out: the dashboard asks for the log-in again.
    browser.click("header button[type=submit]").await.unwrap();
    assert!(browser.url().await.unwrap().contains("/dashboard/login"));
    browser.goto(&dashboard).await.unwrap();
    assert!(browser
        .url()
        .await
        .unwrap()
        .contains("/dashboard/login?next="));
}
