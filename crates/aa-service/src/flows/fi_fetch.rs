//! The FI fetch use case (`POST /FI/fetch`, `GET /FI/fetch/{sessionId}`): the FIU that owns an
//! AA session fetches its encrypted data. The AA asks the session's FIP (`clients::fip`, the
//! FIP's session id), and its `FI` array (ciphertext and the FIP's KeyMaterial) goes to the FIU
//! as it came once `clients::fip_answer` found it fits: this FIP's data, for accounts of the
//! session that were asked for, a well-formed unexpired KeyMaterial, the request's `ver` and
//! `txnid`, a timestamp in the window. An answer that does not fit (or is out of schema) reaches
//! the FIU not at all: the session is `FAILED` with the reason, the FIU notified, and the
//! answer is the FAILED session's. Nothing of the data is stored or logged; the accounts
//! delivered are marked `DELIVERED`. While the FIP has not accepted the request yet
//! (`REQUESTED`), or the chosen accounts' data is not ready (any still `PENDING`), the answer is
//! 404 `NoDataFound`, as it is when none of them has data or the session `FAILED` (issue 5: not
//! an empty success and not 403; the spec's `NotFoundFIFetch`). A session past `fi.session_lifetime_minutes` is `EXPIRED` (stored so on first
//! sight) and answers 410 `DataGone`: the id is known, the data is no longer to be had (the
//! spec's `DataGoneFIFetch`; Sahamati's "Expired": raise a new request).

use aa_core::rebit::{ConsentStatus, ErrorCode, FiFetchResponse, FiStatus};
use aa_runtime::http::{Caller, RebitError};
use actix_web::HttpResponse;

use super::fi_failure::fail_session;
use super::fip_refusal;
use crate::clients::fip::{FetchAccounts, FipError};
use crate::domain::fi_request::{signed_terms, usable};
use crate::domain::fi_session::{readiness, Readiness, SessionState};
use crate::state::AppState;
use aa_runtime::clock::millis;

/// What the FIU asked for.
pub struct Ask<'a> {
    /// Checked to be a UUID.
    pub session_id: &'a str,
    pub fip_id: Option<&'a str>,
    pub link_refs: Option<Vec<String>>,
    pub ver: &'a str,
    pub txnid: &'a str,
}

/// Serves the FIU's fetch (see the module documentation).
pub async fn fetch(
    state: &AppState,
    caller: &Caller,
    ask: Ask<'_>,
) -> Result<HttpResponse, RebitError> {
    let session_id = ask.session_id;
    let session = state
        .store
        .fi_session(session_id)
        .await
        .map_err(|e| RebitError::internal(&e))?
        .filter(|s| s.fiu_id == caller.entity_id)
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
    let now = state.now();
    let current = session
        .status
        .at(session.created_at, state.fi_session_expired_before(now));
    if current != session.status {
        state
            .store
            .expire_fi_session(&session.id, millis(now))
            .await
            .map_err(|e| RebitError::internal(&e))?;
    }
    match current {
        SessionState::Requested => {
            return Err(RebitError::new(
                ErrorCode::NoDataFound,
                "the FIP has not accepted the request yet; fetch once FI/Notification says READY",
            ))
        }
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
        .map_err(|e| RebitError::internal(&e))?
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
        .map_err(|e| RebitError::internal(&e))?;
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
    let fip = &session.fip_id;
    // Data for an account the session holds DENIED (e.g. delinked) does not reach the FIU.
    let denied: Vec<&str> = accounts
        .iter()
        .filter(|a| a.fi_status == FiStatus::Denied)
        .map(|a| a.link_ref_number.as_str())
        .collect();
    let session_links: Vec<String> = accounts.iter().map(|a| a.link_ref_number.clone()).collect();
    let scope = FetchAccounts {
        session: &session_links,
        asked: link_refs.as_deref(),
    };
    let fetched = state
        .fip()
        .fetch_fi(fip, ask.txnid, fip_session_id, scope)
        .await;
    let mut fi = match fetched {
        Ok(fi) => fi,
        Err(error) if bad_answer(&error) => {
            let reason = format!("FI/fetch: {}", fip_refusal::reason(fip, &error));
            fail_session(state, &session.id, &reason)
                .await
                .map_err(|e| RebitError::internal(&e))?;
            return Err(RebitError::new(
                ErrorCode::NoDataFound,
                "the FIP's data for this session did not pass the AA's checks; the session FAILED: request the data again",
            ));
        }
        Err(error) => return Err(fip_refusal::to_fiu(fip, &error)),
    };
    for entry in &mut fi {
        entry
            .data
            .retain(|d| !denied.contains(&d.link_ref_number.as_str()));
    }
    let delivered: Vec<String> = fi
        .iter()
        .flat_map(|f| f.data.iter().map(|d| d.link_ref_number.clone()))
        .collect();
    state
        .store
        .mark_fi_delivered(&session.id, &delivered, state.now_millis())
        .await
        .map_err(|e| RebitError::internal(&e))?;
    tracing::info!(accounts = delivered.len(), "FI data passed to the FIU");
    Ok(HttpResponse::Ok().json(FiFetchResponse {
        ver: ask.ver.to_owned(),
        timestamp: state.timestamp(),
        txnid: ask.txnid.to_owned(),
        fi,
    }))
}

/// An answer the FIP gave that is not fit to pass on (not one it failed to give): it does not
/// fit the request, or is out of schema.
fn bad_answer(error: &FipError) -> bool {
    matches!(
        error,
        FipError::Misfit(_) | FipError::Call(aa_runtime::http::OutboundError::Schema { .. })
    )
}
