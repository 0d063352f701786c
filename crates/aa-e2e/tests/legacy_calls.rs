//! The FIU against an AA reached by the 1.1.x GETs only (`consent_calls: get`, `fi.fetch: get`),
//! over the real binaries: the artefacts come from `GET /Consent/{id}` and the data from
//! `GET /FI/fetch/{sessionId}`, and the whole loop still completes with decrypted data.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aa_e2e::walk::login_and_link;
use aa_e2e::{Local, Storage};

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
async fn the_fiu_completes_the_loop_over_the_1_1_x_gets_alone() {
    let mut options = Local::options(Storage::Sqlite).await;
    for (name, value) in [("CONSENT_CALLS", "get"), ("FI__FETCH", "get")] {
        options
            .extra_settings
            .push(("FIU-1", name.into(), value.into()));
    }
    let local = Local::start_with(options).await;
    let customer = login_and_link(&local).await;
    let walker = local.walker();
    let (_, request) = walker
        .full_loop(&customer)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", local.logs()));
    assert_eq!(request["status"], "COMPLETED", "{request}");

    let aa = local.service("aa-service").base_url.clone();
    let seen = metrics(&aa).await;
    let get = |endpoint: &str| {
        sample(
            &seen,
            &format!(
                r#"aa_http_requests_total{{endpoint="{endpoint}",method="GET",status="200",caller="fiu"}}"#
            ),
        )
    };
    assert!(get("/Consent/{id}") >= 1.0, "no artefact GET: {seen}");
    assert!(get("/FI/fetch/{session_id}") >= 1.0, "no FI GET: {seen}");
    let posts = |endpoint: &str| {
        sample(
            &seen,
            &format!(
                r#"aa_http_requests_total{{endpoint="{endpoint}",method="POST",status="200",caller="fiu"}}"#
            ),
        )
    };
    assert_eq!(posts("/Consent/fetch"), 0.0, "{seen}");
    assert_eq!(posts("/FI/fetch"), 0.0, "{seen}");
}
