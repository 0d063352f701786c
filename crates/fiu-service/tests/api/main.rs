//! Integration tests: the real FIU server on port 0 with a fresh database each, talking to a
//! fake AA over loopback (`aa_testkit::fakes::FakeAa`). Set `TEST_LOG=1` to see the service's logs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod answer_rules;
mod app_api;
mod artefact_flow;
mod bad_signatures;
mod dashboard_browser;
mod dashboard_pages;
mod dashboard_support;
mod data_life;
mod fi_flow;
mod fi_notification_errors;
mod fi_notification_forms;
mod fi_poll;
mod health;
mod helpers;
mod idempotency;
mod notification_errors;
mod notification_rules;
mod rebit_envelope;
mod redirection;
mod status_updates;
mod upstream_errors;
