//! The consent manager over plain HTTP: pages need a log-in, forms need their CSRF token,
//! hostile text is escaped, and redirection links that are wrong, stale or tampered with get a
//! 400 page naming what is wrong (never the passphrase).

use aa_core::redirection::RedirectRequest;
use time::OffsetDateTime;

use crate::helpers::{World, HANDLE, REDIRECT_PASSPHRASE};
use crate::pages_support::{csrf_of, request_with_purpose, PageClient};

#[tokio::test]
async fn pages_without_a_session_send_the_browser_to_the_login_page() {
    let world = World::start().await;
    let mut client = PageClient::new(&world);
    for path in ["/cm", "/cm/fips", "/cm/consents/some-id", "/cm/deregister"] {
        let page = client.get(path).await;
        assert_eq!(page.status, 303, "{path}");
        assert!(
            page.location.starts_with("/cm/login?next=%2Fcm"),
            "{path}: {}",
            page.location
        );
    }
    let login = client.get("/cm/login?next=%2Fcm%2Ffips").await;
    assert_eq!(login.status, 200);
    assert!(login.body.contains("value=\"/cm/fips\""));
    // Another site is never a place to come back to.
    let login = client
        .get("/cm/login?next=https%3A%2F%2Fevil.example")
        .await;
    assert!(login.body.contains("name=\"next\" value=\"/cm\""));
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_are_refused_and_change_nothing() {
    let world = World::start().await;
    let mut client = PageClient::new(&world);
    // Even the login form.
    let page = client.post("/cm/login", &[("handle", HANDLE)]).await;
    assert_eq!(page.status, 403, "{}", page.body);
    client.login(&world, HANDLE).await;
    let handle = request_with_purpose(&world, "FIU-1", HANDLE, "Loan underwriting").await;
    let path = format!("/cm/requests/{handle}/reject");
    let missing = client.post(&path, &[]).await;
    assert_eq!(missing.status, 403, "{}", missing.body);
    assert!(missing.body.contains("did not come from this site"));
    let wrong = "0".repeat(64);
    let forged = client.post(&path, &[("csrf", &wrong)]).await;
    assert_eq!(forged.status, 403);
    let token = world.login(HANDLE).await;
    let (_, pending) = world
        .get("/customer/consents?status=PENDING", Some(&token))
        .await;
    assert_eq!(pending[0]["consentHandle"], handle.as_str(), "{pending}");
    // With the token, the same form works.
    let csrf = client.csrf();
    let done = client.post(&path, &[("csrf", &csrf)]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location, "/cm?done=rejected");
    let (_, pending) = world
        .get("/customer/consents?status=PENDING", Some(&token))
        .await;
    assert_eq!(pending, serde_json::json!([]));
}

#[tokio::test]
async fn hostile_text_from_an_fiu_is_shown_escaped() {
    let world = World::start().await;
    let mut client = PageClient::new(&world);
    client.login(&world, HANDLE).await;
    let hostile = "<script>alert('x')</script><img src=x onerror=alert(1)>";
    let handle = request_with_purpose(&world, "FIU-1", HANDLE, hostile).await;
    for path in ["/cm".to_owned(), format!("/cm/requests/{handle}")] {
        let page = client.get(&path).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(!page.body.contains("<script>"), "{path}");
        assert!(!page.body.contains("<img"), "{path}");
        assert!(
            page.body
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x"),
            "{path}"
        );
    }
    let csrf = csrf_of(&client.get("/cm").await.body);
    assert_eq!(csrf, client.csrf());
}

fn link(world: &World, handle: &str, redirect: &str, at: OffsetDateTime) -> String {
    RedirectRequest {
        txnid: uuid::Uuid::new_v4().to_string(),
        sessionid: "fiu-session-1".into(),
        userid: HANDLE.into(),
        redirect: redirect.into(),
        srcref: vec![handle.into()],
    }
    .to_url(
        &format!("{}/cm/webview", world.aa_url),
        "FIU-1",
        REDIRECT_PASSPHRASE,
        at,
    )
}

#[tokio::test]
async fn wrong_stale_or_tampered_redirection_links_get_a_400_page() {
    let world = World::start().await;
    let handle = request_with_purpose(&world, "FIU-1", HANDLE, "Loan underwriting").await;
    let mut client = PageClient::new(&world);
    let path_of = |url: &str| url.trim_start_matches(&world.aa_url).to_owned();
    let now = OffsetDateTime::now_utc();

    let good = client
        .get(&path_of(&link(
            &world,
            &handle,
            "http://127.0.0.1:9/back",
            now,
        )))
        .await;
    assert_eq!(good.status, 303, "{}", good.body);
    assert!(good.location.starts_with("/cm/webview/continue?q="));

    let stale = link(
        &world,
        &handle,
        "http://127.0.0.1:9/back",
        now - time::Duration::minutes(10),
    );
    let page = client.get(&path_of(&stale)).await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("more than 180 seconds"), "{}", page.body);

    let good_url = link(&world, &handle, "http://127.0.0.1:9/back", now);
    let ecreq = crate::pages_support::query_value(&good_url, "ecreq");
    let mut bytes = ecreq.into_bytes();
    bytes.reverse();
    let tampered = format!(
        "/cm/webview?fi={}&reqdate={}&ecreq={}",
        form_urlencoded::byte_serialize(
            crate::pages_support::query_value(&good_url, "fi").as_bytes()
        )
        .collect::<String>(),
        crate::pages_support::query_value(&good_url, "reqdate"),
        String::from_utf8(bytes).unwrap()
    );
    let page = client.get(&tampered).await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("cannot be used"), "{}", page.body);
    assert!(!page.body.contains(REDIRECT_PASSPHRASE));

    let missing = client.get("/cm/webview?fi=x").await;
    assert_eq!(missing.status, 400);
    assert!(missing.body.contains("reqdate parameter is missing"));

    let javascript = client
        .get(&path_of(&link(&world, &handle, "javascript:alert(1)", now)))
        .await;
    assert_eq!(javascript.status, 400);
    assert!(javascript.body.contains("not an http or https URL"));

    let unknown = client
        .get(&path_of(&link(
            &world,
            "no-such-handle",
            "http://127.0.0.1:9/back",
            now,
        )))
        .await;
    assert_eq!(unknown.status, 400);
    assert!(unknown.body.contains("srcref"));

    // FIU-2 shares no passphrase with this AA.
    let other = RedirectRequest {
        txnid: "t".into(),
        sessionid: "s".into(),
        userid: HANDLE.into(),
        redirect: "http://127.0.0.1:9/back".into(),
        srcref: vec![handle.clone()],
    }
    .to_url("/cm/webview", "FIU-2", REDIRECT_PASSPHRASE, now);
    let page = client.get(&other).await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("FIU-2 is not known"), "{}", page.body);
}
