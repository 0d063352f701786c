//! The syntax rules every ReBIT endpoint the FIU serves applies before anything else, table
//! driven over `POST /Consent/Notification` and `POST /FI/Notification`, in 2.0.0 and 1.1.2:
//! an unsupported `ver` is 404 `NoSuchVersion`; a `timestamp` 16 minutes off either way, a
//! `txnid` that is not a UUID, and an empty required string are 400 `InvalidRequest`. Each
//! answer is signed, echoes the request's `txnid` and `ver` (a supported one; an unsupported
//! `ver` is answered in 2.0.0), and nothing is stored: the consent, its artefacts, the data
//! request and the jobs are as they were, and the `txnid` was not bound.

use aa_core::timefmt;
use aa_runtime::idempotency::Endpoint;
use serde_json::{json, Value};
use time::{Duration, OffsetDateTime};

use crate::fi_flow::{only_request, wait_session_known};
use crate::helpers::{fi_notification, notification, spawn_with, Options, TestApp};

/// A change to a valid body, and the answer it must get.
struct Case {
    name: &'static str,
    change: fn(&mut Value),
    status: u16,
    code: &'static str,
}

fn set(body: &mut Value, pointer: &str, value: Value) {
    let shown = body.to_string();
    *body
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer} in {shown}")) = value;
}

fn minutes_off(minutes: i64) -> Value {
    json!(timefmt::format_millis(
        OffsetDateTime::now_utc() + Duration::minutes(minutes)
    ))
}

/// The cases both endpoints share.
fn envelope_cases() -> Vec<Case> {
    vec![
        Case {
            name: "unsupported ver",
            change: |b| set(b, "/ver", json!("9.9.9")),
            status: 404,
            code: "NoSuchVersion",
        },
        Case {
            name: "timestamp 16 minutes behind",
            change: |b| set(b, "/timestamp", minutes_off(-16)),
            status: 400,
            code: "InvalidRequest",
        },
        Case {
            name: "timestamp 16 minutes ahead",
            change: |b| set(b, "/timestamp", minutes_off(16)),
            status: 400,
            code: "InvalidRequest",
        },
        Case {
            name: "txnid not a UUID",
            change: |b| set(b, "/txnid", json!("txn-0001")),
            status: 400,
            code: "InvalidRequest",
        },
        Case {
            name: "empty ver",
            change: |b| set(b, "/ver", json!("")),
            status: 400,
            code: "InvalidRequest",
        },
        Case {
            name: "empty timestamp",
            change: |b| set(b, "/timestamp", json!("")),
            status: 400,
            code: "InvalidRequest",
        },
        Case {
            name: "empty txnid",
            change: |b| set(b, "/txnid", json!("")),
            status: 400,
            code: "InvalidRequest",
        },
        Case {
            name: "empty Notifier.type",
            change: |b| set(b, "/Notifier/type", json!("")),
            status: 400,
            code: "InvalidRequest",
        },
        Case {
            name: "empty Notifier.id",
            change: |b| set(b, "/Notifier/id", json!("")),
            status: 400,
            code: "InvalidRequest",
        },
    ]
}

fn consent_cases() -> Vec<Case> {
    let mut cases = envelope_cases();
    cases.extend([
        Case {
            name: "empty consentStatus",
            change: |b| set(b, "/ConsentStatusNotification/consentStatus", json!("")),
            status: 400,
            code: "InvalidRequest",
        },
        Case {
            name: "empty consentHandle and consentId",
            change: |b| {
                set(b, "/ConsentStatusNotification/consentHandle", json!(""));
                set(b, "/ConsentStatusNotification/consentId", json!(""));
            },
            status: 400,
            code: "InvalidRequest",
        },
    ]);
    cases
}

fn fi_cases() -> Vec<Case> {
    let mut cases = envelope_cases();
    cases.extend([
        Case {
            name: "empty sessionId",
            change: |b| set(b, "/FIStatusNotification/sessionId", json!("")),
            status: 400,
            code: "InvalidRequest",
        },
        Case {
            name: "empty sessionStatus",
            change: |b| set(b, "/FIStatusNotification/sessionStatus", json!("")),
            status: 400,
            code: "InvalidRequest",
        },
        Case {
            name: "empty fipID",
            change: |b| {
                set(
                    b,
                    "/FIStatusNotification/FIStatusResponse/0/fipID",
                    json!(""),
                )
            },
            status: 400,
            code: "InvalidRequest",
        },
        Case {
            name: "empty linkRefNumber",
            change: |b| {
                set(
                    b,
                    "/FIStatusNotification/FIStatusResponse/0/Accounts/0/linkRefNumber",
                    json!(""),
                )
            },
            status: 400,
            code: "InvalidRequest",
        },
        Case {
            name: "empty FIStatus",
            change: |b| {
                set(
                    b,
                    "/FIStatusNotification/FIStatusResponse/0/Accounts/0/FIStatus",
                    json!(""),
                )
            },
            status: 400,
            code: "InvalidRequest",
        },
    ]);
    cases
}

/// What the FIU shows of the consent and its data request, and its queued jobs.
async fn snapshot(app: &TestApp, handle: &str, request_id: &str) -> (Value, Value, u64) {
    let mut request = app.data_request(request_id).await;
    request["updatedAt"] = Value::Null;
    (
        app.consent(handle).await,
        request,
        app.store.pending_job_count().await.unwrap(),
    )
}

/// Sends each case, in 2.0.0 and 1.1.2, to `endpoint` and checks the answer and that nothing
/// changed.
async fn run(
    app: &TestApp,
    endpoint: Endpoint,
    valid: impl Fn() -> Value,
    cases: &[Case],
    state: (&str, &str),
) {
    let before = snapshot(app, state.0, state.1).await;
    for ver in ["2.0.0", "1.1.2"] {
        for case in cases {
            let mut body = valid();
            body["ver"] = json!(ver);
            (case.change)(&mut body);
            let answer = match endpoint {
                Endpoint::ConsentNotification => app.notify(&body).await,
                Endpoint::FiNotification => app.fi_notify_as("AA-1", &body).await,
                other => unreachable!("the FIU does not serve {other:?}"),
            };
            let what = format!("{} {ver} {}: {}", endpoint.path(), case.name, answer.body);
            assert_eq!(answer.status, case.status, "{what}");
            assert_eq!(answer.body["errorCode"], case.code, "{what}");
            let sent_txnid = body["txnid"].as_str().unwrap();
            if !sent_txnid.is_empty() {
                assert_eq!(answer.body["txnid"], sent_txnid, "{what}");
            }
            let sent_ver = body["ver"].as_str().unwrap();
            let answered_ver = if matches!(sent_ver, "2.0.0" | "1.1.2") {
                sent_ver
            } else {
                "2.0.0"
            };
            assert_eq!(answer.body["ver"], answered_ver, "{what}");
            assert!(
                crate::idempotency::bind(
                    &app.store,
                    "AA-1",
                    endpoint,
                    sent_txnid,
                    "probe",
                    OffsetDateTime::now_utc()
                )
                .await
                .unwrap(),
                "{what}: the txnid was bound"
            );
            assert_eq!(
                snapshot(app, state.0, state.1).await,
                before,
                "{what}: something changed"
            );
        }
    }
}

#[tokio::test]
async fn every_fiu_rebit_endpoint_refuses_a_bad_envelope_or_an_empty_required_string_and_stores_nothing(
) {
    let app = spawn_with(Options {
        auto_request: true,
        ..Options::default()
    })
    .await;
    // A consent ACTIVE, its FI session opened and waiting for the FIP.
    let handle = app.create_consent("loan-underwriting").await;
    let consent_id = app.aa.approve(&handle);
    let answer = app
        .notify(&notification(Some(&handle), Some(&consent_id), "ACTIVE"))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let session = app.aa.wait_fi_request(&consent_id).await;
    let request_id = only_request(&app, &handle).await;
    wait_session_known(&app, &request_id, &consent_id, &session).await;

    // A PAUSED would change the consent, READY would fetch: valid, they would be applied.
    let consent_body = || notification(Some(&handle), Some(&consent_id), "PAUSED");
    run(
        &app,
        Endpoint::ConsentNotification,
        consent_body,
        &consent_cases(),
        (&handle, &request_id),
    )
    .await;
    let fi_body = || {
        fi_notification(
            &session.session_id,
            "COMPLETED",
            "FIP-1",
            &[("link-ref-1", "READY")],
        )
    };
    run(
        &app,
        Endpoint::FiNotification,
        fi_body,
        &fi_cases(),
        (&handle, &request_id),
    )
    .await;
    assert_eq!(app.aa.fi_fetch_calls(), (0, 0));

    // The bodies the cases started from are valid: sent as they are, they are applied.
    assert_eq!(app.notify(&consent_body()).await.status, 200);
    assert_eq!(app.consent(&handle).await["status"], "PAUSED");
    let answer = app.fi_notify_as("AA-1", &fi_body()).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}
