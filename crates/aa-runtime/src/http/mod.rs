//! Signed HTTP, in and out.
//!
//! - [`inbound`]: the actix-web extractor every ReBIT endpoint takes: raw body, then API key,
//!   then `x-jws-signature`, then parse. A handler never sees an unverified body.
//! - [`respond`]: middleware that echoes `ver`/`txnid` into error answers and signs the exact
//!   bytes of every response, errors included; without a signer it answers 500.
//! - [`scope`]: the ReBIT scope, verification and signing registered together.
//! - [`error`]: the ReBIT error (public or internal) as an actix `ResponseError`.
//! - [`app_error`]: the error of the services' own JSON APIs (customer, app, bank back office).
//! - [`bearer`]: `Authorization: Bearer <token>`, read and compared in one place.
//! - `request_meta`: `x-request-meta` of requests the SahamatiNet Router forwards.
//! - [`outbound`]: a client that signs what it sends and verifies what comes back;
//!   [`api_keys`] where its API keys come from; [`outbound_error`] why a call failed, with the
//!   transport cause named.
//! - [`api_docs`]: `GET /openapi/rebit.json` (the role's ReBIT file, the one requests are held
//!   to) and `GET /api`, a readable page of it.
//! - [`access`]: the request boundary of every role: request id, access log line, refused
//!   requests at WARN, request metrics.
//! - [`metrics`]: `GET /metrics` in the Prometheus text format.
//! - [`forms`]: the pages' forms: CSRF-checked fields, percent-encoding.
//! - [`pages`]: what the web pages share: escaping, the page shell and stylesheet, headers,
//!   session cookies and CSRF tokens.

pub mod access;
pub mod api_docs;
pub mod api_keys;
pub mod app_error;
pub mod bearer;
mod caller;
pub mod error;
pub mod forms;
pub mod inbound;
pub mod metrics;
pub mod ops;
pub mod outbound;
mod outbound_answer;
pub mod outbound_error;
pub mod pages;
mod request_meta;
pub mod respond;
pub mod scope;
mod verifier;

pub use app_error::AppError;
pub use error::{Echo, RebitError};
pub use inbound::{
    AnyRole, Caller, CallerRole, FromAa, FromFip, FromFiu, FromFiuOrFip, InboundAuth, Verified,
    VerifiedUri,
};
pub use outbound::{ApiKeySource, OutboundError, SignedClient, TransportCause};
pub use respond::sign_responses;
pub use scope::RebitScope;
pub use verifier::VerifierHandle;

/// The header carrying the detached JWS.
pub const JWS_HEADER: &str = "x-jws-signature";
