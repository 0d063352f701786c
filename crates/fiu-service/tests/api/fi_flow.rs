//! The FI data flow at the FIU: an `ACTIVE` artefact (or the app API) leads to `POST /FI/request`
//! with a fresh KeyMaterial; the AA's `FI/Notification` leads to the fetch; the fake AA plays
//! the FIP and encrypts documents for the KeyMaterial the FIU sent; the FIU decrypts, parses,
//! seals, and shows them in the app API. Failures stay per account and per session.

use aa_core::fi_data::{Account, Attrs, Profile, Summary, Transactions};
use aa_core::rebit::FiType;
use serde_json::{json, Value};

use crate::helpers::{fi_notification, notification, spawn_with, Db, Options, TestApp, TOKEN};
use aa_testkit::fakes::FiSession;

/// (linkRefNumber, maskedAccNumber, fiType) of the accounts an artefact covers.
type Accounts<'a> = &'a [(&'a str, &'a str, &'a str)];

pub(crate) const NARRATION: &str = "UPI/NARRATION-SECRET-7731/Chai & Snacks";

pub(crate) fn deposit(link: &str, masked: &str, narration: &str) -> Account {
    Account {
        fi_type: FiType::Deposit,
        masked_acc_number: masked.into(),
        linked_acc_ref: link.into(),
        version: "1.1".into(),
        profile: Some(Profile {
            holders_type: "SINGLE".into(),
            holders: vec![Attrs::new()
                .with("name", "Asha Rao")
                .with("dob", "1990-01-31")
                .with("mobile", "9999999999")
                .with("nominee", "REGISTERED")
                .with("email", "asha@example.com")
                .with("pan", "ABCDE1234F")
                .with("ckycCompliance", "true")],
        }),
        summary: Some(Summary {
            attrs: Attrs::new()
                .with("currentBalance", "101.50")
                .with("currency", "INR")
                .with("balanceDateTime", "2025-11-22T23:59:59+05:30")
                .with("type", "SAVINGS")
                .with("branch", "Indiranagar")
                .with("ifscCode", "LOCL0000001")
                .with("micrCode", "560000001")
                .with("openingDate", "2020-04-01")
                .with("status", "ACTIVE"),
            pending: vec![],
        }),
        transactions: Some(Transactions {
            start_date: "2025-01-01".into(),
            end_date: "2025-01-31".into(),
            list: vec![
                Attrs::new()
                    .with("txnId", "T1")
                    .with("type", "DEBIT")
                    .with("mode", "UPI")
                    .with("amount", "250.00")
                    .with("currentBalance", "101.50")
                    .with("transactionTimestamp", "2025-01-05T10:11:12+05:30")
                    .with("valueDate", "2025-01-05")
                    .with("narration", narration)
                    .with("reference", "RRN0001"),
                Attrs::new()
                    .with("txnId", "T2")
                    .with("type", "CREDIT")
                    .with("mode", "FT")
                    .with("amount", "1000.00")
                    .with("currentBalance", "1101.50")
                    .with("transactionTimestamp", "2025-01-06T09:00:00+05:30")
                    .with("valueDate", "2025-01-06")
                    .with("narration", "SALARY JAN")
                    .with("reference", "RRN0002"),
            ],
        }),
    }
}

pub(crate) fn xml(account: &Account) -> Vec<u8> {
    account.to_xml().unwrap().into_bytes()
}

fn json_doc(account: &Account) -> Vec<u8> {
    serde_json::to_vec(account).unwrap()
}

/// Creates a consent, approves it at the AA for `fips` (fipId, accounts) and notifies ACTIVE
/// for each; returns the handle and the consent ids in order.
pub(crate) async fn active_consent(
    app: &TestApp,
    fips: &[(&str, Accounts<'_>)],
) -> (String, Vec<String>) {
    let handle = app.create_consent("loan-underwriting").await;
    let mut ids = Vec::new();
    for (fip, accounts) in fips {
        let consent_id = app.aa.approve_for(&handle, fip, accounts);
        let answer = app
            .notify(&notification(Some(&handle), Some(&consent_id), "ACTIVE"))
            .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        ids.push(consent_id);
    }
    (handle, ids)
}

/// The request's session for `consent_id`.
pub(crate) fn fip<'a>(request: &'a Value, consent_id: &str) -> &'a Value {
    request["fips"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["consentId"] == consent_id)
        .unwrap_or_else(|| panic!("no session for {consent_id}: {request}"))
}

pub(crate) fn account<'a>(session: &'a Value, link: &str) -> &'a Value {
    session["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["linkRefNumber"] == link)
        .unwrap_or_else(|| panic!("no account {link}: {session}"))
}

/// The only data request of `handle`.
pub(crate) async fn only_request(app: &TestApp, handle: &str) -> String {
    let (status, list) = app
        .app(
            "GET",
            &format!("/app/consents/{handle}/data-requests"),
            Some(TOKEN),
            None,
        )
        .await;
    assert_eq!(status, 200, "{list}");
    let list = list["dataRequests"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    list[0]["requestId"].as_str().unwrap().to_owned()
}

/// Waits until the FIU recorded the AA's session id for `session`.
pub(crate) async fn wait_session_known(
    app: &TestApp,
    request_id: &str,
    consent_id: &str,
    session: &FiSession,
) {
    let id = session.session_id.clone();
    let consent_id = consent_id.to_owned();
    app.wait_data_request(request_id, move |r| {
        fip(r, &consent_id)["sessionId"] == id.as_str()
    })
    .await;
}

async fn auto_request_fetch_decrypt_and_show(app: &TestApp) {
    let (handle, ids) =
        active_consent(app, &[("FIP-1", &[("link-1", "XXXXXXXX1111", "DEPOSIT")])]).await;
    let session = app.aa.wait_fi_request(&ids[0]).await;
    let sent = &session.request;
    assert_eq!(sent.key_material.curve.as_str(), "X25519");
    let consent = app.consent(&handle).await;
    assert_eq!(
        sent.fi_data_range.from,
        consent["fiDataRange"]["from"].as_str().unwrap()
    );
    assert_eq!(
        sent.fi_data_range.to,
        consent["fiDataRange"]["to"].as_str().unwrap()
    );
    let request_id = only_request(app, &handle).await;
    wait_session_known(app, &request_id, &ids[0], &session).await;
    let pending = app.data_request(&request_id).await;
    assert_eq!(pending["status"], "PENDING");
    assert_eq!(pending["trigger"], "AUTO");

    let document = deposit("link-1", "XXXXXXXX1111", NARRATION);
    app.aa.deliver(
        &session,
        "FIP-1",
        &[("link-1", "XXXXXXXX1111", xml(&document))],
        None,
    );
    let body = fi_notification(
        &session.session_id,
        "COMPLETED",
        "FIP-1",
        &[("link-1", "READY")],
    );
    let answer = app.fi_notify_as("AA-1", &body).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["response"], "OK");

    let done = app
        .wait_data_request(&request_id, |r| r["status"] != "PENDING")
        .await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    let session_view = fip(&done, &ids[0]);
    assert_eq!(session_view["status"], "COMPLETED");
    assert_eq!(session_view["fipId"], "FIP-1");
    let shown = account(session_view, "link-1");
    assert_eq!(shown["fiStatus"], "READY");
    assert_eq!(shown["fiType"], "DEPOSIT");
    assert_eq!(shown["maskedAccNumber"], "XXXXXXXX1111");
    assert_eq!(shown["error"], Value::Null);
    assert_eq!(shown["data"], serde_json::to_value(&document).unwrap());
    assert_eq!(
        shown["data"]["transactions"]["transaction"][0]["narration"],
        NARRATION
    );
    assert_eq!(app.aa.fi_fetch_calls(), (1, 0));

    // The same notification again: OK, nothing fetched again.
    let again = app.fi_notify_as("AA-1", &body).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(app.store.pending_job_count().await.unwrap(), 0);
    assert_eq!(app.aa.fi_fetch_calls(), (1, 0));
    assert_eq!(app.aa.fi_sessions().len(), 1, "one automatic request only");
}

#[tokio::test]
async fn an_active_consent_is_requested_fetched_decrypted_and_shown_on_sqlite() {
    let app = spawn_with(Options {
        auto_request: true,
        ..Options::default()
    })
    .await;
    auto_request_fetch_decrypt_and_show(&app).await;
    let data_dir = &app.data_dir;
    // The data is sealed at rest: the narration appears nowhere in the database files.
    let mut checked = 0;
    for entry in std::fs::read_dir(data_dir).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().contains("fiu-service.db") {
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes
                    .windows(b"NARRATION-SECRET-7731".len())
                    .any(|w| w == b"NARRATION-SECRET-7731"),
                "{} holds the narration in clear",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 1,
        "no database file under {}",
        data_dir.display()
    );
}

#[tokio::test]
async fn an_active_consent_is_requested_fetched_decrypted_and_shown_on_postgres() {
    let app = spawn_with(Options {
        auto_request: true,
        db: Db::Postgres,
        ..Options::default()
    })
    .await;
    auto_request_fetch_decrypt_and_show(&app).await;
}

#[tokio::test]
async fn the_app_asks_for_a_range_on_curve25519_and_reads_json_documents() {
    let app = spawn_with(Options {
        curve: "Curve25519",
        ..Options::default()
    })
    .await;
    let (handle, ids) =
        active_consent(&app, &[("FIP-1", &[("link-1", "XXXXXXXX1111", "DEPOSIT")])]).await;
    app.wait_fetched(&handle, &ids[0]).await;
    let consent = app.consent(&handle).await;
    let to = aa_core::timefmt::parse(consent["fiDataRange"]["to"].as_str().unwrap()).unwrap();
    let from = to - time::Duration::days(30);
    let path = format!("/app/consents/{handle}/data-requests");
    let body = json!({
        "from": aa_core::timefmt::format_millis(from),
        "to": aa_core::timefmt::format_millis(to),
    });
    let (status, created) = app
        .app("POST", &path, Some(TOKEN), Some(body.clone()))
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["status"], "PENDING");
    assert_eq!(created["consentHandle"], handle.as_str());
    assert_eq!(
        created["sessions"],
        json!([{"fipId": "FIP-1", "consentId": ids[0], "sessionId": null, "status": "PENDING"}])
    );
    let request_id = created["requestId"].as_str().unwrap().to_owned();
    let session = app.aa.wait_fi_request(&ids[0]).await;
    assert_eq!(session.request.key_material.curve.as_str(), "Curve25519");
    assert_eq!(
        session.request.fi_data_range.from,
        body["from"].as_str().unwrap()
    );
    assert_eq!(
        session.request.fi_data_range.to,
        body["to"].as_str().unwrap()
    );
    wait_session_known(&app, &request_id, &ids[0], &session).await;

    let document = deposit("link-1", "XXXXXXXX1111", NARRATION);
    app.aa.deliver(
        &session,
        "FIP-1",
        &[("link-1", "XXXXXXXX1111", json_doc(&document))],
        None,
    );
    let answer = app
        .fi_notify_as(
            "AA-1",
            &fi_notification(
                &session.session_id,
                "ACTIVE",
                "FIP-1",
                &[("link-1", "READY")],
            ),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let done = app
        .wait_data_request(&request_id, |r| r["status"] != "PENDING")
        .await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    assert_eq!(
        account(fip(&done, &ids[0]), "link-1")["data"],
        serde_json::to_value(&document).unwrap()
    );
    let (status, list) = app.app("GET", &path, Some(TOKEN), None).await;
    assert_eq!(status, 200);
    assert_eq!(list["dataRequests"][0]["requestId"], request_id.as_str());
    assert_eq!(list["dataRequests"][0]["status"], "COMPLETED");
    assert_eq!(list["dataRequests"][0]["trigger"], "APP");
}

#[tokio::test]
async fn a_data_request_is_refused_outside_the_consent_or_before_it_is_active() {
    let app = spawn_with(Options::default()).await;
    let pending = app.create_consent("loan-underwriting").await;
    let (status, body) = app
        .app(
            "POST",
            &format!("/app/consents/{pending}/data-requests"),
            Some(TOKEN),
            None,
        )
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (409, Some("consent_not_active")),
        "{body}"
    );
    let (status, _) = app
        .app(
            "POST",
            "/app/consents/nope/data-requests",
            Some(TOKEN),
            None,
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .app("GET", "/app/data-requests/nope", Some(TOKEN), None)
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .app(
            "POST",
            &format!("/app/consents/{pending}/data-requests"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 401);

    let (handle, ids) =
        active_consent(&app, &[("FIP-1", &[("link-1", "XXXXXXXX1111", "DEPOSIT")])]).await;
    app.wait_fetched(&handle, &ids[0]).await;
    let path = format!("/app/consents/{handle}/data-requests");
    for (body, code) in [
        (
            json!({"from": "2001-01-01T00:00:00Z", "to": "2001-02-01T00:00:00Z"}),
            "invalid_range",
        ),
        (
            json!({"from": "2025-02-01T00:00:00Z", "to": "2025-01-01T00:00:00Z"}),
            "invalid_range",
        ),
        (json!({"from": "yesterday"}), "invalid_request"),
    ] {
        let (status, answer) = app.app("POST", &path, Some(TOKEN), Some(body)).await;
        assert_eq!(
            (status, answer["error"].as_str()),
            (400, Some(code)),
            "{answer}"
        );
    }
    assert!(app.aa.fi_sessions().is_empty());
}

#[tokio::test]
async fn one_fip_failing_leaves_the_others_data_and_a_denied_account_is_recorded() {
    let app = spawn_with(Options {
        auto_request: true,
        ..Options::default()
    })
    .await;
    let (handle, ids) = active_consent(
        &app,
        &[
            (
                "FIP-1",
                &[
                    ("link-1", "XXXXXXXX1111", "DEPOSIT"),
                    ("link-2", "XXXXXXXX2222", "DEPOSIT"),
                ],
            ),
            ("FIP-2", &[("link-9", "XXXXXXXX9999", "DEPOSIT")]),
        ],
    )
    .await;
    let good = app.aa.wait_fi_request(&ids[0]).await;
    let bad = app.aa.wait_fi_request(&ids[1]).await;
    let request_id = only_request(&app, &handle).await;
    wait_session_known(&app, &request_id, &ids[0], &good).await;
    wait_session_known(&app, &request_id, &ids[1], &bad).await;

    let document = deposit("link-1", "XXXXXXXX1111", NARRATION);
    app.aa.deliver(
        &good,
        "FIP-1",
        &[("link-1", "XXXXXXXX1111", xml(&document))],
        None,
    );
    app.aa.refuse_fetch(&bad.session_id);
    // The first notification leaves an account pending: nothing is fetched yet.
    let partial = fi_notification(
        &good.session_id,
        "ACTIVE",
        "FIP-1",
        &[("link-1", "READY"), ("link-2", "PENDING")],
    );
    assert_eq!(app.fi_notify_as("AA-1", &partial).await.status, 200);
    assert_eq!(
        fip(&app.data_request(&request_id).await, &ids[0])["status"],
        "PENDING"
    );
    let settled = fi_notification(
        &good.session_id,
        "COMPLETED",
        "FIP-1",
        &[("link-1", "READY"), ("link-2", "DENIED")],
    );
    assert_eq!(app.fi_notify_as("AA-1", &settled).await.status, 200);
    let ready = fi_notification(
        &bad.session_id,
        "COMPLETED",
        "FIP-2",
        &[("link-9", "READY")],
    );
    assert_eq!(app.fi_notify_as("AA-1", &ready).await.status, 200);

    let done = app
        .wait_data_request(&request_id, |r| r["status"] != "PENDING")
        .await;
    assert_eq!(done["status"], "PARTIAL", "{done}");
    let good_view = fip(&done, &ids[0]);
    assert_eq!(good_view["status"], "COMPLETED", "{good_view}");
    assert_eq!(
        account(good_view, "link-1")["data"],
        serde_json::to_value(&document).unwrap()
    );
    let denied = account(good_view, "link-2");
    assert_eq!(denied["fiStatus"], "DENIED");
    assert_eq!(denied["data"], Value::Null);
    let bad_view = fip(&done, &ids[1]);
    assert_eq!(bad_view["status"], "FAILED");
    assert!(
        bad_view["error"]
            .as_str()
            .unwrap()
            .contains("InvalidSessionId"),
        "{bad_view}"
    );
    assert_eq!(account(bad_view, "link-9")["data"], Value::Null);
}

#[tokio::test]
async fn a_corrupted_ciphertext_fails_that_account_only() {
    let app = spawn_with(Options {
        auto_request: true,
        ..Options::default()
    })
    .await;
    let (handle, ids) = active_consent(
        &app,
        &[(
            "FIP-1",
            &[
                ("link-1", "XXXXXXXX1111", "DEPOSIT"),
                ("link-2", "XXXXXXXX2222", "DEPOSIT"),
            ],
        )],
    )
    .await;
    let session = app.aa.wait_fi_request(&ids[0]).await;
    let request_id = only_request(&app, &handle).await;
    wait_session_known(&app, &request_id, &ids[0], &session).await;
    let one = deposit("link-1", "XXXXXXXX1111", "FIRST");
    let two = deposit("link-2", "XXXXXXXX2222", "SECOND");
    app.aa.deliver(
        &session,
        "FIP-1",
        &[
            ("link-1", "XXXXXXXX1111", xml(&one)),
            ("link-2", "XXXXXXXX2222", xml(&two)),
        ],
        Some("link-2"),
    );
    let body = fi_notification(
        &session.session_id,
        "COMPLETED",
        "FIP-1",
        &[("link-1", "READY"), ("link-2", "READY")],
    );
    assert_eq!(app.fi_notify_as("AA-1", &body).await.status, 200);
    let done = app
        .wait_data_request(&request_id, |r| r["status"] != "PENDING")
        .await;
    let view = fip(&done, &ids[0]);
    assert_eq!(view["status"], "FAILED", "{view}");
    assert!(view["error"].as_str().unwrap().contains("1 of 2"), "{view}");
    assert_eq!(
        account(view, "link-1")["data"],
        serde_json::to_value(&one).unwrap()
    );
    let broken = account(view, "link-2");
    assert_eq!(broken["data"], Value::Null);
    assert!(
        broken["error"]
            .as_str()
            .unwrap()
            .contains("decryption failed"),
        "{broken}"
    );
}

#[tokio::test]
async fn the_1_1_x_get_is_used_when_the_aa_does_not_serve_the_post() {
    let app = spawn_with(Options {
        auto_request: true,
        ..Options::default()
    })
    .await;
    app.aa.stop_serving_post_fetch();
    let (handle, ids) =
        active_consent(&app, &[("FIP-1", &[("link-1", "XXXXXXXX1111", "DEPOSIT")])]).await;
    let session = app.aa.wait_fi_request(&ids[0]).await;
    let request_id = only_request(&app, &handle).await;
    wait_session_known(&app, &request_id, &ids[0], &session).await;
    let document = deposit("link-1", "XXXXXXXX1111", NARRATION);
    app.aa.deliver(
        &session,
        "FIP-1",
        &[("link-1", "XXXXXXXX1111", xml(&document))],
        None,
    );
    let body = fi_notification(
        &session.session_id,
        "COMPLETED",
        "FIP-1",
        &[("link-1", "READY")],
    );
    assert_eq!(app.fi_notify_as("AA-1", &body).await.status, 200);
    let done = app
        .wait_data_request(&request_id, |r| r["status"] != "PENDING")
        .await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    assert_eq!(app.aa.fi_fetch_calls(), (0, 1));
}

#[tokio::test]
async fn every_account_denied_completes_without_a_fetch() {
    let app = spawn_with(Options {
        auto_request: true,
        ..Options::default()
    })
    .await;
    let (handle, ids) =
        active_consent(&app, &[("FIP-1", &[("link-1", "XXXXXXXX1111", "DEPOSIT")])]).await;
    let session = app.aa.wait_fi_request(&ids[0]).await;
    let request_id = only_request(&app, &handle).await;
    wait_session_known(&app, &request_id, &ids[0], &session).await;
    let body = fi_notification(
        &session.session_id,
        "COMPLETED",
        "FIP-1",
        &[("link-1", "DENIED")],
    );
    assert_eq!(app.fi_notify_as("AA-1", &body).await.status, 200);
    let done = app
        .wait_data_request(&request_id, |r| r["status"] != "PENDING")
        .await;
    assert_eq!(done["status"], "COMPLETED", "{done}");
    assert_eq!(account(fip(&done, &ids[0]), "link-1")["fiStatus"], "DENIED");
    assert_eq!(app.aa.fi_fetch_calls(), (0, 0));
}
