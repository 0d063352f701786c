//! The FIU's rules, free of HTTP and SQL: customer handles, consent templates and the terms they
//! give, the consent state machine, what a status update changes, the checks a fetched
//! consent artefact must pass, the checks of every answer and notification of an AA
//! ([`answers`]), the states of FI data requests, and how long their data may be
//! kept.

pub mod answers;
pub mod artefact;
pub mod customer;
pub mod data_request;
pub mod period;
pub mod redirection;
pub mod retention;
pub mod status;
pub mod template;
pub mod terms;
pub mod update;
