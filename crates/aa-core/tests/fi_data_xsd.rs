//! What `fi_data` writes is valid against the ReBIT FI schemas, judged by an independent
//! validator (Python `xmlschema`, XSD 1.1, `scripts/interop/validate_fi.py`), and what the
//! validator rejects our reader rejects too. Needs `python3` with `xmlschema`
//! (`scripts/test.sh` installs it); the test fails, never skips, without them.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use aa_core::fi_data::{Account, Attrs, Profile, Summary, Transactions};
use aa_core::rebit::FiType;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn xsd(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/fi-schemas/{name}"))
}

fn validate(schema: &str, docs: &[PathBuf]) -> (bool, String) {
    let output = Command::new("python3")
        .arg(workspace().join("scripts/interop/validate_fi.py"))
        .arg(xsd(schema))
        .args(docs)
        .output()
        .expect("python3 must be installed");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("ModuleNotFoundError"),
        "xmlschema is missing: pip install -r scripts/interop/requirements.txt\n{stderr}"
    );
    assert!(
        stdout.lines().count() == docs.len(),
        "validator failed to run: {stdout}{stderr}"
    );
    (output.status.success(), stdout)
}

fn holders() -> Profile {
    Profile {
        holders_type: "JOINT".into(),
        holders: vec![
            Attrs::new()
                .with("name", "Asha Rao")
                .with("dob", "1990-01-31")
                .with("mobile", "9999999999")
                .with("nominee", "REGISTERED")
                .with("address", "12, 4th Cross & Main <Blr>")
                .with("email", "asha@example.com")
                .with("pan", "ABCDE1234F")
                .with("ckycCompliance", "true"),
            Attrs::new()
                .with("name", "Ravi Rao")
                .with("dob", "1988-07-04")
                .with("mobile", "9999999998")
                .with("nominee", "NOT-REGISTERED"),
        ],
    }
}

fn deposit(transactions: usize) -> Account {
    Account {
        fi_type: FiType::Deposit,
        masked_acc_number: "XXXXXXXX4020".into(),
        linked_acc_ref: "6f1f2a2c-1d7e-4b51-9d43-2b9c0a3f0e11".into(),
        version: "1.1".into(),
        profile: Some(holders()),
        summary: Some(Summary {
            attrs: Attrs::new()
                .with("currentBalance", "101.50")
                .with("currency", "INR")
                .with("balanceDateTime", "2025-11-22T23:59:59+05:30")
                .with("type", "CURRENT")
                .with("branch", "Indiranagar")
                .with("facility", "OD")
                .with("ifscCode", "LOCL0000001")
                .with("micrCode", "560000001")
                .with("openingDate", "2020-04-01")
                .with("currentODLimit", "50000")
                .with("drawingLimit", "45000")
                .with("status", "ACTIVE"),
            pending: vec![Attrs::new()
                .with("transactionType", "DEBIT")
                .with("amount", "20.0")],
        }),
        transactions: Some(Transactions {
            start_date: "2025-01-01".into(),
            end_date: "2025-01-31".into(),
            list: (0..transactions)
                .map(|i| {
                    Attrs::new()
                        .with("txnId", format!("T{i}"))
                        .with("type", if i % 2 == 0 { "DEBIT" } else { "CREDIT" })
                        .with(
                            "mode",
                            ["CASH", "ATM", "CARD", "UPI", "FT", "OTHERS"][i % 6],
                        )
                        .with("amount", "250.00")
                        .with("currentBalance", "101.50")
                        .with("transactionTimestamp", "2025-01-05T10:11:12.345+05:30")
                        .with("valueDate", "2025-01-05")
                        .with("narration", "UPI/Chai & \"Snacks\" <Co>\tline\nnext")
                        .with("reference", "RRN0001")
                })
                .collect(),
        }),
    }
}

fn term(fi_type: FiType) -> Account {
    let recurring = fi_type == FiType::RecurringDeposit;
    let mut summary = Attrs::new()
        .with(
            "accountType",
            if recurring { "RECURRING" } else { "TAX-SAVING" },
        )
        .with("branch", "MG Road")
        .with("openingDate", "2024-01-01")
        .with("ifsc", "LOCL0000002")
        .with("maturityAmount", "110000.00")
        .with("maturityDate", "2025-01-01")
        .with("description", "one year")
        .with("interestPayout", "OnMaturity")
        .with("interestRate", "7.10")
        .with("principalAmount", "100000.00")
        .with("tenureDays", "0")
        .with("tenureMonths", "0")
        .with("tenureYears", "1")
        .with("interestComputation", "COMPOUND")
        .with("compoundingFrequency", "QUARTERLY")
        .with("interestPeriodicPayoutAmount", "0")
        .with("interestOnMaturity", "10000.00")
        .with("currentValue", "105000.00");
    if recurring {
        summary.push("recurringAmount", "5000.00");
        summary.push("recurringDepositDay", "5");
    }
    Account {
        fi_type,
        masked_acc_number: "XXXX1111".into(),
        linked_acc_ref: "ref-1".into(),
        version: "1.1".into(),
        profile: Some(holders()),
        summary: Some(Summary {
            attrs: summary,
            pending: vec![],
        }),
        transactions: Some(Transactions {
            start_date: "2024-01-01".into(),
            end_date: "2024-12-31".into(),
            list: [
                "OPENING",
                "INSTALLMENT",
                "INTEREST",
                "TDS",
                "CLOSING",
                "OTHERS",
            ]
            .iter()
            .enumerate()
            .map(|(i, kind)| {
                Attrs::new()
                    .with("txnId", format!("O{i}"))
                    .with("amount", "100.00")
                    .with("narration", format!("{kind} posting"))
                    .with("type", *kind)
                    .with(
                        "mode",
                        ["CASH", "ATM", "CARD_PAYMENT", "UPI", "FT", "OTHERS"][i],
                    )
                    .with("balance", "100000.00")
                    .with("transactionDateTime", "2024-01-01T10:00:00+05:30")
                    .with("valueDate", "2024-01-01")
                    .with("reference", "R1")
            })
            .collect(),
        }),
    }
}

#[test]
fn every_document_we_write_is_valid_against_its_xsd() {
    let dir = tempfile::tempdir().unwrap();
    let mut only_profile = deposit(0);
    only_profile.summary = None;
    only_profile.transactions = None;
    let cases = [
        ("deposit.xsd", "deposit.xml", deposit(25)),
        ("deposit.xsd", "deposit-empty.xml", deposit(0)),
        ("deposit.xsd", "deposit-profile.xml", only_profile),
        ("term_deposit.xsd", "term.xml", term(FiType::TermDeposit)),
        (
            "recurring_deposit.xsd",
            "recurring.xml",
            term(FiType::RecurringDeposit),
        ),
    ];
    for (schema, file, account) in cases {
        let path = dir.path().join(file);
        let xml = account.to_xml().unwrap();
        std::fs::write(&path, &xml).unwrap();
        let (valid, report) = validate(schema, &[path]);
        assert!(valid, "{file} is not valid against {schema}: {report}");
        assert_eq!(Account::parse(xml.as_bytes()).unwrap(), account, "{file}");
    }
}

#[test]
fn documents_the_xsd_rejects_are_rejected_by_our_reader_too() {
    let dir = tempfile::tempdir().unwrap();
    let good = deposit(2).to_xml().unwrap();
    let bad = [
        good.replace("mode=\"CASH\"", "mode=\"CHEQUE\""),
        good.replace("valueDate=\"2025-01-05\"", "valueDate=\"05-01-2025\""),
        good.replace(" narration=", " colour=\"red\" narration="),
        good.replace(" nominee=\"REGISTERED\"", ""),
        good.replace("version=\"1.1\"", "version=\"3.0\""),
        good.replace("pan=\"ABCDE1234F\"", "pan=\"ABCDE12345\""),
    ];
    for (i, doc) in bad.iter().enumerate() {
        let path = dir.path().join(format!("bad-{i}.xml"));
        std::fs::write(&path, doc).unwrap();
        let (valid, report) = validate("deposit.xsd", &[path]);
        assert!(!valid, "the XSD accepted case {i}: {report}");
        assert!(
            Account::parse(doc.as_bytes()).is_err(),
            "our reader accepted case {i}, which the XSD rejects: {report}"
        );
    }
}
