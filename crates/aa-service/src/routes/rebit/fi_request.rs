//! `POST /FI/request` (FIU): a request for the data of one consent artefact. The envelope and
//! the consent's id and signature are checked here; the use case (checks against the artefact,
//! idempotency, the session, the forward to the FIP) is [`crate::flows::fi_request`].

use aa_core::rebit::FiRequest;
use aa_runtime::http::{FromFiu, RebitError, Verified};
use actix_web::{web, HttpResponse};

use super::{envelope, required, uuid_field};
use crate::flows::fi_request::{self, Ask};
use crate::state::AppState;

#[tracing::instrument(name = "POST /FI/request", skip_all, fields(txn.id = %request.body.txnid, peer.id = %request.caller.entity_id, consent.id = %request.body.consent.id, session.id))]
pub async fn create(
    state: web::Data<AppState>,
    request: Verified<FiRequest, FromFiu>,
) -> Result<HttpResponse, RebitError> {
    let body = &request.body;
    let version = envelope(&state, &body.ver, &body.timestamp, &body.txnid)?;
    uuid_field("Consent.id", &body.consent.id)?;
    required("Consent.digitalSignature", &body.consent.digital_signature)?;
    let ask = Ask {
        caller: &request.caller,
        ver: version.as_str(),
        body,
        raw: &request.raw,
    };
    fi_request::request(&state, ask).await
}
