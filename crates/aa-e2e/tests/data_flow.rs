//! The financial-data flow end to end over the real binaries (AA, two FIPs, FIU) on loopback,
//! on SQLite and on PostgreSQL: from an ACTIVE consent the FIU requests data, each FIP prepares
//! and encrypts it for the FIU alone, the FIU fetches it through the AA and decrypts it. The
//! FIU's transactions must equal each FIP's own statement after the consent's range, consent
//! types and DataFilter; the AA's database and log must hold none of them; and requests with
//! a wrong `digitalSignature`, an expired key or a range outside the consent are refused, at
//! the AA and at the FIP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aa_e2e::rebit::{digital_signature, fi_request, AS_AA, AS_FIU};
use aa_e2e::walk::{completed_data_request, consent_to_active, login_and_link, ok, s, Consented};
use aa_e2e::{Local, Storage};
use sea_orm::ConnectionTrait;
use serde_json::Value;
use time::{Duration as Span, OffsetDateTime};

/// The FIP back office's token in the `local` environment (fip-service/configuration/local.yaml).
const BANK_TOKEN: &str = "local-bank-back-office-token";

/// The FIP's own postings for a linked account inside the consent's range.
async fn statement(local: &Local, fip_id: &str, link_ref: &str, from: &str, to: &str) -> Value {
    let fip = local.party(fip_id).base_url.clone();
    let from = from.replace(':', "%3A").replace('+', "%2B");
    let to = to.replace(':', "%3A").replace('+', "%2B");
    ok(
        local,
        "GET",
        &format!("{fip}/bank/links/{link_ref}/statement?from={from}&to={to}"),
        Some(BANK_TOKEN),
        None,
    )
    .await
}

/// Which of a statement's postings a DataFilter lets through.
fn passes(filters: &[Value], posting: &Value) -> bool {
    filters.iter().all(|f| {
        let value = s(&f["value"]);
        match s(&f["type"]).as_str() {
            "TRANSACTIONTYPE" => {
                let kind = s(&posting["type"]);
                match s(&f["operator"]).as_str() {
                    "=" => kind == value,
                    "!=" => kind != value,
                    other => panic!("operator {other} on a type"),
                }
            }
            "TRANSACTIONAMOUNT" => {
                let amount: f64 = s(&posting["amount"]).parse().unwrap();
                let limit: f64 = value.parse().unwrap();
                match s(&f["operator"]).as_str() {
                    "=" => amount == limit,
                    "!=" => amount != limit,
                    ">" => amount > limit,
                    "<" => amount < limit,
                    ">=" => amount >= limit,
                    "<=" => amount <= limit,
                    other => panic!("operator {other}"),
                }
            }
            other => panic!("filter type {other}"),
        }
    })
}

/// Checks every account the FIU decrypted against the FIP's statement and returns every
/// narration seen, for the leak checks.
async fn check_against_fips(local: &Local, consent: &Consented, request: &Value) -> Vec<String> {
    let detail = &consent.status["artefacts"][0]["consentDetail"];
    let range = &detail["FIDataRange"];
    let (from, to) = (s(&range["from"]), s(&range["to"]));
    let consent_types: Vec<String> = detail["consentTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(s)
        .collect();
    let filters = detail["DataFilter"].as_array().cloned().unwrap_or_default();
    let mut fips: Vec<String> = request["fips"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| s(&f["fipId"]))
        .collect();
    fips.sort();
    assert_eq!(fips, ["FIP-1", "FIP-2"], "{request}");
    let mut narrations = Vec::new();
    for fip in request["fips"].as_array().unwrap() {
        let fip_id = s(&fip["fipId"]);
        let accounts = fip["accounts"].as_array().unwrap();
        assert!(!accounts.is_empty(), "{fip_id} sent nothing: {request}");
        for account in accounts {
            let link_ref = s(&account["linkRefNumber"]);
            let data = &account["data"];
            assert!(
                data.is_object(),
                "{fip_id}/{link_ref} not decrypted: {account}"
            );
            assert_eq!(data["maskedAccNumber"], account["maskedAccNumber"]);
            assert_eq!(
                data["profile"].is_object(),
                consent_types.iter().any(|t| t == "PROFILE"),
                "profile against consentTypes {consent_types:?}"
            );
            assert_eq!(
                data["summary"].is_object(),
                consent_types.iter().any(|t| t == "SUMMARY")
            );
            let source = statement(local, &fip_id, &link_ref, &from, &to).await;
            let expected: Vec<&Value> = source["transactions"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| passes(&filters, p))
                .collect();
            let got: Vec<Value> = data["transactions"]["transaction"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            assert_eq!(
                got.iter().map(|t| s(&t["txnId"])).collect::<Vec<_>>(),
                expected.iter().map(|t| s(&t["txnId"])).collect::<Vec<_>>(),
                "{fip_id}/{link_ref}: transactions differ from the bank's after range and filters"
            );
            for (g, e) in got.iter().zip(&expected) {
                assert_eq!(g["amount"], e["amount"], "{fip_id}/{link_ref}");
                assert_eq!(g["narration"], e["narration"], "{fip_id}/{link_ref}");
                assert_eq!(g["type"], e["type"], "{fip_id}/{link_ref}");
                narrations.push(s(&g["narration"]));
            }
        }
    }
    narrations
}

/// Every text the AA stores, as one string: the SQLite files' bytes, or every PostgreSQL row
/// as JSON.
async fn aa_database_text(local: &Local) -> String {
    let aa = local.service("aa-service");
    match &aa.database_url {
        None => {
            let mut text = String::new();
            for suffix in ["", "-wal", "-journal"] {
                let path = aa.data_dir.join(format!("aa-service.db{suffix}"));
                if let Ok(bytes) = std::fs::read(&path) {
                    text.push_str(&String::from_utf8_lossy(&bytes));
                }
            }
            assert!(
                !text.is_empty(),
                "no AA database under {}",
                aa.data_dir.display()
            );
            text
        }
        Some(url) => {
            let db = sea_orm::Database::connect(url).await.unwrap();
            let backend = db.get_database_backend();
            let tables = db
                .query_all(sea_orm::Statement::from_string(
                    backend,
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                        .to_owned(),
                ))
                .await
                .unwrap();
            let mut text = String::new();
            for row in tables {
                let table: String = row.try_get("", "table_name").unwrap();
                let rows = db
                    .query_all(sea_orm::Statement::from_string(
                        backend,
                        format!("SELECT row_to_json(t)::text AS j FROM \"{table}\" t"),
                    ))
                    .await
                    .unwrap();
                for r in rows {
                    let j: String = r.try_get("", "j").unwrap();
                    text.push_str(&j);
                }
            }
            text
        }
    }
}

async fn refusals(local: &Local, consent: &Consented) {
    let artefact = &consent.status["artefacts"][0];
    let consent_id = s(&artefact["consentId"]);
    let fip_id = s(&artefact["fipId"]);
    let range = &artefact["consentDetail"]["FIDataRange"];
    let (from, to) = (s(&range["from"]), s(&range["to"]));
    let signature = digital_signature(local, &consent_id).await;
    let mut forged = signature.clone().into_bytes();
    forged[10] = if forged[10] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).unwrap();
    let later = OffsetDateTime::now_utc() + Span::hours(1);
    let earlier = OffsetDateTime::now_utc() - Span::minutes(1);
    let beyond = aa_core::timefmt::format_millis(OffsetDateTime::now_utc() + Span::days(400));

    let aa = local.service("aa-service").base_url.clone();
    let fip = local.party(&fip_id).base_url.clone();
    let targets = [
        (format!("{aa}/FI/request"), AS_FIU),
        (format!("{fip}/FI/request"), AS_AA),
    ];
    for (url, caller) in targets {
        let (status, body) = fi_request(
            local,
            &url,
            caller,
            &consent_id,
            &forged,
            (&from, &to),
            later,
        )
        .await;
        assert_eq!(status, 400, "wrong digitalSignature at {url}: {body}");
        let code = s(&body["errorCode"]);
        assert!(
            [
                "InvalidConsentDetail",
                "InvalidRequest",
                "SignatureDoesNotMatch",
                "InvalidConsentId"
            ]
            .contains(&code.as_str()),
            "wrong digitalSignature at {url}: {body}"
        );

        let (status, body) = fi_request(
            local,
            &url,
            caller,
            &consent_id,
            &signature,
            (&from, &to),
            earlier,
        )
        .await;
        assert_eq!(
            (status, s(&body["errorCode"])),
            (400, "InvalidKey".into()),
            "expired key at {url}: {body}"
        );

        let (status, body) = fi_request(
            local,
            &url,
            caller,
            &consent_id,
            &signature,
            (&from, &beyond),
            later,
        )
        .await;
        assert_eq!(
            (status, s(&body["errorCode"])),
            (400, "InvalidDateRange".into()),
            "range beyond the consent at {url}: {body}"
        );
    }
}

async fn data_flow(storage: Storage) {
    let local = Local::start(storage).await;
    let customer = login_and_link(&local).await;

    // A full look (profile, summary, transactions, no filter), fetched automatically once the
    // consent is ACTIVE.
    let full = consent_to_active(&local, &customer, "loan-underwriting").await;
    let request = completed_data_request(&local, &full.handle).await;
    let mut narrations = check_against_fips(&local, &full, &request).await;
    assert!(
        !narrations.is_empty(),
        "no transactions came through: {request}"
    );

    // A filtered look: summary and transactions only, credits of ₹1,000 or more.
    let filtered = consent_to_active(&local, &customer, "income-check").await;
    let request = completed_data_request(&local, &filtered.handle).await;
    narrations.extend(check_against_fips(&local, &filtered, &request).await);

    // The AA passed ciphertext through: its database and log hold none of the data.
    let stored = aa_database_text(&local).await;
    let log = std::fs::read_to_string(&local.service("aa-service").log).unwrap();
    let distinctive: Vec<&String> = narrations.iter().filter(|n| n.len() >= 12).collect();
    assert!(!distinctive.is_empty());
    for narration in distinctive {
        assert!(
            !stored.contains(narration.as_str()),
            "the AA stored {narration:?}"
        );
        assert!(
            !log.contains(narration.as_str()),
            "the AA logged {narration:?}"
        );
    }
    assert!(!log.contains("encryptedFI"), "the AA logged ciphertext");

    // The FI crypto is timed where it happens: encryption at the FIP, decryption at the FIU.
    for (party, op) in [("FIP-1", "fi_encrypt"), ("FIU-1", "fi_decrypt")] {
        let base_url = &local.party(party).base_url;
        let text = reqwest::get(format!("{base_url}/metrics"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let series = format!("aa_operation_duration_seconds_count{{op=\"{op}\"}}");
        let count: f64 = text
            .lines()
            .find_map(|line| line.strip_prefix(series.as_str())?.trim().parse().ok())
            .unwrap_or(0.0);
        assert!(count >= 1.0, "{party} timed no {op}: {text}");
    }

    refusals(&local, &full).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_flow_end_to_end_on_sqlite() {
    data_flow(Storage::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_flow_end_to_end_on_postgresql() {
    data_flow(Storage::Postgres).await;
}
