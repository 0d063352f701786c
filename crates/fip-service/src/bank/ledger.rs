//! The ledger's shapes: an account's postings (the statement, oldest first, each with the
//! balance after it) and its summary figures, named as the FI schemas name the `Summary`
//! attributes so that they can be written out as they are. The generators ([`super::deposit`],
//! [`super::term`]) produce them; [`super::history`] picks the generator.

use serde::Serialize;
use time::{Date, OffsetDateTime};

use super::money::Paise;

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
