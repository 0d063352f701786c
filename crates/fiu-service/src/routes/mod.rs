//! HTTP routes, mounted in one place by [`crate::startup`].
//!
//! - [`rebit`]: the ReBIT callbacks, one file per endpoint: `POST /Consent/Notification`
//!   ([`rebit::consent_notification`]) and `POST /FI/Notification` ([`rebit::fi_notification`]),
//!   signed, `aa_api_key`; and the `Notifier` checks both make ([`rebit::notifier`]).
//! - [`app`]: the lender's app API under `/app` (JSON, bearer token).
//! - [`pages`]: the lender's dashboard under `/dashboard` (HTML, session cookie).
//! - [`redirect_return`]: `GET /redirect/return`, the browser back from an AA's consent manager.
//! - heartbeat, liveness and readiness come from `aa_runtime::http::ops`.

pub mod app;
pub mod pages;
pub mod rebit;
pub mod redirect_return;
