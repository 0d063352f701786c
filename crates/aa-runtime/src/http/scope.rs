//! The ReBIT scope: the one way a service mounts its ReBIT routes. It registers request
//! verification ([`InboundAuth`], read by the `Verified` extractors) and the answer boundary
//! ([`sign_responses`]: echo `ver`/`txnid` into errors, sign every body) together, so a ReBIT
//! route cannot be mounted verified but unsigned.
//!
//! It fails closed twice over: a `RebitScope` cannot be built without a [`ResponseSigner`]
//! (there is no constructor without one), and should the middleware ever run without a signer it
//! answers 500 "internal error", never an unsigned body.
//!
//! ```compile_fail
//! // No signer, no scope: `new` takes the signer by value and there is no other constructor.
//! fn mount(auth: aa_runtime::http::InboundAuth) {
//!     let _ = aa_runtime::http::RebitScope::new(auth);
//! }
//! ```

use actix_web::body::BoxBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{web, Scope};

use super::inbound::InboundAuth;
use super::respond::{sign_responses, ResponseSigner};
use crate::identity::Identity;

/// Verification and signing for a service's ReBIT routes, built once at start-up.
#[derive(Debug, Clone)]
pub struct RebitScope {
    auth: web::Data<InboundAuth>,
    signer: web::Data<ResponseSigner>,
}

impl RebitScope {
    pub fn new(auth: InboundAuth, signer: ResponseSigner) -> Self {
        Self {
            auth: web::Data::new(auth),
            signer: web::Data::new(signer),
        }
    }

    /// The scope of a service's own identity: its registry and API-key verifier, its key.
    pub fn of(identity: &Identity) -> Self {
        Self::new(
            identity.inbound.clone(),
            ResponseSigner(identity.signer.clone()),
        )
    }

    /// An actix scope at `path` whose routes are verified, echoed and signed. Mount it after
    /// every other service: a scope matches its whole prefix.
    pub fn scope(
        &self,
        path: &str,
    ) -> Scope<
        impl ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<BoxBody>,
            Error = actix_web::Error,
            InitError = (),
        >,
    > {
        web::scope(path)
            .app_data(self.auth.clone())
            .app_data(self.signer.clone())
            .wrap(from_fn(sign_responses))
    }
}
