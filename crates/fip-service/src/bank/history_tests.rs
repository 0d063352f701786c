//! The generated deposit history, end to end: running balances, determinism, order.

use super::generate as generate_history;
use super::*;
use crate::bank::money::Paise;
use crate::bank::seed::SeedFile;
use time::macros::date;

fn savings_seed() -> SeedFile {
    serde_yaml::from_str(
        r#"
seed: 7
customers:
  - name: Test
    mobile: "9876543210"
    dob: 1990-01-01
    accounts:
      - number: "123456789012"
        fi_type: DEPOSIT
        branch: X
        ifsc: ABCD0123456
        opened: 2015-01-01
        deposit:
          opening_balance: 50000
          monthly_spend: 40000
          interest_rate: 3
          credits:
            - { narration: SALARY ACME, amount: 100000, day: 1 }
          debits:
            - { narration: RENT, amount: 25000, day: 5 }
            - { narration: BESCOM, amount: 1500, day: 12, mode: OTHERS, vary: 0.3 }
"#,
    )
    .unwrap()
}

#[test]
fn a_year_of_savings_history_has_consistent_running_balances() {
    let seed = savings_seed();
    let account = &seed.customers[0].accounts[0];
    let history = generate_history(seed.seed, account, date!(2024 - 06 - 30));
    let Summary::Deposit(summary) = &history.summary else {
        panic!("not a deposit summary")
    };
    let mut balance = summary.opening_balance;
    for p in &history.postings {
        match p.kind {
            "CREDIT" => balance += p.amount,
            "DEBIT" => balance -= p.amount,
            other => panic!("unexpected kind {other}"),
        }
        assert_eq!(balance, p.balance, "{}", p.txn_id);
        assert!(p.amount.is_positive());
        assert!(p.balance >= Paise::ZERO);
    }
    assert_eq!(balance, summary.current_balance);
    let first = history.postings.first().unwrap().value_date;
    let last = history.postings.last().unwrap().value_date;
    assert!(first >= date!(2023 - 07 - 01), "{first}");
    assert!(last <= date!(2024 - 06 - 30));
    assert!(history.postings.len() > 150, "{}", history.postings.len());
    let salaries = history
        .postings
        .iter()
        .filter(|p| p.narration.contains("SALARY ACME"))
        .count();
    assert_eq!(salaries, 12);
    let interest = history
        .postings
        .iter()
        .filter(|p| p.narration.starts_with("CREDIT INTEREST"))
        .count();
    assert_eq!(interest, 4);
    for mode in ["UPI", "CARD", "FT", "OTHERS"] {
        assert!(history.postings.iter().any(|p| p.mode == mode), "{mode}");
    }
    let mut ids: Vec<&str> = history.postings.iter().map(|p| p.txn_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), history.postings.len());
}

#[test]
fn the_same_seed_gives_the_same_history_and_another_seed_does_not() {
    let seed = savings_seed();
    let account = &seed.customers[0].accounts[0];
    let until = date!(2024 - 06 - 30);
    let a = generate_history(seed.seed, account, until);
    let b = generate_history(seed.seed, account, until);
    assert_eq!(a, b);
    let c = generate_history(seed.seed + 1, account, until);
    assert_ne!(a.postings, c.postings);
}

#[test]
fn postings_are_in_time_order() {
    let seed = savings_seed();
    let account = &seed.customers[0].accounts[0];
    let history = generate_history(seed.seed, account, date!(2024 - 06 - 30));
    assert!(history.postings.windows(2).all(|w| w[0].at <= w[1].at));
}
