//! One account's FI document in the ReBIT schema of its type (`aa_core::fi_data::Account`):
//! `Profile` (the holder), `Summary` (the figures stored with the account, named as the
//! schemas name them) and `Transactions` (the statement lines inside the requested range that
//! pass the consent's `DataFilter`), each only when the consent's `consentTypes` ask for it.
//!
//! The same line is written the same way in the document and in the back office's statement
//! ([`statement_entry`]), so the two can be compared.

use aa_core::fi_data::{
    Account, AccountWriter, Attrs, FiDataError, Profile, Summary, Transactions,
};
use aa_core::rebit::FiType;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::filter::{self, Rule};
use crate::bank::dates::{self, IST};
use crate::domain::account::{AccountFacts, Holder, StatementLine};

/// What the consent and the request ask for.
#[derive(Debug, Clone)]
pub struct Wanted {
    pub profile: bool,
    pub summary: bool,
    pub transactions: bool,
    pub from: OffsetDateTime,
    pub to: OffsetDateTime,
    pub rules: Vec<Rule>,
}

/// Paise as the documents write amounts: `1234.50`.
pub fn amount(paise: i64) -> String {
    let sign = if paise < 0 { "-" } else { "" };
    let abs = paise.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// An instant (epoch milliseconds) as the documents write it: RFC 3339 in IST.
pub fn timestamp(at_ms: i64) -> String {
    let at = OffsetDateTime::from_unix_timestamp_nanos(i128::from(at_ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(IST);
    at.format(&Rfc3339).unwrap_or_default()
}

/// The term and recurring deposit schemas spell a card payment `CARD_PAYMENT`.
fn term_mode(mode: &str) -> &str {
    match mode {
        "CARD" => "CARD_PAYMENT",
        other => other,
    }
}

/// A statement line as a `Transaction` of the account's schema. Takes the line by value: its
/// strings move into the document instead of being copied (a statement of 100,000 lines is
/// tens of megabytes).
pub fn transaction_attrs(fi_type: FiType, line: StatementLine) -> Attrs {
    let mut attrs = Attrs::with_capacity(9);
    attrs.push("txnId", line.txn_id);
    if fi_type == FiType::Deposit {
        attrs
            .push("type", line.kind)
            .push("mode", line.mode)
            .push("amount", amount(line.amount_paise))
            .push("currentBalance", amount(line.balance_paise))
            .push("transactionTimestamp", timestamp(line.at_ms))
            .push("valueDate", line.value_date)
            .push("narration", line.narration)
            .push("reference", line.reference);
    } else {
        let mode = match line.mode.as_str() {
            "CARD" => "CARD_PAYMENT".to_owned(),
            _ => line.mode,
        };
        attrs
            .push("amount", amount(line.amount_paise))
            .push("narration", line.narration)
            .push("type", line.kind)
            .push("mode", mode)
            .push("balance", amount(line.balance_paise))
            .push("transactionDateTime", timestamp(line.at_ms))
            .push("valueDate", line.value_date)
            .push("reference", line.reference);
    }
    attrs
}

/// A statement line in the back office's statement (`GET /bank/links/{ref}/statement`),
/// with the values the FI document carries.
pub fn statement_entry(fi_type: FiType, line: &StatementLine) -> serde_json::Value {
    let mode = if fi_type == FiType::Deposit {
        line.mode.as_str()
    } else {
        term_mode(&line.mode)
    };
    serde_json::json!({
        "txnId": line.txn_id,
        "type": line.kind,
        "mode": mode,
        "amount": amount(line.amount_paise),
        "narration": line.narration,
        "valueDate": line.value_date,
        "timestamp": timestamp(line.at_ms),
    })
}

/// Whether `line` lies inside `wanted`'s range (both ends included) and passes its rules.
pub fn selected(line: &StatementLine, wanted: &Wanted) -> bool {
    let from = aa_runtime::clock::millis(wanted.from);
    let to = aa_runtime::clock::millis(wanted.to);
    line.at_ms >= from && line.at_ms <= to && filter::keeps(&wanted.rules, line)
}

fn profile(facts: &AccountFacts, holder: &Holder) -> Profile {
    let mut attrs = Attrs::with_capacity(9);
    attrs
        .push("name", holder.name.as_str())
        .push("dob", holder.dob.as_str())
        .push("mobile", holder.mobile.as_str())
        .push("nominee", facts.nominee.as_str());
    for (name, value) in [
        ("landline", &holder.landline),
        ("address", &holder.address),
        ("email", &holder.email),
        ("pan", &holder.pan),
    ] {
        if let Some(value) = value {
            attrs.push(name, value.as_str());
        }
    }
    attrs.push("ckycCompliance", holder.ckyc_compliance.to_string());
    Profile {
        holders_type: "SINGLE".to_owned(),
        holders: vec![attrs],
    }
}

const DEPOSIT_FIGURES: &[&str] = &[
    "currentBalance",
    "balanceDateTime",
    "type",
    "facility",
    "currentODLimit",
    "drawingLimit",
];

const TERM_FIGURES: &[&str] = &[
    "accountType",
    "maturityAmount",
    "maturityDate",
    "description",
    "interestPayout",
    "interestRate",
    "principalAmount",
    "tenureDays",
    "tenureMonths",
    "tenureYears",
    "recurringAmount",
    "recurringDepositDay",
    "interestComputation",
    "compoundingFrequency",
    "interestPeriodicPayoutAmount",
    "interestOnMaturity",
    "currentValue",
];

fn summary(facts: &AccountFacts) -> Summary {
    let mut attrs = Attrs::with_capacity(20);
    let figure = |name: &str| match facts.summary.get(name) {
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(serde_json::Value::Null) | None => None,
        Some(other) => Some(other.to_string()),
    };
    match facts.fi_type {
        FiType::Deposit => {
            for name in DEPOSIT_FIGURES {
                if let Some(value) = figure(name) {
                    attrs.push(name, value);
                }
            }
            attrs
                .push("currency", facts.currency.as_str())
                .push("branch", facts.branch.as_str())
                .push("ifscCode", facts.ifsc.as_str())
                .push("micrCode", facts.micr.clone().unwrap_or_default())
                .push("openingDate", facts.opening_date.as_str())
                .push("status", facts.status.as_str());
        }
        _ => {
            attrs
                .push("branch", facts.branch.as_str())
                .push("openingDate", facts.opening_date.as_str())
                .push("ifsc", facts.ifsc.as_str());
            let recurring = facts.fi_type == FiType::RecurringDeposit;
            for name in TERM_FIGURES {
                let recurring_only = matches!(*name, "recurringAmount" | "recurringDepositDay");
                if recurring_only && !recurring {
                    continue;
                }
                if let Some(value) = figure(name) {
                    attrs.push(name, value);
                }
            }
        }
    }
    Summary {
        attrs,
        pending: Vec::new(),
    }
}

/// The FI document of one account, for `link_ref_number`, from the lines of its statement
/// (consumed: they move into the document).
pub fn build(
    facts: &AccountFacts,
    holder: &Holder,
    link_ref_number: &str,
    lines: Vec<StatementLine>,
    wanted: &Wanted,
) -> Account {
    let transactions = wanted.transactions.then(|| Transactions {
        start_date: dates::format_date(wanted.from.to_offset(IST).date()),
        end_date: dates::format_date(wanted.to.to_offset(IST).date()),
        list: lines
            .into_iter()
            .filter(|line| selected(line, wanted))
            .map(|line| transaction_attrs(facts.fi_type, line))
            .collect(),
    });
    Account {
        fi_type: facts.fi_type,
        masked_acc_number: facts.masked_acc_number.clone(),
        linked_acc_ref: link_ref_number.to_owned(),
        version: aa_core::fi_data::SCHEMA_VERSION.to_owned(),
        profile: wanted.profile.then(|| profile(facts, holder)),
        summary: wanted.summary.then(|| summary(facts)),
        transactions,
    }
}

/// The same document as [`build`], written as XML one transaction at a time
/// (`aa_core::fi_data::AccountWriter`, checked as it goes), so a large statement is never held
/// as a whole document: only the lines and the growing XML.
pub fn build_xml(
    facts: &AccountFacts,
    holder: &Holder,
    link_ref_number: &str,
    lines: Vec<StatementLine>,
    wanted: &Wanted,
) -> Result<String, FiDataError> {
    // About 280 bytes of XML per deposit transaction.
    let capacity = 4096
        + if wanted.transactions {
            lines.len() * 300
        } else {
            0
        };
    let mut writer = AccountWriter::start(
        facts.fi_type,
        &facts.masked_acc_number,
        link_ref_number,
        aa_core::fi_data::SCHEMA_VERSION,
        capacity,
    )?;
    if wanted.profile {
        writer.profile(&profile(facts, holder))?;
    }
    if wanted.summary {
        writer.summary(&summary(facts))?;
    }
    if wanted.transactions {
        writer.transactions(
            &dates::format_date(wanted.from.to_offset(IST).date()),
            &dates::format_date(wanted.to.to_offset(IST).date()),
        )?;
        for line in lines.into_iter().filter(|line| selected(line, wanted)) {
            writer.transaction(&transaction_attrs(facts.fi_type, line))?;
        }
    }
    Ok(writer.finish())
}
