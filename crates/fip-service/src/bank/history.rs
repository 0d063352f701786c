//! What the generator produces for one account ([`super::ledger`]'s shapes), by its FI type:
//! deposit statements from [`super::deposit`], term and recurring deposits from [`super::term`].

use time::Date;

use aa_core::rebit::FiType;

use super::ledger::{AccountHistory, Posting, Summary};
use super::rng::Rng;
use super::seed::SeedAccount;
use super::{deposit, term};

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

#[cfg(test)]
#[path = "history_tests.rs"]
mod tests;
