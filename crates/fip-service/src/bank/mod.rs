//! The simulated bank's data: customers and accounts from a seed file ([`seed`]), and the
//! history generated from it ([`history`]): a year of deposit transactions with consistent
//! running balances, and the postings of term and recurring deposits. Generation is
//! deterministic: the same seed file and the same last day give the same figures, byte for byte.
//!
//! Nothing here touches HTTP or SQL; `persistence::seed` stores what this produces.

pub mod dates;
pub mod deposit;
pub mod history;
pub mod ledger;
pub mod money;
pub mod narration;
pub mod rng;
pub mod seed;
pub mod seed_rules;
pub mod term;
pub mod vocabulary;
