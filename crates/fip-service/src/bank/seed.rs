//! The seed file: the bank's customers and accounts, with the few figures the history is
//! generated from. YAML; the format is documented in this crate's `README.md`. Unknown keys are
//! errors (a typo must not silently drop an account), and [`SeedFile::load`] checks every
//! value the FI schemas constrain (mobile, PAN, IFSC, e-mail) before anything is stored.

use std::path::{Path, PathBuf};

use aa_core::rebit::{AccType, FiType};
use serde::{Deserialize, Deserializer};
use time::Date;

use super::dates;
use super::money::Paise;
use super::vocabulary::{Compounding, Computation, DepositMode, Nominee, Payout, TermKind};

/// A `YYYY-MM-DD` date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedDate(pub Date);

impl<'de> Deserialize<'de> for SeedDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        dates::parse_date(&text)
            .map(SeedDate)
            .ok_or_else(|| serde::de::Error::custom(format!("{text:?} is not a YYYY-MM-DD date")))
    }
}

/// When an account was opened: a date, or a number of months before the last day of history
/// (so that a shipped seed file stays current: a deposit does not mature in the past).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Opened {
    On(SeedDate),
    Ago { months_ago: u16 },
}

impl Opened {
    pub fn date(self, history_until: Date) -> Date {
        match self {
            Opened::On(date) => date.0,
            Opened::Ago { months_ago } => dates::add_months(history_until, -i32::from(months_ago)),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedFile {
    /// Drives every generated figure: the same seed gives the same history.
    pub seed: u64,
    /// The last day of generated history; unset: the day the seed is first loaded.
    #[serde(default)]
    pub history_until: Option<SeedDate>,
    pub customers: Vec<SeedCustomer>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedCustomer {
    pub name: String,
    /// Ten digits; the customer's identity at this bank (discovery matches on it).
    pub mobile: String,
    #[serde(default)]
    pub pan: Option<String>,
    pub dob: SeedDate,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub landline: Option<String>,
    #[serde(default = "yes")]
    pub ckyc_compliance: bool,
    pub accounts: Vec<SeedAccount>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedAccount {
    /// The full account number (never sent: discovery shows it masked).
    pub number: String,
    pub fi_type: FiType,
    /// `SAVINGS` or `CURRENT` for a deposit (default `SAVINGS`); `DEFAULT` otherwise.
    #[serde(default)]
    pub acc_type: Option<AccType>,
    pub branch: String,
    pub ifsc: String,
    #[serde(default)]
    pub micr: Option<String>,
    #[serde(default = "inr")]
    pub currency: String,
    pub opened: Opened,
    #[serde(default)]
    pub nominee: Nominee,
    #[serde(default)]
    pub deposit: Option<DepositTerms>,
    #[serde(default)]
    pub term_deposit: Option<TermDepositTerms>,
    #[serde(default)]
    pub recurring_deposit: Option<RecurringDepositTerms>,
}

fn inr() -> String {
    "INR".to_owned()
}

/// A savings or current account.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DepositTerms {
    /// The balance on the day before the history starts.
    pub opening_balance: Paise,
    /// Spending by UPI, card and ATM in a month, spread over it.
    #[serde(default)]
    pub monthly_spend: Paise,
    /// Many small receipts from customers (a business account).
    #[serde(default)]
    pub receipts: Option<Receipts>,
    /// Regular credits such as a salary.
    #[serde(default)]
    pub credits: Vec<Standing>,
    /// Regular debits: rent, bills, SIPs, EMIs.
    #[serde(default)]
    pub debits: Vec<Standing>,
    /// Interest, % a year on the daily balance, credited at each quarter end.
    #[serde(default)]
    pub interest_rate: f64,
    /// An overdraft limit (a current account's `OD` facility).
    #[serde(default)]
    pub od_limit: Option<Paise>,
}

/// Receipts from customers: `per_month` credits adding up to about `monthly`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipts {
    pub monthly: Paise,
    pub per_month: u32,
}

/// A credit or debit that repeats on a day of the month.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Standing {
    /// What the statement says (the channel prefix, such as `NEFT/CR/<utr>/`, is added).
    pub narration: String,
    pub amount: Paise,
    /// Day of the month (clamped to the month's length).
    pub day: u8,
    #[serde(default)]
    pub mode: DepositMode,
    /// How much the amount varies from month to month, as a fraction (0.2 = ±20%).
    #[serde(default)]
    pub vary: f64,
    /// Every how many months (1 monthly, 3 quarterly, 12 yearly).
    #[serde(default = "one")]
    pub every_months: u8,
}

fn one() -> u8 {
    1
}

/// The length of a deposit.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tenure {
    #[serde(default)]
    pub years: u16,
    #[serde(default)]
    pub months: u16,
    #[serde(default)]
    pub days: u16,
}

impl Tenure {
    /// The maturity date of a deposit opened on `opened`.
    pub fn maturity(self, opened: Date) -> Date {
        let months = i32::from(self.years) * 12 + i32::from(self.months);
        dates::add_months(opened, months) + time::Duration::days(i64::from(self.days))
    }

    pub fn is_empty(self) -> bool {
        self.years == 0 && self.months == 0 && self.days == 0
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermDepositTerms {
    #[serde(default)]
    pub kind: TermKind,
    pub principal: Paise,
    /// % a year.
    pub interest_rate: f64,
    pub tenure: Tenure,
    #[serde(default)]
    pub interest_payout: Payout,
    #[serde(default)]
    pub compounding: Compounding,
    #[serde(default)]
    pub interest_computation: Computation,
    /// Deduct 10% tax at source from every interest posting.
    #[serde(default)]
    pub tds: bool,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecurringDepositTerms {
    /// The monthly instalment.
    pub installment: Paise,
    /// Day of the month the instalment is paid.
    pub day: u8,
    /// % a year.
    pub interest_rate: f64,
    pub tenure: Tenure,
    #[serde(default)]
    pub compounding: Compounding,
    #[serde(default)]
    pub tds: bool,
    #[serde(default)]
    pub description: Option<String>,
}

/// Why a seed file was refused; the message names the entry.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("cannot read seed file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("seed file {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("seed file: {0}")]
    Invalid(String),
}

impl SeedAccount {
    /// The account type sent in discovery: the given one, or the FI type's default.
    pub fn acc_type(&self) -> AccType {
        match (self.acc_type, self.fi_type) {
            (Some(t), _) => t,
            (None, FiType::Deposit) => AccType::Savings,
            (None, _) => AccType::Default,
        }
    }
}

impl SeedFile {
    /// Reads and checks a seed file (see `seed_rules`).
    pub fn load(path: &Path) -> Result<Self, SeedError> {
        let text = std::fs::read_to_string(path).map_err(|source| SeedError::Read {
            path: path.to_owned(),
            source,
        })?;
        let file: SeedFile = serde_yaml::from_str(&text).map_err(|e| SeedError::Parse {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        file.validate()?;
        Ok(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("configuration/seed")
            .join(name)
    }

    #[test]
    fn the_shipped_seed_files_load_and_share_the_demo_customer() {
        for name in ["fip-1.yaml", "fip-2.yaml"] {
            let file = SeedFile::load(&shipped(name)).unwrap();
            assert!(
                file.customers.iter().any(|c| c.mobile == "9999999999"),
                "{name}"
            );
        }
    }

    #[test]
    fn the_readme_example_is_a_valid_seed_file() {
        let readme = include_str!("../../README.md");
        let start = readme.find("```yaml\n").unwrap() + "```yaml\n".len();
        let end = start + readme[start..].find("```").unwrap();
        let file: SeedFile = serde_yaml::from_str(&readme[start..end]).unwrap();
        file.validate().unwrap();
        assert_eq!(file.customers[0].accounts.len(), 3);
    }
}
