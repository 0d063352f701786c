//! An account as the FIP shows it to an AA: masked number, FI type, account type and the
//! reference (`accRefNumber`) that stands for it in linking.

use aa_core::rebit::{AccType, FiType, FipAccount};

/// A customer of the bank, as discovery needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub id: String,
    pub pan: Option<String>,
}

/// An account of the bank, without its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub customer_id: String,
    pub acc_ref_number: String,
    pub masked_acc_number: String,
    pub fi_type: FiType,
    pub acc_type: AccType,
}

impl Account {
    /// The ReBIT `Account` of a discovery response or a link request.
    pub fn to_wire(&self) -> FipAccount {
        FipAccount {
            fi_type: self.fi_type,
            acc_type: self.acc_type,
            acc_ref_number: self.acc_ref_number.clone(),
            masked_acc_number: self.masked_acc_number.clone(),
        }
    }
}

/// A statement line, as the bank keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    pub txn_id: String,
    pub kind: String,
    pub mode: String,
    pub amount_paise: i64,
    pub balance_paise: i64,
    pub at_ms: i64,
    pub value_date: String,
    pub narration: String,
    pub reference: String,
}

/// Masks an account number, keeping its length and last four characters (`XXXXXXXX1234`).
pub fn mask(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    let keep = chars.len().min(4);
    let hidden = chars.len() - keep;
    let mut masked = "X".repeat(hidden);
    masked.extend(&chars[hidden..]);
    masked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_keeps_the_length_and_the_last_four_digits() {
        assert_eq!(mask("50100234567812"), "XXXXXXXXXX7812");
        assert_eq!(mask("123"), "123");
        assert_eq!(mask(""), "");
    }
}

/// The account holder, as the bank knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub name: String,
    pub dob: String,
    pub mobile: String,
    pub email: Option<String>,
    pub address: Option<String>,
    pub landline: Option<String>,
    pub pan: Option<String>,
    pub ckyc_compliance: bool,
}

/// What the bank keeps about an account, apart from its statement.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountFacts {
    pub account_id: String,
    pub masked_acc_number: String,
    pub fi_type: FiType,
    pub acc_type: AccType,
    pub currency: String,
    pub branch: String,
    pub ifsc: String,
    pub micr: Option<String>,
    pub opening_date: String,
    pub status: String,
    pub nominee: String,
    /// The stored `Summary` figures (see `bank::ledger::Summary`).
    pub summary: serde_json::Value,
}
