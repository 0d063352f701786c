//! The lender's app API: bearer token, templates, creating a consent request (which the FIU
//! sends to the customer's AA as a signed ReBIT `POST /Consent`), reading it back.

use serde_json::json;

use crate::helpers::{spawn, CUSTOMER, TOKEN};

#[tokio::test]
async fn every_app_call_needs_the_bearer_token() {
    let app = spawn().await;
    let calls = [
        ("GET", "/app/templates", None),
        ("GET", "/app/consents", None),
        ("GET", "/app/consents/some-handle", None),
        (
            "POST",
            "/app/consents",
            Some(json!({"customer": CUSTOMER, "template": "wealth-monthly"})),
        ),
    ];
    for (method, path, body) in calls {
        for token in [None, Some("wrong-token"), Some("")] {
            let (status, answer) = app.app(method, path, token, body.clone()).await;
            assert_eq!(status, 401, "{method} {path} with {token:?}: {answer}");
            assert_eq!(answer["error"], "unauthorized");
        }
    }
    assert!(app.aa.requests().is_empty(), "nothing reached the AA");
}

#[tokio::test]
async fn templates_are_listed_with_their_terms() {
    let app = spawn().await;
    let (status, templates) = app.app("GET", "/app/templates", Some(TOKEN), None).await;
    assert_eq!(status, 200);
    let names: Vec<&str> = templates
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["income-check", "loan-underwriting", "wealth-monthly"]
    );
    let wealth = &templates[2];
    assert_eq!(wealth["purpose"]["code"], "101");
    assert_eq!(wealth["fetchType"], "PERIODIC");
    assert_eq!(wealth["consentMode"], "STORE");
    assert_eq!(wealth["frequency"], json!({"unit": "MONTH", "value": 1}));
    assert_eq!(
        wealth["dataRange"],
        json!({"last": {"unit": "MONTH", "value": 12}})
    );
    assert_eq!(templates[0]["fetchType"], "ONETIME");
}

#[tokio::test]
async fn creating_a_consent_sends_the_templates_terms_to_the_customers_aa() {
    let app = spawn().await;
    let (status, created) = app
        .app(
            "POST",
            "/app/consents",
            Some(TOKEN),
            Some(json!({"customer": CUSTOMER, "template": "wealth-monthly"})),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["status"], "PENDING");
    let handle = created["consentHandle"].as_str().unwrap();

    let requests = app.aa.requests();
    assert_eq!(requests.len(), 1);
    let (caller, request) = &requests[0];
    assert_eq!(caller, "FIU-1", "the AA saw FIU-1's API key and signature");
    let detail = serde_json::to_value(&request.consent_detail).unwrap();
    assert_eq!(detail["Customer"]["id"], CUSTOMER);
    assert_eq!(
        detail["DataConsumer"],
        json!({"id": "FIU-1", "type": "FIU"})
    );
    assert_eq!(detail["Purpose"]["code"], "101");
    assert_eq!(detail["fetchType"], "PERIODIC");
    assert_eq!(detail["consentMode"], "STORE");
    assert_eq!(detail["Frequency"], json!({"unit": "MONTH", "value": 1}));
    assert_eq!(detail["fiTypes"][0], "DEPOSIT");
    assert_eq!(request.ver, "2.0.0");

    let consent = app.consent(handle).await;
    assert_eq!(consent["consentHandle"], handle);
    assert_eq!(consent["customer"], CUSTOMER);
    assert_eq!(consent["aaId"], "AA-1");
    assert_eq!(consent["template"], "wealth-monthly");
    assert_eq!(consent["status"], "PENDING");
    assert_eq!(consent["artefacts"], json!([]));
    assert_eq!(
        consent["fiDataRange"]["from"],
        detail["FIDataRange"]["from"]
    );

    let (status, list) = app.app("GET", "/app/consents", Some(TOKEN), None).await;
    assert_eq!(status, 200);
    assert_eq!(list[0]["consentHandle"], handle);
}

#[tokio::test]
async fn bad_consent_requests_are_refused_with_a_code() {
    let app = spawn().await;
    let cases = [
        (json!({"customer": CUSTOMER}), "invalid_request"),
        (
            json!({"customer": "9999999999", "template": "wealth-monthly"}),
            "invalid_customer",
        ),
        (
            json!({"customer": "9999999999@AA-9", "template": "wealth-monthly"}),
            "unknown_aa",
        ),
        (
            json!({"customer": "9999999999@FIU-2", "template": "wealth-monthly"}),
            "unknown_aa",
        ),
        (
            json!({"customer": CUSTOMER, "template": "no-such-template"}),
            "unknown_template",
        ),
        (
            json!({"customer": "0000000000@AA-1", "template": "wealth-monthly"}),
            "aa_refused",
        ),
    ];
    for (body, code) in cases {
        let (status, answer) = app
            .app("POST", "/app/consents", Some(TOKEN), Some(body.clone()))
            .await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(answer["error"], code, "{body}: {answer}");
    }
    let (_, refused) = app
        .app(
            "POST",
            "/app/consents",
            Some(TOKEN),
            Some(json!({"customer": "0000000000@AA-1", "template": "wealth-monthly"})),
        )
        .await;
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("InvalidCustomerAddress"),
        "{refused}"
    );
    let (status, list) = app.app("GET", "/app/consents", Some(TOKEN), None).await;
    assert_eq!((status, list), (200, json!([])), "nothing was stored");
}

#[tokio::test]
async fn an_unknown_handle_is_not_found() {
    let app = spawn().await;
    let (status, answer) = app
        .app(
            "GET",
            "/app/consents/0b811819-9044-4856-b0ee-8c88035f8858",
            Some(TOKEN),
            None,
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(answer["error"], "not_found");
}
