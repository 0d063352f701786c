//! HTTP handlers, one file per action. Handlers orchestrate `domain`, `persistence` and
//! `aa_core`; they hold no SQL and no crypto. Every ReBIT handler takes a verified body
//! (`aa_runtime::http::Verified<_, FromAa>`: only an AA may call), validates the envelope, and
//! answers with `ver` and `txnid` echoed; error answers are echoed by the ReBIT scope
//! (`aa_runtime::http::RebitScope`). Every signed `POST` runs once
//! per (caller, endpoint, txnid) (`aa_runtime::idempotency`, through `AppState::idempotency`).
//!
//! | path | handler |
//! | --- | --- |
//! | `POST /Accounts/discover` | [`rebit::accounts_discover`] |
//! | `POST /Accounts/link` | [`rebit::accounts_link`] |
//! | `POST /Accounts/link/verify`, `GET /Accounts/link/{RefNumber}/{Token}` (1.1.x) | [`rebit::accounts_link_verify`] |
//! | `POST /Accounts/delink`, `DELETE /Accounts/link` (1.1.x) | [`rebit::accounts_delink`] |
//! | `POST /Consent` | [`rebit::consent`] |
//! | `POST /Consent/Notification` | [`rebit::consent_notification`] |
//! | `POST /FI/request` | [`rebit::fi_request`] |
//! | `POST /FI/fetch`, `GET /FI/fetch/{sessionId}` (1.1.x) | [`rebit::fi_fetch`] |
//! | `GET /Heartbeat`, `GET /health/live`, `GET /health/ready` | `aa_runtime::http::ops` |
//! | `GET /sandbox/otp/{ref}` (when enabled) | [`sandbox`] |
//! | `POST /bank/links/{linkRefNumber}/delink`, `GET /bank/links/{linkRefNumber}/statement` (when enabled) | [`app::bank`] |

pub mod app;
pub mod rebit;
pub mod sandbox;
