//! DIRECT linking (`linking.authenticator: DIRECT`; FIP 2.0.0 YAML, `AccLinkResponse`
//! `AuthenticatorType` and `/Accounts/link/verify`: "in the case of FIP direct authentication,
//! this method will not be used"): `POST /Accounts/link` answers `DIRECT` and sends no OTP; the
//! customer confirms with the bank (`POST /bank/link-requests/{refNumber}/confirm`), and the AA
//! is told of each link with `POST /Account/link/Notification` (`LINKED`, the AA 2.0.0 YAML:
//! "notifications to AA in case of direct authentication method of account linking").

use serde_json::Value;

use crate::helpers::{assert_error, link_body, verify_body, Options, TestApp, BANK_TOKEN, HANDLE};
use crate::snapshot::snapshot;

async fn confirm(app: &TestApp, ref_number: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!(
            "{}/bank/link-requests/{ref_number}/confirm",
            app.url
        ))
        .header("authorization", format!("Bearer {BANK_TOKEN}"))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[actix_web::test]
async fn direct_linking_is_confirmed_by_the_customer_at_the_bank_and_notified_to_the_aa() {
    let app = TestApp::spawn_with(Options {
        direct_linking: true,
        ..Options::default()
    })
    .await;
    let accounts = app.discover().await;
    let answer = app
        .post("/Accounts/link", &link_body(HANDLE, &accounts))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["AuthenticatorType"], "DIRECT");
    let ref_number = answer.body["RefNumber"].as_str().unwrap().to_owned();
    // No OTP was made.
    let (status, _) = app.get(&format!("/sandbox/otp/{ref_number}")).await;
    assert_eq!(status, 404);

    // The AA cannot complete it with a token; nothing changes.
    let before = snapshot(&app).await;
    let body = verify_body(&ref_number, "123456");
    let answer = app.post("/Accounts/link/verify", &body).await;
    assert_error(&answer, 400, "InvalidRequest", Some(&body));
    assert_eq!(
        snapshot(&app).await,
        before,
        "a refused verify changed something"
    );

    // The customer confirms at the bank: every account linked, the AA told of each.
    let (status, confirmed) = confirm(&app, &ref_number).await;
    assert_eq!(status, 200, "{confirmed}");
    assert_eq!(confirmed["notified"], true);
    let links = confirmed["links"].as_array().unwrap().clone();
    assert_eq!(links.len(), accounts.len());
    app.wait_for_aa(|inbox| inbox.notifications.len() == links.len())
        .await;
    let inbox = app.aa_inbox.lock().unwrap().notifications.clone();
    for link in &links {
        let told = inbox
            .iter()
            .find(|n| n["AccountLinkStatusNotification"]["linkRefNumber"] == link["linkRefNumber"])
            .unwrap_or_else(|| panic!("no notification of {link}"));
        let status = &told["AccountLinkStatusNotification"];
        assert_eq!(status["linkStatus"], "LINKED");
        assert_eq!(status["customerAddress"], HANDLE);
        assert_eq!(status["accRefNumber"], link["accRefNumber"]);
        assert_eq!(told["Notifier"]["type"], "FIP");
        assert_eq!(told["Notifier"]["id"], "FIP-1");
    }

    // Confirming again answers the same links and tells no one.
    let (status, again) = confirm(&app, &ref_number).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["notified"], false);
    assert_eq!(again["links"], confirmed["links"]);
    let (status, _) = confirm(&app, &uuid::Uuid::new_v4().to_string()).await;
    assert_eq!(status, 404);
}

#[actix_web::test]
async fn a_token_link_request_is_not_confirmed_at_the_bank() {
    let app = TestApp::spawn().await;
    let accounts = app.discover().await;
    let ref_number = app.start_link(&accounts).await;
    let (status, _) = confirm(&app, &ref_number).await;
    assert_eq!(status, 404);
}
