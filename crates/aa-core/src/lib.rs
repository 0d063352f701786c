//! `aa-core`: everything the AA, FIP and FIU services share.
//!
//! - [`rebit`]: the ReBIT wire types and the error model.
//! - [`validate`]: identifiers, timestamps and version negotiation.
//! - [`jws`]: detached (`x-jws-signature`) and compact (consent artefact) RS256 JWS.
//! - [`apikey`]: API-key tokens (RS256 JWTs) issued and verified by `kid`.
//! - [`fi_crypto`]: end-to-end FI encryption compatible with the ecosystem's reference library.
//! - [`fi_data`]: FI documents (deposit family) as XML valid against the ReBIT FI schemas, and JSON.
//! - [`seal`]: at-rest envelopes under per-consent data keys.
//! - [`registry`]: who is who (entities, base URLs, keys).
//! - [`http`]: signed HTTP in (actix-web extractor, response signing) and out (client).
//! - [`identity`]: a service's entity id, keys, registry and clients, checked at start-up.
//! - [`outbox`]: delivery of notifications from a transactional outbox, with backoff.
//! - [`otp`]: one-time passwords, stored hashed.
//! - [`settings`] and [`telemetry`]: configuration loading and log set-up.

pub mod apikey;
pub mod consent_use;
pub mod der;
pub mod fi_crypto;
pub mod fi_data;
pub mod http;
pub mod identity;
pub mod jws;
pub mod otp;
pub mod outbox;
pub mod pem;
pub mod rebit;
pub mod registry;
pub mod seal;
pub mod settings;
pub mod telemetry;
pub mod timefmt;
pub mod validate;
