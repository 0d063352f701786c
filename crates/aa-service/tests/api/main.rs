//! Integration tests: the real AA server on port 0 with a fresh database each, talking over
//! loopback to small in-test FIP and FIU servers that check the AA's signatures and API keys
//! with aa-core and answer with signed ReBIT bodies.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod consent_flow;
mod consent_lifecycle;
mod data_requests;
mod delink;
mod deregistration;
mod direct_linking;
mod discovery;
mod fi_fetch;
mod fi_forward_failures;
mod fi_notification;
mod fi_request;
mod fi_support;
mod fip_answers;
mod helpers;
mod idempotency;
mod linking;
mod login;
mod notifiers;
mod outbox_retry;
mod pages_browser;
mod pages_http;
mod pages_support;
mod postgres;
mod real_clients;
mod rebit_envelope;
mod rebit_security;
mod revoke_on_delink;
mod spec_codes;
