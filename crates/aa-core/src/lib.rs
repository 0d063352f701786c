//! `aa-core`: the ReBIT AA protocol, with no HTTP server, async runtime, configuration or
//! database: what a service, the `aa` tool or another implementation needs to speak it.
//! The service runtime the three roles stand on is `aa-runtime`.
//!
//! - [`rebit`]: the ReBIT wire types and the error model.
//! - [`validate`]: identifiers, timestamps and version negotiation.
//! - [`schema`]: every 2.0.0 and 2.1.0 request and answer body held to the ReBIT and router YAML files.
//! - [`jws`]: detached (`x-jws-signature`) and compact (consent artefact) RS256 JWS.
//! - [`apikey`]: API-key tokens (RS256 JWTs) issued and verified by `kid`.
//! - [`fi_crypto`]: end-to-end FI encryption compatible with the ecosystem's reference library.
//! - [`fi_data`]: FI documents (deposit family) as XML valid against the ReBIT FI schemas, and JSON.
//! - [`seal`]: at-rest envelopes under per-consent data keys.
//! - [`registry`]: who is who (entities, base URLs, keys).
//! - [`request_meta`]: the SahamatiNet Router's `x-request-meta` header.
//! - [`otp`]: one-time passwords, stored hashed.
//! - [`signed_consent`]: verifying a consent artefact's `signedConsent` against the registry.

pub mod apikey;
pub mod calendar;
pub mod consent_use;
pub mod der;
pub mod fi_crypto;
pub mod fi_data;
pub mod jws;
pub mod key_ring;
pub mod otp;
pub mod pem;
pub mod rebit;
pub mod redirection;
pub mod registry;
pub mod request_meta;
pub mod schema;
pub mod seal;
pub mod signed_consent;
pub mod timefmt;
pub mod validate;
