use super::*;

fn deposit() -> Account {
    Account {
        fi_type: FiType::Deposit,
        masked_acc_number: "XXXXXXXX4020".into(),
        linked_acc_ref: "1b2c3d4e-0000-4000-8000-000000000001".into(),
        version: SCHEMA_VERSION.into(),
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
            pending: vec![Attrs::new()
                .with("transactionType", "DEBIT")
                .with("amount", "20.0")],
        }),
        transactions: Some(Transactions {
            start_date: "2025-01-01".into(),
            end_date: "2025-01-31".into(),
            list: vec![Attrs::new()
                .with("txnId", "T1")
                .with("type", "DEBIT")
                .with("mode", "UPI")
                .with("amount", "250.00")
                .with("currentBalance", "101.50")
                .with("transactionTimestamp", "2025-01-05T10:11:12+05:30")
                .with("valueDate", "2025-01-05")
                .with("narration", "UPI/Chai & \"Snacks\" <Co>\tline\nnext")
                .with("reference", "RRN0001")],
        }),
    }
}

#[test]
fn a_deposit_account_reads_back_from_its_own_xml() {
    let account = deposit();
    let xml = account.to_xml().unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Account xmlns=\"http://api.rebit.org.in/FISchema/deposit\" type=\"deposit\""));
    assert_eq!(Account::from_xml(xml.as_bytes()).unwrap(), account);
    assert_eq!(Account::parse(xml.as_bytes()).unwrap(), account);
}

#[test]
fn attributes_are_written_in_schema_order_whatever_order_they_were_given_in() {
    let mut account = deposit();
    let summary = account.summary.as_mut().unwrap();
    let mut reversed = Attrs::new();
    for (name, value) in summary.attrs.iter().collect::<Vec<_>>().into_iter().rev() {
        reversed.push(name, value);
    }
    summary.attrs = reversed;
    let xml = account.to_xml().unwrap();
    assert_eq!(xml, deposit().to_xml().unwrap());
}

#[test]
fn the_json_form_round_trips_and_has_the_documented_shape() {
    let account = deposit();
    let json = serde_json::to_value(&account).unwrap();
    assert_eq!(json["type"], "deposit");
    assert_eq!(json["profile"]["holders"]["holder"][0]["pan"], "ABCDE1234F");
    assert_eq!(json["summary"]["pending"][0]["amount"], "20.0");
    assert_eq!(json["transactions"]["transaction"][0]["txnId"], "T1");
    let bytes = serde_json::to_vec(&account).unwrap();
    assert_eq!(Account::from_json(&bytes).unwrap(), account);
    assert_eq!(Account::parse(&bytes).unwrap(), account);
    let wrapped = serde_json::to_vec(&serde_json::json!({ "account": json })).unwrap();
    assert_eq!(Account::parse(&wrapped).unwrap(), account);
}

#[test]
fn the_spec_samples_parse_where_they_are_valid() {
    // The samples leave required values empty (balance, dates of holders are fine); the
    // structure must still read, and the value checks must name the first bad attribute.
    for (file, fi_type) in [
        ("Deposit.xml", FiType::Deposit),
        ("Term_Deposit.xml", FiType::TermDeposit),
        ("Recurring_deposit.xml", FiType::RecurringDeposit),
    ] {
        let path = format!(
            "{}/tests/fixtures/fi-schemas/{file}",
            env!("CARGO_MANIFEST_DIR")
        );
        let bytes = std::fs::read(&path).unwrap();
        let account = xml_read::read(&bytes).unwrap();
        assert_eq!(account.fi_type, fi_type, "{file}");
        assert_eq!(
            account.transactions.as_ref().unwrap().list.len(),
            1,
            "{file}"
        );
        assert_eq!(account.profile.as_ref().unwrap().holders_type, "JOINT");
    }
}

#[test]
fn unknown_attributes_and_bad_values_are_refused_when_writing() {
    let mut account = deposit();
    account.transactions.as_mut().unwrap().list[0].push("colour", "red");
    assert!(
        matches!(account.to_xml(), Err(FiDataError::Invalid { element, .. }) if element == "Transaction")
    );

    let mut account = deposit();
    account.transactions.as_mut().unwrap().list[0].push("mode", "CHEQUE");
    assert!(account.to_xml().is_err());

    let mut account = deposit();
    account.summary.as_mut().unwrap().attrs = Attrs::new().with("currentBalance", "1");
    let err = account.to_xml().unwrap_err().to_string();
    assert!(
        err.contains("required attribute \"balanceDateTime\""),
        "{err}"
    );

    let mut account = deposit();
    account.fi_type = FiType::Equities;
    assert!(matches!(
        account.to_xml(),
        Err(FiDataError::UnsupportedType(_))
    ));
}

#[test]
fn hostile_or_malformed_xml_is_refused_without_panicking() {
    let good = deposit().to_xml().unwrap();
    let cases = [
        String::new(),
        "<Account".into(),
        "<!DOCTYPE Account [<!ENTITY x \"y\">]><Account/>".into(),
        good.replace("<Profile>", "<Profile>text"),
        good.replace("<Transactions ", "<Transactionz "),
        good.replace(
            "xmlns=\"http://api.rebit.org.in/FISchema/deposit\"",
            "xmlns=\"urn:other\"",
        ),
        good.replace("type=\"deposit\"", "type=\"equities\""),
        good.replace("</Account>", "</Account><Account/>"),
        good.replace(
            "<Summary",
            "<Transactions startDate=\"2025-01-01\" endDate=\"2025-01-01\"/><Summary",
        ),
        good.replace("txnId=\"T1\"", "txnId=\"T1\" txnId=\"T2\""),
        good.replace("amount=\"250.00\"", "amount=\"2,50\""),
        good[..good.len() / 2].to_string(),
    ];
    for case in cases {
        assert!(Account::parse(case.as_bytes()).is_err(), "accepted: {case}");
    }
}

#[test]
fn term_and_recurring_deposits_use_their_own_tables() {
    let summary = |recurring: bool| {
        let mut a = Attrs::new()
            .with("accountType", if recurring { "RECURRING" } else { "FIXED" })
            .with("branch", "MG Road")
            .with("openingDate", "2024-01-01")
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
            a.push("recurringAmount", "5000.00");
            a.push("recurringDepositDay", "5");
        }
        a
    };
    for (fi_type, recurring) in [
        (FiType::TermDeposit, false),
        (FiType::RecurringDeposit, true),
    ] {
        let account = Account {
            fi_type,
            masked_acc_number: "XXXX1111".into(),
            linked_acc_ref: "ref".into(),
            version: "1.1".into(),
            profile: None,
            summary: Some(Summary {
                attrs: summary(recurring),
                pending: vec![],
            }),
            transactions: Some(Transactions {
                start_date: "2024-01-01".into(),
                end_date: "2024-12-31".into(),
                list: vec![Attrs::new()
                    .with("txnId", "O1")
                    .with("amount", "100000.00")
                    .with("narration", "opening")
                    .with("type", "OPENING")
                    .with("mode", "FT")
                    .with("balance", "100000.00")
                    .with("transactionDateTime", "2024-01-01T10:00:00+05:30")
                    .with("valueDate", "2024-01-01")
                    .with("reference", "R1")],
            }),
        };
        let xml = account.to_xml().unwrap();
        assert_eq!(Account::parse(xml.as_bytes()).unwrap(), account);
        // A recurring-only attribute is not a term-deposit attribute, and the reverse holds
        // for pending amounts, which only deposits have.
        let mut wrong = account.clone();
        wrong
            .summary
            .as_mut()
            .unwrap()
            .pending
            .push(Attrs::new().with("amount", "1.0"));
        assert!(wrong.to_xml().is_err());
    }
}

#[test]
fn the_streaming_writer_writes_what_to_xml_writes() {
    let account = deposit();
    let mut writer = AccountWriter::start(
        account.fi_type,
        &account.masked_acc_number,
        &account.linked_acc_ref,
        &account.version,
        0,
    )
    .unwrap();
    writer.profile(account.profile.as_ref().unwrap()).unwrap();
    writer.summary(account.summary.as_ref().unwrap()).unwrap();
    let transactions = account.transactions.as_ref().unwrap();
    writer
        .transactions(&transactions.start_date, &transactions.end_date)
        .unwrap();
    for transaction in &transactions.list {
        writer.transaction(transaction).unwrap();
    }
    assert_eq!(writer.finish(), account.to_xml().unwrap());
}

#[test]
fn the_streaming_writer_keeps_the_schema_order_and_checks_each_element() {
    let account = deposit();
    let start = || AccountWriter::start(FiType::Deposit, "XX12", "ref", "1.1", 0).unwrap();

    let mut writer = start();
    writer.summary(account.summary.as_ref().unwrap()).unwrap();
    assert!(writer.profile(account.profile.as_ref().unwrap()).is_err());

    let mut writer = start();
    assert!(writer.transaction(&Attrs::new()).is_err());
    writer.transactions("2025-01-01", "2025-01-31").unwrap();
    let bad = account.transactions.as_ref().unwrap().list[0]
        .clone()
        .with("type", "REFUND");
    assert!(writer.transaction(&bad).is_err());

    assert!(AccountWriter::start(FiType::Deposit, "XX12", "ref", "9", 0).is_err());
    assert!(AccountWriter::start(FiType::Equities, "XX12", "ref", "1.1", 0).is_err());
    let only_header = start().finish();
    assert_eq!(
        Account::from_xml(only_header.as_bytes())
            .unwrap()
            .masked_acc_number,
        "XX12"
    );
}
