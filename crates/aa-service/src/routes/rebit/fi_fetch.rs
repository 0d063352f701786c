//! `POST /FI/fetch` (2.0.0) and `GET /FI/fetch/{sessionId}?fipId=&linkRefNumber=` (1.1.x): the
//! FIU that owns an AA session fetches its encrypted data; both forms are read into one ask for
//! [`crate::flows::fi_fetch`].

use aa_core::rebit::{ErrorCode, FiFetchRequest};
use aa_runtime::http::{FromFiu, RebitError, Verified, VerifiedUri};
use actix_web::{web, HttpResponse};

use super::{envelope, uuid_field};
use crate::flows::fi_fetch::{fetch, Ask};
use crate::state::AppState;

#[tracing::instrument(name = "POST /FI/fetch", skip_all, fields(txn.id = %request.body.txnid, peer.id = %request.caller.entity_id, session.id))]
pub async fn post(
    state: web::Data<AppState>,
    request: Verified<FiFetchRequest, FromFiu>,
) -> Result<HttpResponse, RebitError> {
    let body = request.body;
    let version = envelope(&state, &body.ver, &body.timestamp, &body.txnid)?;
    let ask = Ask {
        session_id: uuid_field("sessionId", &body.session_id)?,
        fip_id: body.fip_id.as_deref(),
        link_refs: body
            .link_ref_number
            .as_ref()
            .map(|links| links.iter().map(|l| l.id.trim().to_owned()).collect()),
        ver: version.as_str(),
        txnid: &body.txnid,
    };
    fetch(&state, &request.caller, ask).await
}

/// The 1.1.x form: `fipId` at most once; `linkRefNumber` repeated or comma-separated. No body,
/// so the answer carries `ver` 1.1.2 and a fresh `txnid`.
#[tracing::instrument(name = "GET /FI/fetch", skip_all, fields(peer.id = %request.caller.entity_id, session.id))]
pub async fn get(
    state: web::Data<AppState>,
    request: VerifiedUri<FromFiu>,
    session_id: web::Path<String>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, RebitError> {
    let mut fip_id = None;
    let mut links = Vec::new();
    for (name, value) in query.iter() {
        match name.as_str() {
            "fipId" if fip_id.is_none() => fip_id = Some(value.as_str()),
            "fipId" => {
                return Err(RebitError::new(
                    ErrorCode::InvalidRequest,
                    "fipId may be given once",
                ))
            }
            "linkRefNumber" => links.extend(
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned),
            ),
            _ => {}
        }
    }
    let ask = Ask {
        session_id: uuid_field("sessionId", &session_id)?,
        fip_id,
        link_refs: Some(links),
        ver: "1.1.2",
        txnid: &request.txnid,
    };
    fetch(&state, &request.caller, ask).await
}
