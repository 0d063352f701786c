//! Signed HTTP, in and out.
//!
//! - [`inbound`]: the actix-web extractor every ReBIT endpoint takes: raw body, then API key,
//!   then `x-jws-signature`, then parse. A handler never sees an unverified body.
//! - [`respond`]: middleware that echoes `ver`/`txnid` into error answers and signs the exact
//!   bytes of every response, errors included; without a signer it answers 500.
//! - [`scope`]: the ReBIT scope, verification and signing registered together.
//! - [`error`]: the ReBIT error (public or internal) as an actix `ResponseError`.
//! - [`app_error`]: the error of the services' own JSON APIs (customer, app, bank back office).
//! - [`outbound`]: a client that signs what it sends and verifies what comes back.

pub mod app_error;
pub mod error;
pub mod inbound;
pub mod ops;
pub mod outbound;
pub mod respond;
pub mod scope;

pub use app_error::AppError;
pub use error::{Echo, RebitError};
pub use inbound::{
    AnyRole, Caller, CallerRole, FromAa, FromFip, FromFiu, FromFiuOrFip, InboundAuth, Verified,
    VerifiedUri,
};
pub use outbound::{ApiKeySource, OutboundError, SignedClient};
pub use respond::sign_responses;
pub use scope::RebitScope;

/// The header carrying the detached JWS.
pub const JWS_HEADER: &str = "x-jws-signature";
