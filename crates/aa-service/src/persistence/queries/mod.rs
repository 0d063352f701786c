//! Queries, by subject: customer log-in, accounts and linking, DIRECT linking, consents, deregistration and the
//! revocation of consents left with no linked account, FI sessions, outbox, answered ReBIT
//! notifications.

mod accounts;
mod auth;
mod consents;
mod deregistration;
mod direct_links;
mod fi_failures;
mod fi_history;
mod fi_notifications;
mod fi_sessions;
