//! The FI documents this FIP writes are valid against the ReBIT XSDs (copied into
//! `tests/fixtures/fi-schemas/`), judged by an independent validator: Python `xmlschema`
//! (XSD 1.1). Every account of both shipped seed files is written with profile, summary and
//! its whole statement. Needs `python3` with `xmlschema` (`pip install xmlschema`); without
//! them the test fails, it never skips.

use std::path::{Path, PathBuf};
use std::process::Command;

use aa_core::rebit::FiType;
use fip_service::bank::dates;
use fip_service::bank::history;
use fip_service::bank::seed::SeedFile;
use fip_service::domain::account::{mask, StatementLine};
use fip_service::domain::account::{AccountFacts, Holder};
use fip_service::fi::document::{self, Wanted};

const VALIDATE: &str = r#"
import sys, xmlschema
schema = xmlschema.XMLSchema11(sys.argv[1])
bad = 0
for path in sys.argv[2:]:
    errors = list(schema.iter_errors(path))
    if errors:
        bad += 1
        print(f"invalid {path}: {errors[0].reason} at {errors[0].path}")
    else:
        print(f"ok {path}")
sys.exit(1 if bad else 0)
"#;

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn documents(seed_file: &str, out: &Path) -> Vec<(FiType, PathBuf)> {
    let file = SeedFile::load(&manifest().join("configuration/seed").join(seed_file)).unwrap();
    let until = dates::parse_date("2025-03-31").unwrap();
    let mut written = Vec::new();
    for customer in &file.customers {
        for account in &customer.accounts {
            let generated = history::generate(file.seed, account, until);
            let lines: Vec<StatementLine> = generated
                .postings
                .iter()
                .map(|p| StatementLine {
                    txn_id: p.txn_id.clone(),
                    kind: p.kind.to_owned(),
                    mode: p.mode.to_owned(),
                    amount_paise: p.amount.0,
                    balance_paise: p.balance.0,
                    at_ms: aa_runtime::clock::millis(p.at),
                    value_date: dates::format_date(p.value_date),
                    narration: p.narration.clone(),
                    reference: p.reference.clone(),
                })
                .collect();
            let facts = AccountFacts {
                account_id: account.number.clone(),
                masked_acc_number: mask(&account.number),
                fi_type: account.fi_type,
                acc_type: account.acc_type(),
                currency: account.currency.clone(),
                branch: account.branch.clone(),
                ifsc: account.ifsc.clone(),
                micr: account.micr.clone(),
                opening_date: dates::format_date(generated.opened),
                status: "ACTIVE".into(),
                nominee: account.nominee.as_str().to_owned(),
                summary: serde_json::to_value(&generated.summary).unwrap(),
            };
            let holder = Holder {
                name: customer.name.clone(),
                dob: dates::format_date(customer.dob.0),
                mobile: customer.mobile.clone(),
                email: customer.email.clone(),
                address: customer.address.clone(),
                landline: customer.landline.clone(),
                pan: customer.pan.clone(),
                ckyc_compliance: customer.ckyc_compliance,
            };
            let wanted = Wanted {
                profile: true,
                summary: true,
                transactions: true,
                from: time::OffsetDateTime::UNIX_EPOCH,
                to: time::macros::datetime!(2030-01-01 0:00 UTC),
                rules: Vec::new(),
            };
            let first = lines.first().map(|l| l.txn_id.clone());
            let xml = document::build_xml(&facts, &holder, "link-ref-1", lines, &wanted)
                .unwrap_or_else(|e| panic!("{}: {e}", account.number));
            assert!(first.is_none_or(|id| xml.contains(&id)));
            let path = out.join(format!("{}-{}.xml", seed_file, account.number));
            std::fs::write(&path, xml).unwrap();
            written.push((account.fi_type, path));
        }
    }
    written
}

#[test]
fn every_fi_type_the_bank_writes_is_valid_against_its_xsd() {
    let dir = tempfile_dir();
    let mut docs = documents("fip-1.yaml", &dir);
    docs.extend(documents("fip-2.yaml", &dir));
    for (fi_type, xsd) in [
        (FiType::Deposit, "deposit.xsd"),
        (FiType::TermDeposit, "term_deposit.xsd"),
        (FiType::RecurringDeposit, "recurring_deposit.xsd"),
    ] {
        let paths: Vec<&PathBuf> = docs
            .iter()
            .filter(|d| d.0 == fi_type)
            .map(|d| &d.1)
            .collect();
        assert!(!paths.is_empty(), "no {fi_type} account in the seed files");
        let output = Command::new("python3")
            .arg("-c")
            .arg(VALIDATE)
            .arg(manifest().join("tests/fixtures/fi-schemas").join(xsd))
            .args(&paths)
            .output()
            .expect("python3 must be installed");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !stderr.contains("ModuleNotFoundError"),
            "xmlschema is missing: pip install xmlschema\n{stderr}"
        );
        assert_eq!(
            stdout.lines().filter(|l| l.starts_with("ok ")).count(),
            paths.len(),
            "{xsd}: {stdout}{stderr}"
        );
        assert!(output.status.success(), "{xsd}: {stdout}{stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A fresh directory under the system's temporary directory.
fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fip-fi-xsd-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
