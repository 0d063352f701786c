//! DIRECT linking end to end over the real binaries: FIP-1 runs with
//! `linking.authenticator: DIRECT`. The AA's customer API reports the link awaiting the bank
//! and refuses an OTP for it; the customer confirms at the bank (the FIP's back office), the
//! FIP's `Account/link/Notification` LINKED links the accounts at the AA with the FIP's
//! linkRefNumbers, and consent and data flow over them as over TOKEN links. Then the bank ends
//! the links: the FIP's DELINKED notifications revoke the consent left with no linked account,
//! and the FIU hears REVOKED. On SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use aa_e2e::walk::{call, consent_to_active, ok, s, Linked, HANDLE};
use aa_e2e::{Local, Storage, FIU_APP_TOKEN};
use serde_json::{json, Value};

/// The FIP back office's bearer token (`bank_api.token` in fip-service's `local.yaml`).
const BANK_TOKEN: &str = "local-bank-back-office-token";

/// Polls `probe` every 200 ms for 30 s, panicking with every log when it never holds.
async fn until(local: &Local, what: &str, mut probe: impl AsyncFnMut() -> Option<Value>) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(found) = probe().await {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "never saw {what}\n{}",
            local.logs()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The customer's linked accounts at the AA.
async fn linked_at_aa(local: &Local, token: &str) -> Value {
    let aa = &local.service("aa-service").base_url;
    ok(
        local,
        "GET",
        &format!("{aa}/customer/accounts"),
        Some(token),
        None,
    )
    .await
}

fn link_refs(accounts: &Value, fip: &str) -> Vec<String> {
    let mut refs: Vec<String> = accounts
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["fipId"] == fip)
        .map(|a| s(&a["linkRefNumber"]))
        .collect();
    refs.sort();
    refs
}

async fn direct_linking(storage: Storage) {
    let mut options = Local::options(storage).await;
    options
        .extra_settings
        .push(("FIP-1", "LINKING__AUTHENTICATOR".into(), "DIRECT".into()));
    let local = Local::start_with(options).await;
    let aa = local.service("aa-service").base_url.clone();
    let fiu = local.service("fiu-service").base_url.clone();
    let bank = local.party("FIP-1").base_url.clone();
    let walker = local.walker();
    let token = walker.login(HANDLE).await.unwrap();
    let fips = walker.discover(&token, &["FIP-1", "FIP-2"]).await.unwrap();
    let found = |id: &str| fips.iter().find(|f| f["fipId"] == id).unwrap().clone();
    let accounts: Vec<Value> = found("FIP-1")["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["accRefNumber"].clone())
        .collect();
    assert!(!accounts.is_empty(), "{fips:?}");

    // FIP-1 answers DIRECT: the link awaits the bank, and an OTP is refused for it.
    let started = ok(
        &local,
        "POST",
        &format!("{aa}/customer/link"),
        Some(&token),
        Some(json!({ "fipId": "FIP-1", "accounts": accounts })),
    )
    .await;
    assert_eq!(started["authenticatorType"], "DIRECT", "{started}");
    assert_eq!(started["status"], "AWAITING_BANK_CONFIRMATION");
    let ref_number = s(&started["refNumber"]);
    let (status, body) = call(
        "POST",
        &format!("{aa}/customer/link/verify"),
        Some(&token),
        Some(json!({ "fipId": "FIP-1", "refNumber": ref_number, "otp": "123456" })),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (409, Some("direct_link")),
        "{body}"
    );
    let listed = linked_at_aa(&local, &token).await;
    assert_eq!(listed, json!([]));

    // The customer confirms with the bank; the FIP tells the AA, which links every account.
    let confirmed = ok(
        &local,
        "POST",
        &format!("{bank}/bank/link-requests/{ref_number}/confirm"),
        Some(BANK_TOKEN),
        Some(json!({})),
    )
    .await;
    let mut banked: Vec<String> = confirmed["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| s(&l["linkRefNumber"]))
        .collect();
    banked.sort();
    assert_eq!(banked.len(), accounts.len(), "{confirmed}");
    let status_url = format!("{aa}/customer/link/FIP-1/{ref_number}");
    let done = until(&local, "the DIRECT link LINKED at the AA", async || {
        let (_, body) = call("GET", &status_url, Some(&token), None).await;
        (body["status"] == "LINKED").then_some(body)
    })
    .await;
    assert_eq!(link_refs(&done["accounts"], "FIP-1"), banked, "{done}");

    // FIP-2 links with its OTP as before; a consent over both banks' accounts goes ACTIVE.
    let (_, fip_2_links) = walker.link(&token, &found("FIP-2")).await.unwrap();
    let listed = linked_at_aa(&local, &token).await;
    assert_eq!(link_refs(&listed, "FIP-1"), banked);
    let customer = Linked {
        session_token: token.clone(),
        linked: banked.iter().cloned().chain(fip_2_links).collect(),
    };
    let consent = consent_to_active(&local, &customer, "loan-underwriting").await;
    let artefact_of = |fip: &str| {
        consent.status["artefacts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["fipId"] == fip)
            .map(|a| s(&a["consentId"]))
            .unwrap()
    };
    let (fip_1_consent, fip_2_consent) = (artefact_of("FIP-1"), artefact_of("FIP-2"));

    // The bank ends every FIP-1 link: the AA revokes FIP-1's artefact and tells the FIU.
    for link in &banked {
        ok(
            &local,
            "POST",
            &format!("{bank}/bank/links/{link}/delink"),
            Some(BANK_TOKEN),
            Some(json!({})),
        )
        .await;
    }
    let handle = consent.handle.clone();
    let seen = until(
        &local,
        "the FIP-1 artefact REVOKED at the FIU",
        async || {
            let url = format!("{fiu}/app/consents/{handle}");
            let (_, view) = call("GET", &url, Some(FIU_APP_TOKEN), None).await;
            let revoked = view["artefacts"]
                .as_array()?
                .iter()
                .any(|a| a["consentId"] == fip_1_consent.as_str() && a["status"] == "REVOKED");
            revoked.then_some(view)
        },
    )
    .await;
    let other = seen["artefacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["consentId"] == fip_2_consent.as_str())
        .unwrap();
    assert_eq!(other["status"], "ACTIVE", "{seen}");
    let listed = linked_at_aa(&local, &token).await;
    assert!(link_refs(&listed, "FIP-1").is_empty(), "{listed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_linking_and_the_banks_delink_end_to_end_on_sqlite() {
    direct_linking(Storage::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_linking_and_the_banks_delink_end_to_end_on_postgresql() {
    direct_linking(Storage::Postgres).await;
}
