//! Typed clients of the other roles' ReBIT APIs: the AA's ([`aa`]).

pub mod aa;
mod aa_error;
