//! `aa-runtime`: the service runtime the AA, FIP and FIU stand on. The protocol itself (wire
//! types, JWS, API keys, FI crypto) is `aa-core`; this crate is what a running service adds.
//!
//! - [`clock`]: the injectable clock and the epoch-millisecond helpers.
//! - [`http`]: signed HTTP in (actix-web extractor, response signing) and out (client).
//! - [`idempotency`]: every signed `POST` once per (caller, endpoint, txnid); the answer commits
//!   with the effect.
//! - [`identity`]: a service's entity id, keys, registry and clients, checked at start-up.
//! - [`queue`]: one durable job queue (lease, backoff, ordering per key, dead letters, admin).
//! - [`outbox`]: notifications on the queue, delivered in order per counterparty.
//! - [`otp_delivery`]: login and linking OTPs to the customer: the log (local, sandbox) or an
//!   SMS gateway over HTTP through the queue.
//! - [`registry`]: the registry source (the file, or the Central Registry refreshed and swapped
//!   live) and the [`registry::RegistryHandle`] everything reads it through.
//! - [`rate_limit`]: fixed-window limits shared by replicas through the database.
//! - [`redirection`]: the passphrases an AA and an FIU share for Sahamati's redirection.
//! - [`periodic`]: the one loop for sweeps (expiry, purges) that are not queue jobs.
//! - [`sealed_keys`]: stored data keys against the master key ring: the start-up check, and
//!   `rewrap` to the newest master key.
//! - [`settings`] and [`telemetry`]: configuration loading (common sections, [`settings::Environment`])
//!   and log set-up.
//! - [`store`]: the store kit (connect, migrate under a lock, [`store::StoreError`]).
//! - [`metrics`]: the process's counters and histograms, served by [`http::metrics`].
//! - [`launch`]: the `main.rs` skeleton (`serve`, `migrate`) and start-up error reporting.

pub mod clock;
pub mod http;
pub mod idempotency;
pub mod identity;
pub mod launch;
pub mod metrics;
pub mod otp_delivery;
pub mod outbox;
pub mod periodic;
pub mod queue;
pub mod rate_limit;
pub mod redirection;
pub mod registry;
pub mod sealed_keys;
pub mod settings;
pub mod store;
pub mod telemetry;
pub mod token_service;
