//! The AA's rules, with no HTTP and no SQL: customer handles, the validation of consent
//! requests, the signing of consent artefacts, session tokens, the notification bodies, and
//! the state machines of consent requests and accounts.

pub mod approval;
pub mod consent_terms;
pub mod handle;
pub mod messages;
pub mod session_token;
pub mod status;
