//! `aa-runtime`: the service runtime the AA, FIP and FIU stand on. The protocol itself (wire
//! types, JWS, API keys, FI crypto) is `aa-core`; this crate is what a running service adds.
//!
//! - [`http`]: signed HTTP in (actix-web extractor, response signing) and out (client).
//! - [`idempotency`]: every signed `POST` once per (caller, endpoint, txnid); the answer commits
//!   with the effect.
//! - [`identity`]: a service's entity id, keys, registry and clients, checked at start-up.
//! - [`outbox`]: delivery of notifications from a transactional outbox, with backoff.
//! - [`settings`] and [`telemetry`]: configuration loading and log set-up.

pub mod http;
pub mod idempotency;
pub mod identity;
pub mod outbox;
pub mod settings;
pub mod telemetry;
