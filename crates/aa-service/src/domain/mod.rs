//! The AA's rules, with no HTTP and no SQL: customer handles, the validation of consent
//! requests, the signing of consent artefacts, session tokens, the notification bodies, and
//! the state machines of consent requests, consent artefacts (`lifecycle`) and accounts, and
//! the checks and state of FI data sessions, and what a customer's deregistration (or the
//! delink of a consent's last account) ends.

pub mod approval;
pub mod consent_terms;
pub mod deregistration;
pub mod fi_messages;
pub mod fi_request;
pub mod fi_session;
pub mod handle;
pub mod lifecycle;
pub mod messages;
pub mod session_token;
pub mod status;
