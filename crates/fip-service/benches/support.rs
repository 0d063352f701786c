//! A synthetic savings account of many transactions, for the FI preparation benchmark and the
//! peak-memory run (`examples/fi_prepare_peak.rs`): realistic lengths of narration and
//! reference, a running balance, one transaction every few minutes.

use aa_core::rebit::{AccType, FiType};
use fip_service::domain::account::StatementLine;
use fip_service::domain::account::{AccountFacts, Holder};
use fip_service::fi::document::Wanted;

pub fn facts() -> AccountFacts {
    AccountFacts {
        account_id: "bench".into(),
        masked_acc_number: "XXXXXXXXXX7812".into(),
        fi_type: FiType::Deposit,
        acc_type: AccType::Savings,
        currency: "INR".into(),
        branch: "Residency Road, Bengaluru".into(),
        ifsc: "SAHY0000123".into(),
        micr: Some("560123004".into()),
        opening_date: "2016-07-01".into(),
        status: "ACTIVE".into(),
        nominee: "REGISTERED".into(),
        summary: serde_json::json!({
            "type": "SAVINGS", "currentBalance": "184250.75",
            "balanceDateTime": "2025-03-31T23:59:59+05:30", "drawingLimit": "184250.75",
        }),
    }
}

pub fn holder() -> Holder {
    Holder {
        name: "Aarav Sharma".into(),
        dob: "1990-04-15".into(),
        mobile: "9999999999".into(),
        email: Some("aarav@example.in".into()),
        address: Some("14 Residency Road, Bengaluru".into()),
        landline: None,
        pan: Some("ABCPS1234K".into()),
        ckyc_compliance: true,
    }
}

/// `n` transactions from 2024-01-01, one every five minutes.
pub fn lines(n: usize) -> Vec<StatementLine> {
    let start_ms: i64 = 1_704_067_200_000;
    let mut balance: i64 = 50_000_000;
    (0..n)
        .map(|i| {
            let credit = i % 7 == 0;
            let amount = 1_000 + (i as i64 * 7_919) % 2_500_000;
            balance += if credit { amount * 3 } else { -amount };
            let at_ms = start_ms + i as i64 * 300_000;
            let day = 1 + (i / 288) % 28;
            StatementLine {
                txn_id: format!("TABCDEF{:07}", i + 1),
                kind: if credit { "CREDIT" } else { "DEBIT" }.into(),
                mode: if credit { "FT" } else { "UPI" }.into(),
                amount_paise: amount,
                balance_paise: balance,
                at_ms,
                value_date: format!("2024-{:02}-{day:02}", 1 + (i / 8064) % 12),
                narration: format!("UPI/DR/4{i:011}/SWIGGY BANGALORE/YESB/swiggy@ybl/Payment"),
                reference: format!("4{i:011}"),
            }
        })
        .collect()
}

pub fn wanted() -> Wanted {
    Wanted {
        profile: true,
        summary: true,
        transactions: true,
        from: time::OffsetDateTime::UNIX_EPOCH,
        to: time::macros::datetime!(2099-01-01 0:00 UTC),
        rules: Vec::new(),
    }
}
