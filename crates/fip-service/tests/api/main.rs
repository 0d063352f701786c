//! Integration tests of `fip-service`: the real server on port 0 with a fresh database per test
//! (SQLite in a temporary directory; PostgreSQL in `postgres`), called as the AA would call it.
//! Every answer's signature is verified ([`helpers::TestApp::signed`]).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod atomic;
mod auth;
mod consent;
mod consent_accounts;
mod consent_rules;
mod data_rules;
mod delink;
mod direct_link;
mod discover;
mod discovery_purge;
mod envelope;
mod fi;
mod fi_lifecycle;
mod fi_prepare;
mod fi_sessions;
mod fi_versions;
mod fi_xsd;
mod helpers;
mod idempotency;
mod link;
mod link_rules;
mod notification;
mod ops;
mod outbox;
mod postgres;
mod seed;
mod snapshot;
