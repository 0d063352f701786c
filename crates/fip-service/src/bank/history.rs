//! What the generator produces for one account: its postings (the statement, oldest first,
//! each with the balance after it) and its summary figures, named as the FI schemas name the
//! `Summary` attributes so that they can be written out as they are.

use serde::Serialize;
use time::{Date, OffsetDateTime};

use aa_core::rebit::FiType;

use super::money::Paise;
use super::rng::Rng;
use super::seed::SeedAccount;
use super::{deposit, term};

/// One line of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting {
    pub txn_id: String,
    /// `CREDIT`/`DEBIT` (deposit) or `OPENING`/`INSTALLMENT`/`INTEREST`/`TDS`/`OTHERS`/`CLOSING`.
    pub kind: &'static str,
    pub mode: &'static str,
    /// Always positive; `kind` says which way it went.
    pub amount: Paise,
    /// The balance after this posting.
    pub balance: Paise,
    /// When it happened, in IST.
    pub at: OffsetDateTime,
    pub value_date: Date,
    pub narration: String,
    pub reference: String,
}

/// The figures of an account's `Summary` that depend on its history.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Summary {
    Deposit(DepositSummary),
    Term(Box<TermSummary>),
}

/// Savings and current accounts (deposit schema `Summary`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DepositSummary {
    /// `SAVINGS` or `CURRENT`.
    #[serde(rename = "type")]
    pub kind: String,
    pub current_balance: Paise,
    /// The end of the last day of history, in IST.
    pub balance_date_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facility: Option<String>,
    #[serde(rename = "currentODLimit", skip_serializing_if = "Option::is_none")]
    pub current_od_limit: Option<Paise>,
    pub drawing_limit: Paise,
    /// Not a schema attribute: the balance before the first posting, so that the statement
    /// can be checked (opening + credits - debits = current).
    pub opening_balance: Paise,
}

/// Term and recurring deposits (their schemas' `Summary`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TermSummary {
    pub account_type: String,
    pub principal_amount: Paise,
    pub interest_rate: String,
    pub tenure_years: String,
    pub tenure_months: String,
    pub tenure_days: String,
    pub maturity_date: String,
    pub maturity_amount: Paise,
    pub interest_payout: String,
    pub interest_computation: String,
    pub compounding_frequency: String,
    pub interest_periodic_payout_amount: Paise,
    pub interest_on_maturity: Paise,
    pub current_value: Paise,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurring_amount: Option<Paise>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurring_deposit_day: Option<String>,
}

/// An account's generated history.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountHistory {
    pub opened: Date,
    pub postings: Vec<Posting>,
    pub summary: Summary,
}

/// Generates the history of `account` up to and including `until`, from the file's `seed`.
pub fn generate(seed: u64, account: &SeedAccount, until: Date) -> AccountHistory {
    let mut rng = Rng::for_stream(seed, &account.number);
    let opened = account.opened.date(until);
    let mut history = match (
        account.fi_type,
        &account.deposit,
        &account.term_deposit,
        &account.recurring_deposit,
    ) {
        (FiType::Deposit, Some(terms), _, _) => {
            deposit::generate(&mut rng, account, terms, opened, until)
        }
        (FiType::TermDeposit, _, Some(terms), _) => term::fixed(&mut rng, terms, opened, until),
        (FiType::RecurringDeposit, _, _, Some(terms)) => {
            term::recurring(&mut rng, terms, opened, until)
        }
        // A validated seed file never gets here; an account without terms has no history.
        _ => AccountHistory {
            opened,
            postings: Vec::new(),
            summary: Summary::Term(Box::new(term::empty_summary())),
        },
    };
    number_postings(&mut history.postings, &account.number);
    history
}

/// Gives every posting its `txnId`: a prefix derived from the account number (which it does
/// not reveal) and a sequence number, so ids are unique within the bank and stable.
fn number_postings(postings: &mut [Posting], account_number: &str) {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in account_number.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let prefix: String = (0..6)
        .map(|i| char::from(ALPHABET[((hash >> (i * 5)) & 31) as usize]))
        .collect();
    for (i, posting) in postings.iter_mut().enumerate() {
        posting.txn_id = format!("T{prefix}{:07}", i + 1);
    }
}
