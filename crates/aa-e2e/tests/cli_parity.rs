//! The `aa` tool against the running ecosystem, as a person would walk the flow by hand: the
//! lender's data requests and decrypted data (`aa fiu data-request`, `data-requests`, `data`,
//! `data --table`) and the customer's consents (`aa customer consents --status all`, `pause`,
//! `resume`, `revoke`), each checked against what the services then hold.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aa_e2e::walk::{completed_data_request, consent_to_active, login_and_link, s};
use aa_e2e::{Local, Storage, FIU_APP_TOKEN};

use serde_json::Value;

/// Runs `aa` and returns its stdout, asserting exit 0.
fn aa(args: &[&str]) -> Vec<u8> {
    let out = std::process::Command::new(aa_e2e::binary("aa"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "aa {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn aa_json(args: &[&str]) -> Value {
    serde_json::from_slice(&aa(args)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_aa_tool_reads_the_data_and_changes_consents() {
    let local = Local::start(Storage::Sqlite).await;
    let customer = login_and_link(&local).await;
    let consent = consent_to_active(&local, &customer, "loan-underwriting").await;
    let automatic = completed_data_request(&local, &consent.handle).await;
    let fiu = local.service("fiu-service").base_url.clone();
    let aa_url = local.service("aa-service").base_url.clone();
    let fiu_tool = |args: &[&str]| {
        let mut all = vec!["fiu", "--fiu", &fiu, "--token", FIU_APP_TOKEN];
        all.extend_from_slice(args);
        aa(&all)
    };
    let fiu_json = |args: &[&str]| serde_json::from_slice::<Value>(&fiu_tool(args)).unwrap();

    // The lender: the automatic request, its decrypted data, then a second request.
    let listed = fiu_json(&["data-requests", &consent.handle]);
    let requests = listed["dataRequests"].as_array().unwrap();
    assert_eq!(requests.len(), 1, "{listed}");
    let id = s(&automatic["requestId"]);
    assert_eq!(requests[0]["requestId"], id.as_str());
    let data = fiu_json(&["data", &id]);
    assert_eq!(data, automatic, "the tool shows what the app API answers");
    let table = String::from_utf8(fiu_tool(&["data", &id, "--table"])).unwrap();
    let accounts: usize = automatic["fips"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["accounts"].as_array().unwrap().len())
        .sum();
    assert_eq!(
        table.lines().filter(|l| l.starts_with("FIP-")).count(),
        accounts,
        "{table}"
    );
    assert!(table.contains("status COMPLETED"), "{table}");
    let again = fiu_json(&["data-request", &consent.handle]);
    assert_eq!(again["status"], "PENDING", "{again}");
    let listed = fiu_json(&["data-requests", &consent.handle]);
    assert_eq!(listed["dataRequests"].as_array().unwrap().len(), 2);

    // The customer: every request, then pause, resume and revoke one consent.
    let customer_tool = |args: &[&str]| {
        let mut all = vec![
            "customer",
            "--aa",
            &aa_url,
            "--token",
            &customer.session_token,
        ];
        all.extend_from_slice(args);
        aa_json(&all)
    };
    let all = customer_tool(&["consents", "--status", "all"]);
    let mine = all
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["consentHandle"] == consent.handle.as_str())
        .unwrap_or_else(|| panic!("{all}"));
    assert_eq!(mine["status"], "ACTIVE");
    let consent_id = consent.consent_ids[0].as_str();
    for (action, status) in [
        ("pause", "PAUSED"),
        ("resume", "ACTIVE"),
        ("revoke", "REVOKED"),
    ] {
        let changed = customer_tool(&[action, consent_id]);
        assert_eq!(changed["status"], status, "{action}: {changed}");
        assert_eq!(changed["consentId"], consent_id);
    }
    let active = customer_tool(&["consents", "--status", "active"]);
    let artefact = active
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["artefacts"].as_array().cloned().unwrap_or_default())
        .find(|a| a["consentId"] == consent_id)
        .unwrap_or_else(|| panic!("{active}"));
    assert_eq!(artefact["status"], "REVOKED");
    // A revoked consent cannot be resumed: the AA's refusal reaches the person.
    let refused = std::process::Command::new(aa_e2e::binary("aa"))
        .args([
            "customer",
            "--aa",
            &aa_url,
            "--token",
            &customer.session_token,
            "resume",
            consent_id,
        ])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("409"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}
