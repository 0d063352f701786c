//! Queries, by subject: customer log-in, accounts and linking, consents, FI sessions, outbox,
//! answered ReBIT notifications.

mod accounts;
mod auth;
mod consents;
mod fi_failures;
mod fi_notifications;
mod fi_sessions;
