//! Term and recurring deposits: the opening, instalments, interest postings (compounded, or
//! paid out), tax deducted at source, and closing at maturity. The deposit is simulated to
//! maturity, so the maturity amount in the summary is what the postings add up to; the
//! statement shows the postings up to the last day of history.
//!
//! Postings are `OPENING`, `INSTALLMENT`, `INTEREST` (credits), `TDS`, `CLOSING` and `OTHERS`
//! (an interest payout to the customer's savings account) (debits), as the term and recurring
//! deposit schemas name them.

use time::{Date, OffsetDateTime};

use super::dates::{self, at_ist};
use super::ledger::{AccountHistory, Posting, Summary, TermSummary};
use super::money::Paise;
use super::rng::Rng;
use super::seed::{RecurringDepositTerms, Tenure, TermDepositTerms};
use super::vocabulary::Computation;

/// Postings in the order the amounts were worked out; [`Ledger::finish`] puts them in time
/// order and computes the running balance.
struct Ledger {
    entries: Vec<(
        OffsetDateTime,
        &'static str,
        &'static str,
        i64,
        String,
        String,
    )>,
    /// The balance in working order, which the interest is computed on.
    balance: Paise,
}

impl Ledger {
    fn new() -> Self {
        Self {
            entries: Vec::new(),
            balance: Paise::ZERO,
        }
    }

    fn post(
        &mut self,
        at: OffsetDateTime,
        kind: &'static str,
        mode: &'static str,
        signed: Paise,
        narration: String,
        reference: String,
    ) {
        self.balance += signed;
        self.entries
            .push((at, kind, mode, signed.0, narration, reference));
    }

    /// The opening posting, at a random hour of `opened`.
    fn open(&mut self, rng: &mut Rng, opened: Date, amount: Paise, narration: &str, code: &str) {
        let at = at_ist(
            opened,
            rng.between(10, 15) as u8,
            rng.between(0, 59) as u8,
            0,
        );
        let reference = format!("{code}{}", rng.digits(10));
        self.post(at, "OPENING", "FT", amount, narration.to_owned(), reference);
    }

    /// The closing posting at `maturity`, when it lies in the history (`until`).
    fn close(&mut self, maturity: Date, until: Date, code: &str) {
        if maturity <= until {
            self.post(
                at_ist(maturity, 23, 58, 0),
                "CLOSING",
                "FT",
                Paise::ZERO - self.balance,
                format!("{code} MATURED: PROCEEDS TO SAVINGS ACCOUNT"),
                format!("{code}C{}", stamp(maturity)),
            );
        }
    }

    /// Credits interest on `day` (net of 10% TDS when `tds`); returns the net amount.
    fn interest(&mut self, day: Date, interest: Paise, tds: bool) -> Paise {
        if !interest.is_positive() {
            return Paise::ZERO;
        }
        let stamp = stamp(day);
        self.post(
            at_ist(day, 23, 50, 0),
            "INTEREST",
            "OTHERS",
            interest,
            format!("INTEREST CREDITED TILL {}", dates::format_date(day)),
            format!("INT{stamp}"),
        );
        if !tds {
            return interest;
        }
        let tax = interest.scale(0.10);
        self.post(
            at_ist(day, 23, 51, 0),
            "TDS",
            "OTHERS",
            Paise::ZERO - tax,
            format!("TDS ON INTEREST TILL {}", dates::format_date(day)),
            format!("TDS{stamp}"),
        );
        interest - tax
    }

    /// The statement up to `until`, and the balance at `until`.
    fn finish(mut self, until: Date) -> (Vec<Posting>, Paise) {
        self.entries.sort_by_key(|e| e.0);
        let mut balance = Paise::ZERO;
        let mut postings = Vec::new();
        for (at, kind, mode, signed, narration, reference) in self.entries {
            if at.date() > until {
                break;
            }
            balance += Paise(signed);
            postings.push(Posting {
                txn_id: String::new(),
                kind,
                mode,
                amount: Paise(signed.abs()),
                balance,
                at,
                value_date: at.date(),
                narration,
                reference,
            });
        }
        (postings, balance)
    }
}

fn stamp(day: Date) -> String {
    format!("{}{:02}{:02}", day.year(), u8::from(day.month()), day.day())
}

fn tenure_fields(tenure: Tenure) -> (String, String, String) {
    (
        tenure.years.to_string(),
        tenure.months.to_string(),
        tenure.days.to_string(),
    )
}

/// A fixed (term) deposit.
pub fn fixed(rng: &mut Rng, terms: &TermDepositTerms, opened: Date, until: Date) -> AccountHistory {
    let maturity = terms.tenure.maturity(opened);
    let rate = terms.interest_rate / 100.0;
    let principal = terms.principal;
    let mut ledger = Ledger::new();
    ledger.open(
        rng,
        opened,
        principal,
        "FD OPENED BY TRANSFER FROM SAVINGS",
        "FD",
    );
    let payout_months = terms.interest_payout.months();
    let step = payout_months.unwrap_or_else(|| terms.compounding.months());
    let mut periodic_payout = Paise::ZERO;
    let mut period_start = opened;
    let mut k = 1;
    loop {
        let boundary = dates::add_months(opened, k * i32::from(step));
        let (end, fraction) = if boundary <= maturity {
            (boundary, f64::from(step) / 12.0)
        } else {
            let days = (maturity - period_start).whole_days();
            (maturity, days as f64 / 365.0)
        };
        if end <= period_start {
            break;
        }
        let base = match (payout_months, terms.interest_computation) {
            (None, Computation::Compound) => ledger.balance,
            _ => principal,
        };
        let interest = base.scale(rate * fraction);
        let net = ledger.interest(end, interest, terms.tds);
        if payout_months.is_some() && net.is_positive() {
            if boundary <= maturity {
                periodic_payout = net;
            }
            ledger.post(
                at_ist(end, 23, 55, 0),
                "OTHERS",
                "FT",
                Paise::ZERO - net,
                "INTEREST PAID TO SAVINGS ACCOUNT".to_owned(),
                format!("IPO{}", stamp(end)),
            );
        }
        period_start = end;
        k += 1;
        if end == maturity {
            break;
        }
    }
    let maturity_amount = ledger.balance;
    ledger.close(maturity, until, "FD");
    let (postings, current_value) = ledger.finish(until);
    let (years, months, days) = tenure_fields(terms.tenure);
    AccountHistory {
        opened,
        postings,
        summary: Summary::Term(Box::new(TermSummary {
            account_type: terms.kind.as_str().to_owned(),
            principal_amount: principal,
            interest_rate: format!("{:.2}", terms.interest_rate),
            tenure_years: years,
            tenure_months: months,
            tenure_days: days,
            maturity_date: dates::format_date(maturity),
            maturity_amount,
            interest_payout: terms.interest_payout.as_str().to_owned(),
            interest_computation: terms.interest_computation.as_str().to_owned(),
            compounding_frequency: terms.compounding.as_str().to_owned(),
            interest_periodic_payout_amount: periodic_payout,
            interest_on_maturity: if payout_months.is_some() {
                Paise::ZERO
            } else {
                maturity_amount - principal
            },
            current_value,
            description: terms
                .description
                .clone()
                .unwrap_or_else(|| format!("{} TERM DEPOSIT", terms.kind.as_str())),
            recurring_amount: None,
            recurring_deposit_day: None,
        })),
    }
}

/// A recurring deposit: monthly instalments, interest accrued monthly and compounded.
pub fn recurring(
    rng: &mut Rng,
    terms: &RecurringDepositTerms,
    opened: Date,
    until: Date,
) -> AccountHistory {
    let maturity = terms.tenure.maturity(opened);
    let months = i32::from(terms.tenure.years) * 12 + i32::from(terms.tenure.months);
    let monthly_rate = terms.interest_rate / 100.0 / 12.0;
    let compound_every = i32::from(terms.compounding.months());
    let mut ledger = Ledger::new();
    let first = "RD OPENED: FIRST INSTALMENT";
    ledger.open(rng, opened, terms.installment, first, "RD");
    let mut accrued = 0f64;
    for i in 1..=months {
        let boundary = dates::add_months(opened, i);
        accrued += ledger.balance.0 as f64 * monthly_rate;
        let last = i == months;
        if i % compound_every == 0 || last {
            let day = if last {
                maturity.min(boundary)
            } else {
                boundary
            };
            ledger.interest(day, Paise(accrued.round() as i64), terms.tds);
            accrued = 0.0;
        }
        if !last {
            let due = dates::day_of_month(boundary.year(), boundary.month(), terms.day);
            ledger.post(
                at_ist(due, 6, rng.between(0, 59) as u8, 0),
                "INSTALLMENT",
                "FT",
                terms.installment,
                format!("RD INSTALMENT {} OF {months}", i + 1),
                format!("RDI{}", stamp(due)),
            );
        }
    }
    let extra_days = (maturity - dates::add_months(opened, months)).whole_days();
    if extra_days > 0 {
        let interest = ledger
            .balance
            .scale(terms.interest_rate / 100.0 * extra_days as f64 / 365.0);
        ledger.interest(maturity, interest, terms.tds);
    }
    let principal = Paise(terms.installment.0 * i64::from(months.max(1)));
    let maturity_amount = ledger.balance;
    ledger.close(maturity, until, "RD");
    let (postings, current_value) = ledger.finish(until);
    let (years, months_text, days) = tenure_fields(terms.tenure);
    AccountHistory {
        opened,
        postings,
        summary: Summary::Term(Box::new(TermSummary {
            account_type: "RECURRING".to_owned(),
            principal_amount: principal,
            interest_rate: format!("{:.2}", terms.interest_rate),
            tenure_years: years,
            tenure_months: months_text,
            tenure_days: days,
            maturity_date: dates::format_date(maturity),
            maturity_amount,
            interest_payout: "OnMaturity".to_owned(),
            interest_computation: Computation::Compound.as_str().to_owned(),
            compounding_frequency: terms.compounding.as_str().to_owned(),
            interest_periodic_payout_amount: Paise::ZERO,
            interest_on_maturity: maturity_amount - principal,
            current_value,
            description: terms
                .description
                .clone()
                .unwrap_or_else(|| "RECURRING DEPOSIT".to_owned()),
            recurring_amount: Some(terms.installment),
            recurring_deposit_day: Some(terms.day.to_string()),
        })),
    }
}

/// The summary of an account with no terms (never produced from a validated seed file).
pub fn empty_summary() -> TermSummary {
    TermSummary {
        account_type: "OTHERS".to_owned(),
        principal_amount: Paise::ZERO,
        interest_rate: "0.00".to_owned(),
        tenure_years: "0".to_owned(),
        tenure_months: "0".to_owned(),
        tenure_days: "0".to_owned(),
        maturity_date: String::new(),
        maturity_amount: Paise::ZERO,
        interest_payout: "OnMaturity".to_owned(),
        interest_computation: "SIMPLE".to_owned(),
        compounding_frequency: "QUARTERLY".to_owned(),
        interest_periodic_payout_amount: Paise::ZERO,
        interest_on_maturity: Paise::ZERO,
        current_value: Paise::ZERO,
        description: String::new(),
        recurring_amount: None,
        recurring_deposit_day: None,
    }
}

#[cfg(test)]
#[path = "term_tests.rs"]
mod tests;
