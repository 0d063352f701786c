//! The envelope of every ReBIT endpoint of the FIP, table-driven: an unsupported `ver` is 404
//! `NoSuchVersion`, a `timestamp` 16 minutes off is 400 `InvalidRequest`, a `txnid` that is not
//! a UUID is 400 `InvalidRequest`, an empty required string is 400 `InvalidRequest`. Every
//! error echoes the request's `txnid` and `ver`, and nothing is stored.

use aa_core::fi_crypto::Curve;
use aa_core::timefmt;
use serde_json::{json, Value};

use crate::fi::{fetch_body, fi_request, fiu_key, FROM, TO};
use crate::helpers::{
    artefact, assert_error, consent_notification, delink_body, discover_body, link_body,
    verify_body, TestApp, HANDLE, MOBILE,
};
use crate::snapshot::snapshot;

/// One endpoint: how it is called, a body that passes the envelope, and the path of one
/// required string field in it.
struct Endpoint {
    method: &'static str,
    path: &'static str,
    body: Value,
    required: &'static [&'static str],
}

fn endpoints(app: &TestApp) -> Vec<Endpoint> {
    let id = || uuid::Uuid::new_v4().to_string();
    let km = fiu_key(Curve::X25519, time::Duration::hours(1)).key_material;
    let account = json!({"FIType": "DEPOSIT", "accType": "SAVINGS",
                         "accRefNumber": id(), "maskedAccNumber": "XXXXXX1234"});
    // The consent's detail is checked after the envelope: any signed payload will do here.
    let signer = app.eco.signer("AA-1");
    vec![
        Endpoint {
            method: "POST",
            path: "/Accounts/discover",
            body: discover_body(MOBILE, None),
            required: &["Customer", "id"],
        },
        Endpoint {
            method: "POST",
            path: "/Accounts/link",
            body: link_body(HANDLE, &[account]),
            required: &["Customer", "id"],
        },
        Endpoint {
            method: "POST",
            path: "/Accounts/link/verify",
            body: verify_body(&id(), "123456"),
            required: &["token"],
        },
        Endpoint {
            method: "POST",
            path: "/Accounts/delink",
            body: delink_body(HANDLE, &id()),
            required: &["Account", "linkRefNumber"],
        },
        Endpoint {
            method: "DELETE",
            path: "/Accounts/link",
            body: delink_body(HANDLE, &id()),
            required: &["Account", "customerAddress"],
        },
        Endpoint {
            method: "POST",
            path: "/Consent",
            body: artefact(&id(), &json!({}), &signer),
            required: &["signedConsent"],
        },
        Endpoint {
            method: "POST",
            path: "/Consent/Notification",
            body: consent_notification(&id(), "PAUSED", "AA-1"),
            required: &["ConsentStatusNotification", "consentId"],
        },
        Endpoint {
            method: "POST",
            path: "/FI/request",
            body: fi_request(&id(), "c2lnbmF0dXJl", FROM, TO, &km),
            required: &["Consent", "id"],
        },
        Endpoint {
            method: "POST",
            path: "/FI/fetch",
            body: fetch_body(&id()),
            required: &["sessionId"],
        },
    ]
}

async fn send(app: &TestApp, endpoint: &Endpoint, body: &Value) -> aa_testkit::Answer {
    match endpoint.method {
        "POST" => app.post(endpoint.path, body).await,
        method => app.request_as_aa(method, endpoint.path, Some(body)).await,
    }
}

/// Sends every endpoint's body as `spoil` leaves it; each answer must be `status` `code`, with
/// the txnid echoed and `ver` the request's (or 2.0.0 for a version this FIP does not speak);
/// the database must not change.
async fn every_endpoint(spoil: impl Fn(&Endpoint) -> Option<Value>, status: u16, code: &str) {
    let app = TestApp::spawn().await;
    let before = snapshot(&app).await;
    let mut checked = 0;
    for endpoint in endpoints(&app) {
        let Some(body) = spoil(&endpoint) else {
            continue;
        };
        let answer = send(&app, &endpoint, &body).await;
        let what = format!("{} {}", endpoint.method, endpoint.path);
        assert_eq!(answer.status, status, "{what}: {}", answer.body);
        assert_eq!(answer.body["errorCode"], code, "{what}: {}", answer.body);
        assert_eq!(answer.body["txnid"], body["txnid"], "{what}");
        let ver = body["ver"].as_str().unwrap();
        let echoed = if ["1.1.2", "1.1.3", "2.0.0"].contains(&ver) {
            ver
        } else {
            "2.0.0"
        };
        assert_eq!(answer.body["ver"], echoed, "{what}");
        assert_error(&answer, status, code, None);
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} endpoints checked");
    assert_eq!(
        snapshot(&app).await,
        before,
        "a refused request stored something"
    );
}

#[actix_web::test]
async fn an_unsupported_ver_is_404_no_such_version_on_every_endpoint() {
    every_endpoint(
        |e| {
            let mut body = e.body.clone();
            body["ver"] = "9.9.9".into();
            Some(body)
        },
        404,
        "NoSuchVersion",
    )
    .await;
}

#[actix_web::test]
async fn a_timestamp_16_minutes_off_is_400_invalid_request_on_every_endpoint() {
    let off = timefmt::format_millis(time::OffsetDateTime::now_utc() - time::Duration::minutes(16));
    every_endpoint(
        |e| {
            // `POST /Consent` carries no `timestamp` (only the consent's `createTimestamp`).
            e.body.get("timestamp")?;
            let mut body = e.body.clone();
            body["timestamp"] = off.clone().into();
            Some(body)
        },
        400,
        "InvalidRequest",
    )
    .await;
}

#[actix_web::test]
async fn a_txnid_that_is_not_a_uuid_is_400_invalid_request_on_every_endpoint() {
    every_endpoint(
        |e| {
            let mut body = e.body.clone();
            body["txnid"] = "not-a-uuid".into();
            Some(body)
        },
        400,
        "InvalidRequest",
    )
    .await;
}

#[actix_web::test]
async fn an_empty_required_string_is_400_invalid_request_on_every_endpoint() {
    every_endpoint(
        |e| {
            let mut body = e.body.clone();
            let (last, parents) = e.required.split_last().unwrap();
            let mut at = &mut body;
            for name in parents {
                at = &mut at[*name];
            }
            at[*last] = "".into();
            Some(body)
        },
        400,
        "InvalidRequest",
    )
    .await;
}

#[actix_web::test]
async fn the_legacy_get_fetch_checks_its_session_id_and_answers_in_1_1_2() {
    let app = TestApp::spawn().await;
    let before = snapshot(&app).await;
    let answer = app
        .request_as_aa("GET", "/FI/fetch/not-a-session-id", None)
        .await;
    assert_error(&answer, 400, "InvalidRequest", None);
    assert_eq!(answer.body["ver"], "1.1.2");
    assert!(uuid::Uuid::parse_str(answer.body["txnid"].as_str().unwrap()).is_ok());
    assert_eq!(snapshot(&app).await, before);
}
