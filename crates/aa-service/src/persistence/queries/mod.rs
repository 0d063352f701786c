//! Queries, by subject: customer log-in, accounts and linking, consents, outbox.

mod accounts;
mod auth;
mod consents;
mod outbox;
