//! `POST /FI/fetch` (2.0.0) and `GET /FI/fetch/{sessionId}?fipId=&linkRefNumber=` (1.1.x): the
//! FIU that owns an AA session fetches its encrypted data. The AA asks the session's FIP with
//! `POST /FI/fetch` (signed by the AA, the FIP's session id), the FIP's answer is verified by
//! the signed client, and its `FI` array (ciphertext and the FIP's KeyMaterial) goes to the FIU
//! as it came. Nothing of it is stored or logged; the accounts delivered are marked
//! `DELIVERED`. Before the chosen accounts' data is ready (any still `PENDING`) the answer is
//! 404 `NoDataFound`, as it is when none of them has data (issue 5: not an empty success and
//! not 403). A session past `fi.session_lifetime_minutes` is `EXPIRED` (stored so on first
//! sight) and answers 410 `DataGone`: the id is known, the data is no longer to be had (the
//! spec's `DataGoneFIFetch`; Sahamati's "Expired": raise a new request).

use aa_core::rebit::{ConsentStatus, ErrorCode, FiFetchRequest, FiFetchResponse, FiStatus};
use aa_core::timefmt;
use aa_runtime::http::{Caller, FromFiu, RebitError, Verified, VerifiedUri};
use actix_web::{web, HttpResponse};
use time::OffsetDateTime;

use super::{envelope, fip_error, internal, uuid_field};
use crate::domain::fi_messages;
use crate::domain::fi_request::{signed_terms, usable};
use crate::domain::fi_session::{readiness, Readiness, SessionState};
use crate::state::AppState;
use aa_runtime::clock::millis;

/// What the FIU asked for.
struct Ask<'a> {
    session_id: &'a str,
    fip_id: Option<&'a str>,
    link_refs: Option<Vec<String>>,
    ver: &'a str,
    txnid: &'a str,
}

async fn fetch(
    state: &AppState,
    caller: &Caller,
    ask: Ask<'_>,
) -> Result<HttpResponse, RebitError> {
    let session_id = uuid_field("sessionId", ask.session_id)?;
    let session = state
        .store
        .fi_session(session_id)
        .await
        .map_err(internal)?
        .filter(|s| s.fiu_id == caller.entity_id && s.status != SessionState::Requested)
        .ok_or_else(|| RebitError::new(ErrorCode::InvalidSessionId, "unknown sessionId"))?;
    tracing::Span::current().record("session.id", session.id.as_str());
    if let Some(fip_id) = ask.fip_id.map(str::trim).filter(|f| !f.is_empty()) {
        if fip_id != session.fip_id {
            return Err(RebitError::new(
                ErrorCode::InvalidFIPId,
                "fipId is not the FIP of this session",
            ));
        }
    }
    let now = OffsetDateTime::now_utc();
    let current = session
        .status
        .at(session.created_at, state.fi_session_expired_before(now));
    if current != session.status {
        state
            .store
            .expire_fi_session(&session.id, millis(now))
            .await
            .map_err(internal)?;
    }
    match current {
        SessionState::Failed => {
            return Err(RebitError::new(
                ErrorCode::NoDataFound,
                "the FIP could not prepare data for this session",
            ))
        }
        SessionState::Expired => {
            return Err(RebitError::new(
                ErrorCode::DataGone,
                "this session has expired; request the data again",
            ))
        }
        _ => {}
    }
    let artefact = state
        .store
        .artefact(&session.consent_id)
        .await
        .map_err(internal)?
        .ok_or_else(|| RebitError::internal(&"session without its consent artefact"))?;
    let terms = signed_terms(
        &artefact.signed_consent,
        &state.identity.signer.verifying_key(),
    )
    .map_err(|e| RebitError::internal(&e))?;
    let status = artefact
        .status
        .parse::<ConsentStatus>()
        .map_err(|e| RebitError::internal(&e))?;
    usable(status, &terms, now).map_err(|why| RebitError::new(why.fetch_code(), why.describe()))?;

    let accounts = state
        .store
        .fi_accounts(&session.id)
        .await
        .map_err(internal)?;
    let link_refs = ask.link_refs.filter(|l| !l.is_empty());
    let mut chosen = Vec::new();
    match &link_refs {
        Some(links) => {
            for link in links {
                let account = accounts
                    .iter()
                    .find(|a| &a.link_ref_number == link)
                    .ok_or_else(|| {
                        RebitError::new(
                            ErrorCode::InvalidRequest,
                            format!("linkRefNumber {link:?} is not in this session"),
                        )
                    })?;
                chosen.push(account.fi_status);
            }
        }
        None => chosen.extend(accounts.iter().map(|a| a.fi_status)),
    }
    match readiness(chosen) {
        Readiness::Ready => {}
        Readiness::InProgress => {
            return Err(RebitError::new(
                ErrorCode::NoDataFound,
                "the data is not ready yet; fetch once FI/Notification says READY",
            ))
        }
        Readiness::NoData => {
            return Err(RebitError::new(
                ErrorCode::NoDataFound,
                "no account of this session has data",
            ))
        }
    }
    let fip_session_id = session
        .fip_session_id
        .as_deref()
        .ok_or_else(|| RebitError::internal(&"active session without the FIP's session id"))?;
    let request = fi_messages::fetch_request(
        ask.txnid,
        fip_session_id,
        &session.fip_id,
        link_refs.as_deref(),
    );
    let fip = &session.fip_id;
    let answer: FiFetchResponse = state
        .identity
        .client
        .post::<FiFetchRequest, _>(fip, "/FI/fetch", &request)
        .await
        .map_err(|e| fip_error::from_outbound(fip, &e))?;
    if answer.fi.iter().any(|f| &f.fip_id != fip) {
        tracing::warn!(peer.id = %fip, "FIP answered FI/fetch with another FIP's data");
        return Err(RebitError::new(
            ErrorCode::ServiceUnavailable,
            "the FIP's answer does not fit the request",
        ));
    }
    // Data for an account the session holds DENIED (e.g. delinked) does not reach the FIU.
    let denied: Vec<&str> = accounts
        .iter()
        .filter(|a| a.fi_status == FiStatus::Denied)
        .map(|a| a.link_ref_number.as_str())
        .collect();
    let mut answer = answer;
    for fi in &mut answer.fi {
        fi.data
            .retain(|d| !denied.contains(&d.link_ref_number.as_str()));
    }
    let delivered: Vec<String> = answer
        .fi
        .iter()
        .flat_map(|f| f.data.iter().map(|d| d.link_ref_number.clone()))
        .collect();
    state
        .store
        .mark_fi_delivered(&session.id, &delivered, millis(OffsetDateTime::now_utc()))
        .await
        .map_err(internal)?;
    tracing::info!(accounts = delivered.len(), "FI data passed to the FIU");
    Ok(HttpResponse::Ok().json(FiFetchResponse {
        ver: ask.ver.to_owned(),
        timestamp: timefmt::now_millis(),
        txnid: ask.txnid.to_owned(),
        fi: answer.fi,
    }))
}

#[tracing::instrument(name = "POST /FI/fetch", skip_all, fields(txn.id = %request.body.txnid, peer.id = %request.caller.entity_id, session.id))]
pub async fn post(
    state: web::Data<AppState>,
    request: Verified<FiFetchRequest, FromFiu>,
) -> Result<HttpResponse, RebitError> {
    let body = request.body;
    let version = envelope(&body.ver, &body.timestamp, &body.txnid)?;
    let ask = Ask {
        session_id: &body.session_id,
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
        session_id: &session_id,
        fip_id,
        link_refs: Some(links),
        ver: "1.1.2",
        txnid: &request.txnid,
    };
    fetch(&state, &request.caller, ask).await
}
