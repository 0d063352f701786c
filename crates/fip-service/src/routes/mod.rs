//! HTTP handlers, one file per action. Handlers orchestrate `domain`, `persistence` and
//! `aa_core`; they hold no SQL and no crypto. Every ReBIT handler takes a verified body
//! (`aa_runtime::http::Verified<_, FromAa>`: only an AA may call), validates the envelope, and
//! answers with `ver` and `txnid` echoed; error answers are echoed by the ReBIT scope
//! (`aa_runtime::http::RebitScope`). Every signed `POST` runs once
//! per (caller, endpoint, txnid) (`aa_runtime::idempotency`, through `AppState::idempotency`).
//!
//! | path | handler |
//! | --- | --- |
//! | `POST /Accounts/discover` | [`accounts::discover`] |
//! | `POST /Accounts/link` | [`accounts::link`] |
//! | `POST /Accounts/link/verify`, `GET /Accounts/link/{RefNumber}/{Token}` (1.1.x) | [`accounts::verify`] |
//! | `POST /Accounts/delink`, `DELETE /Accounts/link` (1.1.x) | [`accounts::delink`] |
//! | `POST /Consent` | [`consent::artefact`] |
//! | `POST /Consent/Notification` | [`consent::notification`] |
//! | `POST /FI/request` | [`fi::request`] |
//! | `POST /FI/fetch`, `GET /FI/fetch/{sessionId}` (1.1.x) | [`fi::fetch`] |
//! | `GET /Heartbeat`, `GET /health/live`, `GET /health/ready` | [`health`] |
//! | `GET /sandbox/otp/{ref}` (when enabled) | [`sandbox`] |
//! | `POST /bank/links/{linkRefNumber}/delink`, `GET /bank/links/{linkRefNumber}/statement` (when enabled) | [`bank`] |

pub mod accounts;
pub mod bank;
pub mod consent;
pub mod fi;
pub mod health;
pub mod rebit;
pub mod sandbox;
