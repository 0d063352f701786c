//! The FIP's rules, free of HTTP and SQL: who a discovery request names ([`discovery`]), what
//! an account looks like to an AA ([`account`]), the link request's state machine ([`link`]),
//! what a consent artefact must say and how its status may change ([`consent`]), and what
//! `POST /Consent` refuses in the artefact's terms ([`consent_rules`]) and in its accounts
//! ([`consent_accounts`]), and what the AA is told of a session ([`fi_notification`]).
//!
//! Refusals are `aa_core::validate::Invalid`: the spec's error code and a message safe to send.

pub mod account;
pub mod consent;
pub mod consent_accounts;
pub mod consent_rules;
pub mod discovery;
pub mod fi_notification;
pub mod link;
