//! `aa-runtime`: the service runtime the AA, FIP and FIU stand on. The protocol itself (wire
//! types, JWS, API keys, FI crypto) is `aa-core`; this crate is what a running service adds.
//!
//! - [`http`]: signed HTTP in (actix-web extractor, response signing) and out (client).
//! - [`identity`]: a service's entity id, keys, registry and clients, checked at start-up.
//! - [`queue`]: one durable job queue (lease, backoff, ordering per key, dead letters, admin).
//! - [`outbox`]: notifications on the queue, delivered in order per counterparty.
//! - [`settings`] and [`telemetry`]: configuration loading and log set-up.

pub mod http;
pub mod identity;
pub mod outbox;
pub mod queue;
pub mod settings;
pub mod telemetry;
