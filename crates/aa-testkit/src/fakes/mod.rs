//! Signed fakes of each role, for the services' integration tests: real actix servers on
//! loopback that take calls through `aa_runtime::http::Verified` (API key, signature, binding),
//! sign their answers with `sign_responses` like the real roles, record what they received, and
//! can be steered to refuse, fail or misbehave. [`aa::FakeAa`] stands in for AA-1 in the FIP's
//! and the FIU's tests; [`fip::FakeFip`] and [`fiu::FakeFiu`] stand in for the AA's
//! counterparties.

use std::sync::Arc;

use aa_core::rebit::{ErrorCode, NotificationResponse};
use aa_core::registry::{Registry, Role};
use aa_core::timefmt;
use aa_runtime::http::{InboundAuth, RebitError};
use actix_web::HttpResponse;

use crate::Ecosystem;

pub mod aa;
pub mod fip;
pub mod fiu;
pub mod sms_gateway;

pub use aa::{AaInbox, FakeAa, FiSession};
pub use fip::{FakeFip, FipLog, FipSession, Tamper, LINK_OTP};
pub use fiu::FakeFiu;
pub use sms_gateway::{FakeSmsGateway, SmsRequest};

pub(crate) fn inbound(eco: &Ecosystem) -> (Arc<Registry>, InboundAuth) {
    let registry = Arc::new(Registry::load(&eco.registry_file).unwrap());
    let verifier = registry.api_key_verifier().unwrap();
    (registry.clone(), InboundAuth::new(registry, verifier))
}

pub(crate) fn from_aa(caller: &aa_runtime::http::Caller) -> Result<(), RebitError> {
    if caller.role == Role::Aa && caller.entity_id == "AA-1" {
        Ok(())
    } else {
        Err(RebitError::new(ErrorCode::Unauthorized, "AA-1 only"))
    }
}

pub(crate) fn ok(ver: &str, txnid: &str) -> HttpResponse {
    HttpResponse::Ok().json(NotificationResponse {
        ver: ver.to_owned(),
        timestamp: timefmt::now_millis(),
        txnid: txnid.to_owned(),
        response: "OK".to_owned(),
    })
}
