//! Signed HTTP, in and out.
//!
//! - [`inbound`]: the actix-web extractor every ReBIT endpoint takes: raw body, then API key,
//!   then `x-jws-signature`, then parse. A handler never sees an unverified body.
//! - [`respond`]: middleware that signs the exact bytes of every response, errors included.
//! - [`error`]: the ReBIT error response as an actix `ResponseError`.
//! - [`outbound`]: a client that signs what it sends and verifies what comes back.

pub mod error;
pub mod inbound;
pub mod ops;
pub mod outbound;
pub mod respond;

pub use error::RebitError;
pub use inbound::{Caller, InboundAuth, Verified, VerifiedUri};
pub use outbound::{ApiKeySource, OutboundError, SignedClient};
pub use respond::sign_responses;

/// The header carrying the detached JWS.
pub const JWS_HEADER: &str = "x-jws-signature";
