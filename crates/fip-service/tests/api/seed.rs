//! The seed file in the database: loaded once, idempotently, with consistent statements.

use std::path::Path;

use fip_service::bank::dates;
use fip_service::bank::seed::SeedFile;
use fip_service::persistence::seed::SeedReport;

use crate::helpers::TestApp;

fn seed_file() -> SeedFile {
    SeedFile::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("configuration/seed/fip-1.yaml"))
        .unwrap()
}

#[actix_web::test]
async fn loading_the_seed_again_adds_nothing_and_keeps_every_reference() {
    let app = TestApp::spawn().await;
    let before = app.discover().await;
    let size = app.store.bank_size().await.unwrap();
    let report = app
        .store
        .load_seed(&seed_file(), dates::today_ist())
        .await
        .unwrap();
    assert_eq!(report, SeedReport::default());
    assert_eq!(app.store.bank_size().await.unwrap(), size);
    assert_eq!(app.discover().await, before);
}

#[actix_web::test]
async fn stored_statements_add_up_and_cover_the_last_year() {
    let app = TestApp::spawn().await;
    let accounts = app.discover().await;
    let refs: Vec<String> = accounts
        .iter()
        .map(|a| a["accRefNumber"].as_str().unwrap().to_owned())
        .collect();
    let stored = app.store.accounts_by_ref(&refs).await.unwrap();
    let savings = stored
        .iter()
        .find(|a| a.masked_acc_number.ends_with("7812"))
        .unwrap();
    let lines = app.store.statement(&savings.id).await.unwrap();
    assert!(lines.len() > 300, "{}", lines.len());
    let mut balance = lines[0].balance_paise
        + if lines[0].kind == "DEBIT" {
            lines[0].amount_paise
        } else {
            -lines[0].amount_paise
        };
    for line in &lines {
        balance += if line.kind == "CREDIT" {
            line.amount_paise
        } else {
            -line.amount_paise
        };
        assert_eq!(balance, line.balance_paise, "{}", line.txn_id);
        assert!(["CREDIT", "DEBIT"].contains(&line.kind.as_str()));
    }
    assert!(lines.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
    let last = lines.last().unwrap();
    assert!(last.value_date <= dates::format_date(dates::today_ist()));
    let first_day = dates::parse_date(&lines[0].value_date).unwrap();
    let span = dates::today_ist() - first_day;
    assert!(
        span.whole_days() >= 360 && span.whole_days() <= 366,
        "{span}"
    );
}
