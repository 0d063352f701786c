//! The consent lifecycle end to end over the real binaries (AA, two FIPs, FIU) on loopback:
//! the customer pauses, resumes and revokes consents at the AA; the AA tells the FIU and the
//! FIPs, and the new status holds everywhere: a data request on a paused or revoked consent is
//! refused at the AA (400 `InvalidConsentStatus`, the AA's list) and at the FIP (its 403
//! code), a resumed consent is usable
//! again, and the FIU purges what it holds of revoked consents (410 `DataGone`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use aa_e2e::rebit::{digital_signature, fi_request, Caller, AS_AA, AS_FIU};
use aa_e2e::walk::{
    call, completed_data_request, consent_to_active, login_and_link, ok, s, Linked,
};
use aa_e2e::{Local, Storage, FIU_APP_TOKEN};
use serde_json::Value;
use time::{Duration as Span, OffsetDateTime};

/// One artefact, as the tests need it.
struct Artefact {
    consent_id: String,
    fip_id: String,
    from: String,
    to: String,
    signature: String,
}

async fn artefact(local: &Local, status: &Value, index: usize) -> Artefact {
    let a = &status["artefacts"][index];
    let range = &a["consentDetail"]["FIDataRange"];
    let consent_id = s(&a["consentId"]);
    Artefact {
        signature: digital_signature(local, &consent_id).await,
        consent_id,
        fip_id: s(&a["fipId"]),
        from: s(&range["from"]),
        to: s(&range["to"]),
    }
}

/// The customer changes one consent's status at the AA (`pause`, `resume` or `revoke`).
async fn customer_sets(local: &Local, customer: &Linked, consent_id: &str, action: &str) {
    let aa = local.service("aa-service").base_url.clone();
    ok(
        local,
        "POST",
        &format!("{aa}/customer/consents/{consent_id}/{action}"),
        Some(&customer.session_token),
        None,
    )
    .await;
}

/// Waits until the FIU holds `consent_id` with `status`.
async fn fiu_sees(local: &Local, handle: &str, consent_id: &str, status: &str) {
    let fiu = local.service("fiu-service").base_url.clone();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let view = ok(
            local,
            "GET",
            &format!("{fiu}/app/consents/{handle}"),
            Some(FIU_APP_TOKEN),
            None,
        )
        .await;
        let held = view["artefacts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["consentId"] == consent_id && a["status"] == status);
        if held {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the FIU never saw {consent_id} {status}: {view}\n{}",
            local.logs()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// An `FI/request` for the artefact's whole range with a fresh key, at `url` as `caller`.
async fn request_data(local: &Local, url: &str, caller: Caller<'_>, a: &Artefact) -> (u16, Value) {
    let later = OffsetDateTime::now_utc() + Span::hours(1);
    fi_request(
        local,
        url,
        caller,
        &a.consent_id,
        &a.signature,
        (&a.from, &a.to),
        later,
    )
    .await
}

/// Asks until the answer is `(expected, code)`: the FIP hears of a status change through the
/// AA's outbox, a moment after the customer's call returns. The AA's `FI/request` lists no 403
/// (400 `InvalidConsentStatus`); the FIP keeps its own list (403 `ConsentPaused` ...).
async fn refused_with(
    local: &Local,
    url: &str,
    caller: Caller<'_>,
    a: &Artefact,
    (expected, code): (u16, &str),
) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, body) = request_data(local, url, caller, a).await;
        if status == expected && body["errorCode"] == code {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{url} never refused {} with {code}: {status} {body}\n{}",
            a.consent_id,
            local.logs()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Asks until the answer is no longer a refusal for the consent's status.
async fn not_refused_for_status(local: &Local, url: &str, caller: Caller<'_>, a: &Artefact) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, body) = request_data(local, url, caller, a).await;
        let code = body["errorCode"].as_str().unwrap_or_default();
        let refusals = [
            "ConsentPaused",
            "ConsentRevoked",
            "ConsentExpired",
            "InvalidConsentStatus",
        ];
        if !refusals.contains(&code) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{url} still refuses {}: {status} {body}\n{}",
            a.consent_id,
            local.logs()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn lifecycle(storage: Storage) {
    let local = Local::start(storage).await;
    let aa = local.service("aa-service").base_url.clone();
    let fiu = local.service("fiu-service").base_url.clone();
    let customer = login_and_link(&local).await;
    let consent = consent_to_active(&local, &customer, "loan-underwriting").await;
    let request = completed_data_request(&local, &consent.handle).await;
    let request_id = s(&request["requestId"]);
    let first = artefact(&local, &consent.status, 0).await;
    let second = artefact(&local, &consent.status, 1).await;
    let aa_fi = format!("{aa}/FI/request");
    let fip_fi = |a: &Artefact| format!("{}/FI/request", local.party(&a.fip_id).base_url);

    // Paused: refused at the AA and at the FIP; the other artefact is untouched.
    customer_sets(&local, &customer, &first.consent_id, "pause").await;
    fiu_sees(&local, &consent.handle, &first.consent_id, "PAUSED").await;
    fiu_sees(&local, &consent.handle, &second.consent_id, "ACTIVE").await;
    let at_the_aa = (400, "InvalidConsentStatus");
    refused_with(&local, &aa_fi, AS_FIU, &first, at_the_aa).await;
    refused_with(
        &local,
        &fip_fi(&first),
        AS_AA,
        &first,
        (403, "ConsentPaused"),
    )
    .await;

    // Resumed: ACTIVE again everywhere.
    customer_sets(&local, &customer, &first.consent_id, "resume").await;
    fiu_sees(&local, &consent.handle, &first.consent_id, "ACTIVE").await;
    not_refused_for_status(&local, &aa_fi, AS_FIU, &first).await;
    not_refused_for_status(&local, &fip_fi(&first), AS_AA, &first).await;

    // Revoked: refused everywhere, for good; the FIU purges the consent's data.
    for a in [&first, &second] {
        customer_sets(&local, &customer, &a.consent_id, "revoke").await;
        fiu_sees(&local, &consent.handle, &a.consent_id, "REVOKED").await;
        refused_with(&local, &aa_fi, AS_FIU, a, at_the_aa).await;
        refused_with(&local, &fip_fi(a), AS_AA, a, (403, "ConsentRevoked")).await;
    }
    let aa_url = format!("{aa}/customer/consents/{}/resume", first.consent_id);
    let (status, body) = call("POST", &aa_url, Some(&customer.session_token), None).await;
    assert!(
        (400..500).contains(&status),
        "a revoked consent was resumed: {status} {body}"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let url = format!("{fiu}/app/data-requests/{request_id}");
        let (status, body) = call("GET", &url, Some(FIU_APP_TOKEN), None).await;
        if status == 410 {
            assert!(body.to_string().contains("DataGone"), "{body}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the FIU still serves the data of revoked consents: {status} {body}\n{}",
            local.logs()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_lifecycle_end_to_end_on_sqlite() {
    lifecycle(Storage::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_lifecycle_end_to_end_on_postgresql() {
    lifecycle(Storage::Postgres).await;
}
