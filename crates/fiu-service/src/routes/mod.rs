//! HTTP routes, mounted in one place by [`crate::startup`].
//!
//! - [`consent`]: the ReBIT callback `POST /Consent/Notification` (signed, `aa_api_key`).
//! - [`fi`]: the ReBIT callback `POST /FI/Notification` (signed, `aa_api_key`).
//! - [`app`]: the lender's app API under `/app` (JSON, bearer token).
//! - [`health`]: readiness; heartbeat and liveness come from `aa_runtime::http::ops`.
//! - [`notifier`]: the `Notifier` checks both notification endpoints make.
//! - [`access_log`]: one log line per request.

pub mod access_log;
pub mod app;
pub mod consent;
pub mod fi;
pub mod health;
pub mod notifier;
