//! The rules a seed file must follow beyond its YAML types: identifiers in the shapes the FI
//! schemas constrain (mobile, PAN, IFSC, e-mail), unique mobiles and account numbers, the terms
//! block that fits each FI type, and sane amounts, days and rates. Every refusal names the
//! entry (`customers[0].accounts[1].ifsc must look like ABCD0123456`).

use std::collections::HashSet;

use aa_core::rebit::{AccType, FiType};

use super::money::Paise;
use super::seed::{DepositTerms, SeedAccount, SeedCustomer, SeedError, SeedFile};

impl SeedFile {
    /// Checks every rule the YAML types alone do not.
    pub fn validate(&self) -> Result<(), SeedError> {
        if self.customers.is_empty() {
            return Err(SeedError::Invalid("customers is empty".into()));
        }
        let mut mobiles = HashSet::new();
        let mut numbers = HashSet::new();
        for (i, customer) in self.customers.iter().enumerate() {
            let at = format!("customers[{i}]");
            customer.validate(&at)?;
            if !mobiles.insert(customer.mobile.as_str()) {
                return Err(invalid(&at, "mobile", "appears twice"));
            }
            for (j, account) in customer.accounts.iter().enumerate() {
                let at = format!("{at}.accounts[{j}]");
                account.validate(&at)?;
                if !numbers.insert(account.number.as_str()) {
                    return Err(invalid(&at, "number", "appears twice"));
                }
            }
        }
        Ok(())
    }
}

fn invalid(at: &str, field: &str, problem: &str) -> SeedError {
    SeedError::Invalid(format!("{at}.{field} {problem}"))
}

/// Ten digits starting with 6 to 9 (an Indian mobile number).
pub fn is_mobile(text: &str) -> bool {
    text.len() == 10
        && text.bytes().all(|b| b.is_ascii_digit())
        && matches!(text.as_bytes().first(), Some(b'6'..=b'9'))
}

/// Five letters, four digits, a letter (the holder PAN pattern of the FI schemas).
pub fn is_pan(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b[..5].iter().all(u8::is_ascii_uppercase)
        && b[5..9].iter().all(u8::is_ascii_digit)
        && b[9].is_ascii_uppercase()
}

/// Four letters, a zero, six digits (the deposit schema's IFSC pattern).
pub fn is_ifsc(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 11
        && b[..4].iter().all(u8::is_ascii_alphabetic)
        && b[4] == b'0'
        && b[5..].iter().all(u8::is_ascii_digit)
}

/// The FI schemas' e-mail pattern: `[^@]+@[^.]+\..+`.
fn is_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain
                    .split_once('.')
                    .is_some_and(|(host, rest)| !host.is_empty() && !rest.is_empty())
        }
        None => false,
    }
}

fn rate_ok(rate: f64) -> bool {
    (0.0..=20.0).contains(&rate)
}

impl SeedCustomer {
    fn validate(&self, at: &str) -> Result<(), SeedError> {
        if self.name.trim().is_empty() {
            return Err(invalid(at, "name", "is empty"));
        }
        if !is_mobile(&self.mobile) {
            return Err(invalid(
                at,
                "mobile",
                "must be ten digits starting with 6 to 9",
            ));
        }
        if let Some(pan) = &self.pan {
            if !is_pan(pan) {
                return Err(invalid(at, "pan", "must look like ABCDE1234F"));
            }
        }
        if let Some(email) = &self.email {
            if !is_email(email) {
                return Err(invalid(at, "email", "is not an e-mail address"));
            }
        }
        if self.accounts.is_empty() {
            return Err(invalid(at, "accounts", "is empty"));
        }
        Ok(())
    }
}

impl SeedAccount {
    fn validate(&self, at: &str) -> Result<(), SeedError> {
        let n = self.number.len();
        if !(9..=18).contains(&n) || !self.number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(at, "number", "must be 9 to 18 digits"));
        }
        if !is_ifsc(&self.ifsc) {
            return Err(invalid(at, "ifsc", "must look like ABCD0123456"));
        }
        if self.branch.trim().is_empty() {
            return Err(invalid(at, "branch", "is empty"));
        }
        let blocks = [
            self.deposit.is_some(),
            self.term_deposit.is_some(),
            self.recurring_deposit.is_some(),
        ];
        let wanted = match self.fi_type {
            FiType::Deposit => 0,
            FiType::TermDeposit => 1,
            FiType::RecurringDeposit => 2,
            other => {
                return Err(invalid(
                    at,
                    "fi_type",
                    &format!(
                    "{other} is not held by this bank (DEPOSIT, TERM_DEPOSIT, RECURRING_DEPOSIT)"
                ),
                ))
            }
        };
        let names = ["deposit", "term_deposit", "recurring_deposit"];
        if blocks.iter().filter(|b| **b).count() != 1 || !blocks[wanted] {
            return Err(invalid(
                at,
                names[wanted],
                &format!(
                    "is required for {} (and the other blocks are not allowed)",
                    self.fi_type
                ),
            ));
        }
        let acc_type = self.acc_type();
        let acc_ok = match self.fi_type {
            FiType::Deposit => matches!(acc_type, AccType::Savings | AccType::Current),
            _ => acc_type == AccType::Default,
        };
        if !acc_ok {
            return Err(invalid(
                at,
                "acc_type",
                &format!("{acc_type} does not fit {}", self.fi_type),
            ));
        }
        if let Some(d) = &self.deposit {
            d.validate(at)?;
        }
        if let Some(t) = &self.term_deposit {
            if !t.principal.is_positive() {
                return Err(invalid(at, "term_deposit.principal", "must be positive"));
            }
            if !rate_ok(t.interest_rate) {
                return Err(invalid(at, "term_deposit.interest_rate", "must be 0 to 20"));
            }
            if t.tenure.is_empty() {
                return Err(invalid(at, "term_deposit.tenure", "is empty"));
            }
        }
        if let Some(r) = &self.recurring_deposit {
            if !r.installment.is_positive() {
                return Err(invalid(
                    at,
                    "recurring_deposit.installment",
                    "must be positive",
                ));
            }
            if !(1..=31).contains(&r.day) {
                return Err(invalid(at, "recurring_deposit.day", "must be 1 to 31"));
            }
            if !rate_ok(r.interest_rate) {
                return Err(invalid(
                    at,
                    "recurring_deposit.interest_rate",
                    "must be 0 to 20",
                ));
            }
            if r.tenure.years == 0 && r.tenure.months == 0 {
                return Err(invalid(
                    at,
                    "recurring_deposit.tenure",
                    "must be at least a month",
                ));
            }
        }
        Ok(())
    }
}

impl DepositTerms {
    fn validate(&self, at: &str) -> Result<(), SeedError> {
        let floor = Paise::ZERO - self.od_limit.unwrap_or_default();
        if self.opening_balance < floor {
            return Err(invalid(
                at,
                "deposit.opening_balance",
                "is below the overdraft limit",
            ));
        }
        if self.monthly_spend < Paise::ZERO {
            return Err(invalid(at, "deposit.monthly_spend", "is negative"));
        }
        if !rate_ok(self.interest_rate) {
            return Err(invalid(at, "deposit.interest_rate", "must be 0 to 20"));
        }
        if let Some(r) = &self.receipts {
            if !r.monthly.is_positive() || !(1..=200).contains(&r.per_month) {
                return Err(invalid(
                    at,
                    "deposit.receipts",
                    "needs a positive monthly total and 1 to 200 per month",
                ));
            }
        }
        for (kind, list) in [("credits", &self.credits), ("debits", &self.debits)] {
            for (k, s) in list.iter().enumerate() {
                let at = format!("{at}.deposit.{kind}[{k}]");
                if s.narration.trim().is_empty() {
                    return Err(invalid(&at, "narration", "is empty"));
                }
                if !s.amount.is_positive() {
                    return Err(invalid(&at, "amount", "must be positive"));
                }
                if !(1..=31).contains(&s.day) {
                    return Err(invalid(&at, "day", "must be 1 to 31"));
                }
                if !(0.0..=1.0).contains(&s.vary) {
                    return Err(invalid(&at, "vary", "must be 0 to 1"));
                }
                if !(1..=12).contains(&s.every_months) {
                    return Err(invalid(&at, "every_months", "must be 1 to 12"));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_follow_the_fi_schema_patterns() {
        assert!(is_mobile("9999999999"));
        assert!(!is_mobile("1999999999"));
        assert!(!is_mobile("99999"));
        assert!(is_pan("ABCPS1234K"));
        assert!(!is_pan("ABCPS1234"));
        assert!(is_ifsc("SBON0001234"));
        assert!(!is_ifsc("SBON1001234"));
        assert!(is_email("a@b.in"));
        assert!(!is_email("a@bin"));
    }

    fn minimal(account: &str) -> String {
        format!(
            "seed: 1\ncustomers:\n  - name: A\n    mobile: \"9876543210\"\n    dob: 1990-01-01\n    accounts:\n{account}"
        )
    }

    #[test]
    fn an_account_needs_the_block_of_its_fi_type() {
        let yaml = minimal(
            "      - number: \"123456789\"\n        fi_type: TERM_DEPOSIT\n        branch: X\n        ifsc: ABCD0123456\n        opened: 2020-01-01\n        deposit: { opening_balance: 10 }\n",
        );
        let file: SeedFile = serde_yaml::from_str(&yaml).unwrap();
        let err = file.validate().unwrap_err().to_string();
        assert!(
            err.contains("customers[0].accounts[0].term_deposit is required"),
            "{err}"
        );
    }

    #[test]
    fn unknown_keys_and_bad_dates_are_refused() {
        let yaml = minimal(
            "      - number: \"123456789\"\n        fi_type: DEPOSIT\n        branch: X\n        ifsc: ABCD0123456\n        opened: { months_ago: 3 }\n        deposit: { opening_balance: 10, colour: red }\n",
        );
        assert!(serde_yaml::from_str::<SeedFile>(&yaml).is_err());
        let yaml = minimal("").replace("1990-01-01", "1990-02-30");
        assert!(serde_yaml::from_str::<SeedFile>(&yaml).is_err());
    }

    #[test]
    fn a_duplicate_account_number_is_refused() {
        let account = "      - number: \"123456789\"\n        fi_type: DEPOSIT\n        branch: X\n        ifsc: ABCD0123456\n        opened: 2020-01-01\n        deposit: { opening_balance: 10 }\n";
        let yaml = minimal(&format!("{account}{account}"));
        let file: SeedFile = serde_yaml::from_str(&yaml).unwrap();
        let err = file.validate().unwrap_err().to_string();
        assert!(err.contains("number appears twice"), "{err}");
    }
}
