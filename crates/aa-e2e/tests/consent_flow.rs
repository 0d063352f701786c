//! End to end over the real binaries (AA, two FIPs, FIU) on loopback: a customer logs in to the
//! AA, discovers and links accounts at both FIPs with their OTPs, an FIU asks for consent, the
//! customer approves, and the signed artefacts reach the FIU (verified) and both FIPs. Run on
//! SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use aa_core::jws::compact;
use aa_e2e::walk::{consent_to_active, login_and_link, ok, s, Consented, Linked, HANDLE};
use aa_e2e::{Local, Storage, FIU_APP_TOKEN};
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

async fn walk(storage: Storage) {
    let local = Local::start(storage).await;
    let aa = local.service("aa-service").base_url.clone();
    let fiu = local.service("fiu-service").base_url.clone();
    // Log in, discover and link at both FIPs, the FIU asks for consent, the customer approves,
    // and the FIU ends up holding both artefacts, ACTIVE and verified.
    let templates = ok(
        &local,
        "GET",
        &format!("{fiu}/app/templates"),
        Some(FIU_APP_TOKEN),
        None,
    )
    .await;
    let template = s(&templates[0]["name"]);
    let Linked {
        session_token,
        linked,
    } = login_and_link(&local).await;
    let customer = Linked {
        session_token: session_token.clone(),
        linked: linked.clone(),
    };
    let Consented {
        consent_ids,
        status,
        handle,
    } = consent_to_active(&local, &customer, &template).await;
    assert_eq!(consent_ids.len(), 2, "one artefact per FIP");
    let accounts = ok(
        &local,
        "GET",
        &format!("{aa}/customer/accounts"),
        Some(session_token.as_str()),
        None,
    )
    .await;
    assert_eq!(accounts.as_array().unwrap().len(), linked.len());
    let mut fips: Vec<String> = status["artefacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| s(&a["fipId"]))
        .collect();
    fips.sort();
    assert_eq!(fips, ["FIP-1", "FIP-2"]);

    // Independently of the FIU: fetch each artefact from the AA as FIU-1 and verify the AA's
    // signature ourselves.
    let aa_key = local.signer("AA-1").verifying_key();
    for consent_id in &consent_ids {
        let body = serde_json::to_vec(&json!({
            "ver": "2.0.0",
            "timestamp": aa_core::timefmt::now_millis(),
            "txnid": uuid::Uuid::new_v4().to_string(),
            "consentId": consent_id,
        }))
        .unwrap();
        let key = local.api_key("FIU-1");
        let answer = aa_testkit::post_signed(
            &format!("{aa}/Consent/fetch"),
            Some(("client_api_key", &key)),
            Some(&local.signer("FIU-1")),
            &body,
        )
        .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        let signed = s(&answer.body["signedConsent"]);
        let verified =
            compact::verify(&signed, |kid| (kid == aa_key.kid()).then_some(&aa_key)).unwrap();
        let detail: Value = serde_json::from_slice(&verified.payload).unwrap();
        assert_eq!(detail["Customer"]["id"], HANDLE);
        assert_eq!(detail["DataConsumer"]["id"], "FIU-1");
    }

    // Both FIPs hold their artefact, ACTIVE: the AA's outbox delivered `POST /Consent` to each,
    // and each FIP verified and stored it. Read from each FIP's own database.
    let deadline = Instant::now() + Duration::from_secs(30);
    for fip in ["fip-service-FIP-1", "fip-service-FIP-2"] {
        let service = local.service(fip);
        let url = service.database_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=ro",
                service.data_dir.join("fip-service.db").display()
            )
        });
        let db = sea_orm::Database::connect(url).await.unwrap();
        loop {
            let rows = db
                .query_all(sea_orm::Statement::from_string(
                    db.get_database_backend(),
                    "SELECT consent_id, status FROM consents".to_owned(),
                ))
                .await
                .unwrap();
            let held: Vec<(String, String)> = rows
                .iter()
                .map(|r| {
                    (
                        r.try_get("", "consent_id").unwrap(),
                        r.try_get("", "status").unwrap(),
                    )
                })
                .collect();
            if held.len() == 1 && consent_ids.contains(&held[0].0) && held[0].1 == "ACTIVE" {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{fip} holds {held:?}\n{}",
                local.logs()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    // The same state through the `aa` tool, as a person walking the flow would see it.
    let aa_tool = |args: &[&str]| {
        let out = std::process::Command::new(aa_e2e::binary("aa"))
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "aa {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let listed = aa_tool(&[
        "customer",
        "--aa",
        &aa,
        "--token",
        &session_token,
        "accounts",
    ]);
    assert_eq!(listed.as_array().unwrap().len(), linked.len());
    let shown = aa_tool(&[
        "fiu",
        "--fiu",
        &fiu,
        "--token",
        FIU_APP_TOKEN,
        "status",
        &handle,
    ]);
    assert_eq!(shown["artefacts"].as_array().unwrap().len(), 2);

    // Nothing secret in the AA's log: no JWS, no API key.
    let aa_log = std::fs::read_to_string(&local.service("aa-service").log).unwrap();
    assert!(
        !aa_log.contains("eyJhbGciOiJSUzI1NiI"),
        "a JWS or token was logged by the AA"
    );
    // The FIU's consent request has its access line at the AA, by route pattern and caller.
    assert!(
        aa_log.lines().any(|l| l.contains("http.endpoint=/Consent ")
            && l.contains("caller.id=FIU-1")
            && l.contains("http.status=200")),
        "no access line for the FIU's POST /Consent in the AA's log"
    );

    // The traffic shows on every role's /metrics.
    let aa_metrics = metrics(&aa).await;
    let consent_posts = sample(
        &aa_metrics,
        r#"aa_http_requests_total{endpoint="/Consent",method="POST",status="200",caller="fiu"}"#,
    );
    assert!(consent_posts >= 1.0, "{aa_metrics}");
    let to_fiu = sample(
        &aa_metrics,
        r#"aa_outbound_requests_total{counterparty="FIU-1",outcome="ok"}"#,
    );
    assert!(to_fiu >= 1.0, "the AA notified the FIU: {aa_metrics}");
    let fiu_metrics = metrics(&fiu).await;
    let sent_to_aa = sample(
        &fiu_metrics,
        r#"aa_outbound_requests_total{counterparty="AA-1",outcome="ok"}"#,
    );
    assert!(sent_to_aa >= 1.0, "{fiu_metrics}");
    let fip = local.party("FIP-1").base_url.clone();
    let fip_metrics = metrics(&fip).await;
    assert!(fip_metrics.contains("aa_operation_duration_seconds_count{op=\"jws_verify\"}"));
}

/// The `/metrics` text of a role (open: the local set-up has no admin token).
async fn metrics(base_url: &str) -> String {
    let response = reqwest::get(format!("{base_url}/metrics")).await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    response.text().await.unwrap()
}

/// The value of the sample line that starts with `series`, 0 when absent.
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_flow_end_to_end_on_sqlite() {
    walk(Storage::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_flow_end_to_end_on_postgresql() {
    walk(Storage::Postgres).await;
}
