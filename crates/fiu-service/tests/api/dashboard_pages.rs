//! The FIU's dashboard over plain HTTP: pages need a log-in with the app token, forms need
//! their CSRF token, hostile values are escaped, and the CSV export holds the filtered
//! transactions, quoted.

use crate::dashboard_support::{complete, csrf_of, encode, PageClient};
use crate::fi_flow::{active_consent, only_request};
use crate::helpers::{spawn, spawn_with, Options, TestApp, CUSTOMER, TOKEN};

const HOSTILE: &str = "<script>alert('x')</script><img src=x onerror=alert(1)>";

async fn logged_in(app: &TestApp) -> PageClient {
    let mut client = PageClient::new(app);
    let done = client.login_with(TOKEN).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location, "/dashboard");
    client
}

#[tokio::test]
async fn pages_without_a_session_send_the_browser_to_the_login_page() {
    let app = spawn().await;
    let mut client = PageClient::new(&app);
    for path in [
        "/dashboard",
        "/dashboard/consents/new",
        "/dashboard/consents/some-handle",
        "/dashboard/data-requests/some-id?type=DEBIT",
        "/dashboard/data-requests/some-id/export.csv",
    ] {
        let page = client.get(path).await;
        assert_eq!(page.status, 303, "{path}");
        assert_eq!(
            page.location,
            format!("/dashboard/login?next={}", encode(path)),
            "{path}"
        );
    }
    let login = client
        .get("/dashboard/login?next=%2Fdashboard%2Fconsents%2Fnew")
        .await;
    assert_eq!(login.status, 200);
    assert!(login
        .body
        .contains("name=\"next\" value=\"/dashboard/consents/new\""));
    let login = client
        .get("/dashboard/login?next=https%3A%2F%2Fevil.example")
        .await;
    assert!(login.body.contains("name=\"next\" value=\"/dashboard\""));

    // A wrong token: the form again, no session.
    let wrong = client.login_with("not-the-token").await;
    assert_eq!(wrong.status, 401, "{}", wrong.body);
    assert!(wrong.body.contains("not the app API token"));
    assert!(!client.cookies.contains_key("fiu_dash_session"));
    // A forged session cookie is no session.
    client.cookies.insert(
        "fiu_dash_session".into(),
        format!("99999999999999.{}", "0".repeat(96)),
    );
    assert_eq!(client.get("/dashboard").await.status, 303);

    // The right token: an HttpOnly, SameSite=Lax cookie (not Secure: local.yaml's
    // dashboard.secure_cookies is false), then the page.
    let done = client.login_with(TOKEN).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let set: Vec<_> = done
        .headers
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let session = set
        .iter()
        .find(|c| c.starts_with("fiu_dash_session="))
        .unwrap();
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    assert!(!session.contains("Secure"), "{session}");
    assert!(!session.contains(TOKEN), "the cookie is not the token");
    let home = client.get("/dashboard").await;
    assert_eq!(home.status, 200, "{}", home.body);
    assert!(home.body.contains("<h1>Consent requests</h1>"));
    assert_eq!(home.headers["cache-control"], "no-store");
    assert!(home.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'self'"));

    // Log out: the cookie goes, the pages ask for the log-in again.
    let csrf = client.csrf();
    let out = client.post("/dashboard/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, 303);
    assert_eq!(out.location, "/dashboard/login?done=logged-out");
    assert!(!client.cookies.contains_key("fiu_dash_session"));
    assert_eq!(client.get("/dashboard").await.status, 303);
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_are_refused_and_change_nothing() {
    let app = spawn().await;
    let mut client = PageClient::new(&app);
    // Even the login form.
    let page = client
        .post(
            "/dashboard/login",
            &[("token", TOKEN), ("next", "/dashboard")],
        )
        .await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(!client.cookies.contains_key("fiu_dash_session"));

    let mut client = logged_in(&app).await;
    let form = [
        ("template", "loan-underwriting"),
        ("customer", CUSTOMER),
        ("aa", "AA-1"),
    ];
    let missing = client.post("/dashboard/consents", &form).await;
    assert_eq!(missing.status, 403, "{}", missing.body);
    assert!(missing.body.contains("did not come from this site"));
    let wrong = "0".repeat(64);
    let mut forged = form.to_vec();
    forged.push(("csrf", &wrong));
    assert_eq!(
        client.post("/dashboard/consents", &forged).await.status,
        403
    );
    assert!(app.store.consent_requests(10).await.unwrap().is_empty());
    assert_eq!(app.aa.requests().len(), 0);

    // With the token, the same form makes the request (the app API's function) and shows it.
    let page = client.get("/dashboard/consents/new").await;
    let csrf = csrf_of(&page.body);
    let mut good = form.to_vec();
    good.push(("csrf", &csrf));
    let done = client.post("/dashboard/consents", &good).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let stored = app.store.consent_requests(10).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].customer, CUSTOMER);
    assert_eq!(
        done.location,
        format!(
            "/dashboard/consents/{}?done=created",
            encode(&stored[0].handle)
        )
    );
    let shown = client.get(&done.location).await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert!(shown.body.contains("consent request was sent"));

    // A data request without the token: refused, none made.
    let path = format!(
        "/dashboard/consents/{}/data-requests",
        encode(&stored[0].handle)
    );
    assert_eq!(client.post(&path, &[]).await.status, 403);
    assert!(app
        .store
        .data_requests(&stored[0].handle)
        .await
        .unwrap()
        .is_empty());
    // With it, but no ACTIVE artefact yet: the app API's 409, as a page.
    let refused = client.post(&path, &[("csrf", &csrf)]).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(refused.body.contains("no ACTIVE, verified artefact"));
}

#[tokio::test]
async fn hostile_values_are_shown_escaped() {
    let app = spawn_with(Options {
        auto_request: true,
        ..Options::default()
    })
    .await;
    let mut client = logged_in(&app).await;
    // A hostile customer handle, as a lender's form might be sent.
    let customer = format!("{}@AA-1", HOSTILE.replace(' ', ""));
    let page = client.get("/dashboard/consents/new").await;
    let csrf = csrf_of(&page.body);
    let done = client
        .post(
            "/dashboard/consents",
            &[
                ("csrf", &csrf),
                ("template", "loan-underwriting"),
                ("customer", &customer),
                ("aa", "AA-1"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let hostile_customer = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img";
    for path in ["/dashboard".to_owned(), done.location.clone()] {
        let page = client.get(&path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(!page.body.contains("<script>"), "{path}");
        assert!(!page.body.contains("<img"), "{path}");
        assert!(
            page.body.contains(hostile_customer),
            "{path}: {}",
            page.body
        );
    }

    // A hostile narration from the FIP, on the data-request page.
    let (handle, ids) =
        active_consent(&app, &[("FIP-1", &[("link-1", "XXXXXXXX1111", "DEPOSIT")])]).await;
    app.aa.wait_fi_request(&ids[0]).await;
    let request_id = only_request(&app, &handle).await;
    complete(&app, &request_id, &ids[0], HOSTILE).await;
    let page = client
        .get(&format!("/dashboard/data-requests/{request_id}"))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(!page.body.contains("<script>"));
    assert!(!page.body.contains("<img"));
    assert!(page.body.contains(
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
    ));
    // And a hostile id in a path: a 404 page that shows it escaped.
    let missing = client.get("/dashboard/consents/%3Cb%3Ex%3C%2Fb%3E").await;
    assert_eq!(missing.status, 404, "{}", missing.body);
    assert!(missing.body.contains("&lt;b&gt;x&lt;/b&gt;"));
    assert!(!missing.body.contains("<b>x"));
}

#[tokio::test]
async fn the_csv_export_holds_the_filtered_transactions_quoted() {
    let app = spawn_with(Options {
        auto_request: true,
        ..Options::default()
    })
    .await;
    let (handle, ids) =
        active_consent(&app, &[("FIP-1", &[("link-1", "XXXXXXXX1111", "DEPOSIT")])]).await;
    app.aa.wait_fi_request(&ids[0]).await;
    let request_id = only_request(&app, &handle).await;
    let narration = "Tea, \"biscuits\" & =cake";
    complete(&app, &request_id, &ids[0], narration).await;
    let mut client = logged_in(&app).await;
    let path = format!("/dashboard/data-requests/{request_id}/export.csv");

    let all = client.get(&path).await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert_eq!(all.headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        all.headers["content-disposition"],
        format!("attachment; filename=\"data-request-{request_id}.csv\"").as_str()
    );
    let lines: Vec<&str> = all.body.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "fipId,maskedAccNumber,linkRefNumber,txnId,type,mode,amount,currentBalance,\
         transactionTimestamp,valueDate,narration,reference"
    );
    assert_eq!(
        lines[1],
        "FIP-1,XXXXXXXX1111,link-1,T1,DEBIT,UPI,250.00,101.50,2025-01-05T10:11:12+05:30,\
         2025-01-05,\"Tea, \"\"biscuits\"\" & =cake\",RRN0001"
    );
    assert!(lines[2].starts_with("FIP-1,XXXXXXXX1111,link-1,T2,CREDIT,FT,1000.00,"));
    assert_eq!(lines[3], "", "one line per transaction, then the end");
    assert_eq!(lines.len(), 4);

    // Filtered as the page is: credits of 500 or more, only T2; from a later date, none.
    let credits = client.get(&format!("{path}?type=CREDIT&min=500")).await;
    let lines: Vec<&str> = credits.body.split("\r\n").collect();
    assert_eq!(lines.len(), 3, "{}", credits.body);
    assert!(lines[1].contains(",T2,CREDIT,"));
    let later = client.get(&format!("{path}?from=2025-02-01")).await;
    assert_eq!(later.body.split("\r\n").count(), 2, "{}", later.body);
    let bad = client.get(&format!("{path}?min=lots")).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("min amount must be a number"));

    // The page links to the export with its filters, and the JSON export is the app API's.
    let page = client
        .get(&format!("/dashboard/data-requests/{request_id}?type=DEBIT"))
        .await;
    assert!(
        page.body.contains(&format!("href=\"{path}?type=DEBIT\"")),
        "{}",
        page.body
    );
    assert!(page.body.contains("1 of 2 shown"));
    let json = client
        .get(&format!(
            "/dashboard/data-requests/{request_id}/export.json"
        ))
        .await;
    assert_eq!(json.status, 200);
    assert!(json.headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    let exported: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(exported, app.data_request(&request_id).await);
}

#[tokio::test]
async fn a_data_request_shows_when_its_data_will_be_purged_and_that_it_was() {
    let app = spawn_with(Options {
        auto_request: true,
        manual_clock: true,
        ..Options::default()
    })
    .await;
    let (handle, ids) =
        active_consent(&app, &[("FIP-1", &[("link-1", "XXXXXXXX1111", "DEPOSIT")])]).await;
    app.aa.wait_fi_request(&ids[0]).await;
    let request_id = only_request(&app, &handle).await;
    complete(&app, &request_id, &ids[0], "SHOP").await;
    let mut client = logged_in(&app).await;
    let path = format!("/dashboard/data-requests/{request_id}");
    let before = client.get(&path).await;
    assert_eq!(before.status, 200, "{}", before.body);
    let keep_until = app.data_request(&request_id).await["fips"][0]["keepUntil"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        before
            .body
            .contains(&format!("will be purged at {keep_until}")),
        "{}",
        before.body
    );
    assert!(before.body.contains("SALARY JAN"));

    let purged = app
        .sweep_at(time::OffsetDateTime::now_utc() + time::Duration::days(400))
        .await;
    assert_eq!(purged, 1);
    // 400 days on, the log-in (8 hours) has expired too.
    assert_eq!(client.get(&path).await.status, 303);
    let mut client = logged_in(&app).await;
    let after = client.get(&path).await;
    assert_eq!(after.status, 200, "{}", after.body);
    assert!(after.body.contains("Purged at"), "{}", after.body);
    assert!(after.body.contains("Its accounts are gone"));
    assert!(after
        .body
        .contains("the data of this request was purged at"));
    assert!(!after.body.contains("SALARY JAN"));
    let csv = client.get(&format!("{path}/export.csv")).await;
    assert_eq!(
        csv.body.split("\r\n").count(),
        2,
        "the header only: {}",
        csv.body
    );
}
