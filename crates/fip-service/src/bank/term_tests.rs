//! Term and recurring deposit postings and summaries.

use super::*;
use crate::bank::vocabulary::{Compounding, Payout, TermKind};
use time::macros::date;

fn fd(payout: Payout, tds: bool) -> TermDepositTerms {
    TermDepositTerms {
        kind: TermKind::Fixed,
        principal: Paise::from_rupees(100_000),
        interest_rate: 8.0,
        tenure: Tenure {
            years: 1,
            months: 0,
            days: 0,
        },
        interest_payout: payout,
        compounding: Compounding::Quarterly,
        interest_computation: Computation::Compound,
        tds,
        description: None,
    }
}

fn check_balances(postings: &[Posting]) {
    let mut balance = Paise::ZERO;
    for p in postings {
        match p.kind {
            "OPENING" | "INSTALLMENT" | "INTEREST" => balance += p.amount,
            _ => balance -= p.amount,
        }
        assert_eq!(balance, p.balance, "{} {}", p.kind, p.narration);
    }
}

#[test]
fn a_cumulative_deposit_compounds_quarterly_to_the_textbook_maturity_amount() {
    let mut rng = Rng::new(1);
    let history = fixed(
        &mut rng,
        &fd(Payout::OnMaturity, false),
        date!(2024 - 01 - 15),
        date!(2024 - 12 - 31),
    );
    let Summary::Term(summary) = &history.summary else {
        panic!("not a term summary")
    };
    // 100000 * (1.02)^4 = 108243.216
    assert_eq!(summary.maturity_amount, Paise(10_824_322));
    assert_eq!(summary.interest_on_maturity, Paise(824_322));
    assert_eq!(summary.maturity_date, "2025-01-15");
    check_balances(&history.postings);
    // Opening and three quarterly postings fall before the end of 2024.
    assert_eq!(history.postings.len(), 4);
    assert_eq!(
        history.postings.last().unwrap().balance,
        summary.current_value
    );
}

#[test]
fn a_payout_deposit_pays_interest_out_and_deducts_tax() {
    let mut rng = Rng::new(1);
    let history = fixed(
        &mut rng,
        &fd(Payout::Quarterly, true),
        date!(2023 - 01 - 15),
        date!(2024 - 06 - 30),
    );
    let Summary::Term(summary) = &history.summary else {
        panic!("not a term summary")
    };
    assert_eq!(summary.maturity_amount, Paise::from_rupees(100_000));
    // 2% a quarter, less 10% tax.
    assert_eq!(
        summary.interest_periodic_payout_amount,
        Paise::from_rupees(1_800)
    );
    check_balances(&history.postings);
    // Matured in January 2024 and closed.
    assert_eq!(history.postings.last().unwrap().kind, "CLOSING");
    assert_eq!(summary.current_value, Paise::ZERO);
}

#[test]
fn a_recurring_deposit_collects_every_instalment_and_compounds() {
    let terms = RecurringDepositTerms {
        installment: Paise::from_rupees(5_000),
        day: 10,
        interest_rate: 7.0,
        tenure: Tenure {
            years: 2,
            months: 0,
            days: 0,
        },
        compounding: Compounding::Quarterly,
        tds: false,
        description: None,
    };
    let mut rng = Rng::new(2);
    let history = recurring(
        &mut rng,
        &terms,
        date!(2023 - 03 - 10),
        date!(2025 - 12 - 31),
    );
    let Summary::Term(summary) = &history.summary else {
        panic!("not a term summary")
    };
    let instalments = history
        .postings
        .iter()
        .filter(|p| matches!(p.kind, "OPENING" | "INSTALLMENT"))
        .count();
    assert_eq!(instalments, 24);
    assert_eq!(summary.principal_amount, Paise::from_rupees(120_000));
    // Textbook quarterly-compounded RD of 5000 x 24 at 7%: about 1,29,000.
    let maturity = summary.maturity_amount.0 / 100;
    assert!((127_000..=131_000).contains(&maturity), "{maturity}");
    check_balances(&history.postings);
    assert!(history.postings.windows(2).all(|w| w[0].at <= w[1].at));
}
