//! `POST /FI/fetch` (2.0.0) and `GET /FI/fetch/{sessionId}?fipId=&linkRefNumber=` (1.1.x): the
//! AA collects a prepared session. Checks, in order: `sessionId` is a UUID (else 400
//! `InvalidRequest`); only the AA that made the session sees it (anyone else, or an unknown id:
//! 400 `InvalidSessionId`); the consent must still be usable (403 `ConsentPaused`,
//! `ConsentRevoked`, `ConsentExpired`); an expired session (older than
//! `fi.session_lifetime_seconds`, or ended with its consent; its data purged) is 400
//! `InvalidSessionId` too; a session whose data is not ready yet
//! is 404 `NoDataFound` (issue 5: not an empty success and not 403), and so is one with nothing
//! to serve (every account denied, none of the asked `linkRefNumber`s ready, or every one
//! delinked since the session opened: the delink made the account `DENIED` and told the AA,
//! `persistence::delinked_sessions`; the link is checked again here all the same). The answer has
//! one `FI` entry per account, each with the `KeyMaterial` of its own ephemeral key.

use aa_core::rebit::{EncryptedFi, ErrorCode, FiFetchRequest, FiFetchResponse, FiStatus, FipFi};
use aa_core::validate;
use aa_core::validate::ApiVersion;
use aa_runtime::http::{Caller, FromAa, RebitError, Verified, VerifiedUri};
use aa_runtime::idempotency::{Endpoint, Incoming, NextAction};
use actix_web::{web, HttpResponse};

use crate::fi::encrypt::Encrypted;
use crate::fi::request as rules;
use crate::jobs::fi_prepare::seal_context;
use crate::persistence::fi_sessions::{EXPIRED, FAILED, PENDING};
use crate::persistence::StoreError;
use crate::routes::rebit;
use crate::state::AppState;

#[tracing::instrument(
    name = "fi.fetch",
    skip_all,
    fields(
        txn.id = %request.body.txnid,
        session.id = %request.body.session_id,
        peer.id = %request.caller.entity_id,
    )
)]
pub async fn fetch(
    request: Verified<FiFetchRequest, FromAa>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, RebitError> {
    let body = &request.body;
    let version = rebit::envelope(&state, &body.ver, &body.timestamp, &body.txnid)?;
    let incoming = Incoming::new(
        &request.caller,
        Endpoint::FiFetch,
        &body.txnid,
        &request.raw,
    );
    // The answer is financial data: it is never stored, a replay computes it again from the
    // sealed store. The one write, when the accounts were first fetched, commits with the key.
    match state.idempotency().try_processing(&incoming).await? {
        NextAction::ReturnSavedResponse(answer) => Ok(answer),
        NextAction::StartProcessing(mut claim) => {
            let result = async {
                let served = serve_post(&state, &request).await?;
                state
                    .store
                    .mark_fetched_in(
                        claim.transaction().await?,
                        &served.session_id,
                        &served.fetched,
                    )
                    .await?;
                respond(&state, version, &body.txnid, served.fi)
            }
            .await;
            claim.finish(result).await
        }
        NextAction::Recompute => {
            let served = serve_post(&state, &request).await?;
            state
                .store
                .mark_fetched(&served.session_id, &served.fetched)
                .await?;
            Ok(HttpResponse::Ok().json(respond(&state, version, &body.txnid, served.fi)?))
        }
    }
}

/// The checks and the data of the 2.0.0 form.
async fn serve_post(
    state: &AppState,
    request: &Verified<FiFetchRequest, FromAa>,
) -> Result<Served, RebitError> {
    let body = &request.body;
    validate::uuid("sessionId", Some(&body.session_id))?;
    let links = body
        .link_ref_number
        .as_ref()
        .map(|refs| refs.iter().map(|r| r.id.clone()).collect::<Vec<_>>());
    serve(
        state,
        &request.caller,
        body.session_id.trim(),
        body.fip_id.as_deref(),
        links,
    )
    .await
}

/// The 1.1.x form: the signature covers the path; the answer carries a fresh `txnid`.
#[tracing::instrument(
    name = "fi.fetch.legacy",
    skip_all,
    fields(peer.id = %request.caller.entity_id, session.id = tracing::field::Empty)
)]
pub async fn fetch_legacy(
    request: VerifiedUri<FromAa>,
    path: web::Path<String>,
    query: web::Query<Vec<(String, String)>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, RebitError> {
    let version = ApiVersion::V1_1_2;
    let txnid = &request.txnid;
    let session_id = path.into_inner();
    tracing::Span::current().record("session.id", session_id.as_str());
    let mut fip_id = None;
    let mut links: Vec<String> = Vec::new();
    for (name, value) in query.iter() {
        match name.as_str() {
            "fipId" => fip_id = Some(value.as_str()),
            // Repeated, or comma-separated.
            "linkRefNumber" => links.extend(
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(str::to_owned),
            ),
            _ => {}
        }
    }
    validate::uuid("sessionId", Some(&session_id))?;
    let links = (!links.is_empty()).then_some(links);
    let served = serve(&state, &request.caller, &session_id, fip_id, links).await?;
    state
        .store
        .mark_fetched(&served.session_id, &served.fetched)
        .await?;
    Ok(HttpResponse::Ok().json(respond(&state, version, txnid, served.fi)?))
}

fn respond(
    state: &AppState,
    version: ApiVersion,
    txnid: &str,
    fi: Vec<FipFi>,
) -> Result<serde_json::Value, RebitError> {
    rebit::answer(
        version,
        &FiFetchResponse {
            ver: version.as_str().to_owned(),
            timestamp: state.timestamp(),
            txnid: txnid.to_owned(),
            fi,
        },
    )
}

/// What a fetch serves: the data, and which accounts of which session it came from (to record
/// them as fetched).
struct Served {
    fi: Vec<FipFi>,
    session_id: String,
    fetched: Vec<String>,
}

/// The session's data for `caller` (reads only; the caller records the fetch).
async fn serve(
    state: &AppState,
    caller: &Caller,
    session_id: &str,
    fip_id: Option<&str>,
    links: Option<Vec<String>>,
) -> Result<Served, RebitError> {
    let session = state
        .store
        .fi_session(session_id)
        .await?
        .filter(|s| s.aa_id == caller.entity_id)
        .ok_or_else(|| {
            RebitError::new(
                ErrorCode::InvalidSessionId,
                "no session with this id was requested here by this AA",
            )
        })?;
    if let Some(fip) = fip_id.filter(|f| !f.trim().is_empty()) {
        if fip != state.fip_id {
            return Err(RebitError::new(
                ErrorCode::InvalidRequest,
                "fipId names another FIP",
            ));
        }
    }
    let consent = state
        .store
        .consent_record(&session.consent_id)
        .await?
        .ok_or_else(|| RebitError::internal(&"the session's consent is gone"))?;
    rules::check_status(consent.status, consent.expiry, state.store.clock().now())?;
    let lifetime =
        i64::try_from(state.fi.session_lifetime.whole_milliseconds()).unwrap_or(i64::MAX);
    if session.status == EXPIRED
        || session.created_at_ms.saturating_add(lifetime) <= state.store.clock().now_millis()
    {
        // Sahamati: an EXPIRED session is done waiting; the AA must send a new FI/request.
        // The FIP's FI/fetch has no DataGone: the id no longer names a session to fetch.
        return Err(RebitError::new(
            ErrorCode::InvalidSessionId,
            "the session has expired and its data is purged; send a new FI/request",
        ));
    }
    match session.status.as_str() {
        PENDING => {
            return Err(RebitError::new(
                ErrorCode::NoDataFound,
                "the data is not ready yet; fetch it after the FI notification",
            ))
        }
        FAILED => {
            return Err(RebitError::new(
                ErrorCode::NoDataFound,
                "no data could be prepared for this session",
            ))
        }
        _ => {}
    }
    let chosen: Vec<_> = session
        .accounts
        .into_iter()
        .filter(|a| a.fi_status == FiStatus::Ready.as_str())
        .filter(|a| {
            links
                .as_ref()
                .is_none_or(|l| l.contains(&a.link_ref_number))
        })
        .collect();
    if chosen.is_empty() {
        return Err(RebitError::new(
            ErrorCode::NoDataFound,
            "no prepared data for the asked accounts",
        ));
    }
    // An account delinked since the data was prepared is no longer the consent's to share: the
    // delink made it DENIED; should a delink commit between the reads above and here, it is
    // left out all the same. With none left, there is nothing to serve.
    let refs: Vec<String> = chosen.iter().map(|a| a.link_ref_number.clone()).collect();
    let links = state.store.links_by_ref(&refs).await?;
    let chosen: Vec<_> = chosen
        .into_iter()
        .filter(|a| {
            links.iter().any(|l| {
                l.link_ref_number == a.link_ref_number
                    && l.linked
                    && l.aa_id == caller.entity_id
                    && l.customer_address == consent.customer_address
            })
        })
        .collect();
    if chosen.is_empty() {
        return Err(RebitError::new(
            ErrorCode::NoDataFound,
            "the asked accounts are no longer linked: nothing to serve",
        ));
    }
    let data_key = state
        .store
        .consent_data_key(&session.consent_id, &state.fi.key_ring)
        .await?;
    let mut fi = Vec::with_capacity(chosen.len());
    for account in &chosen {
        let sealed = account
            .sealed
            .as_deref()
            .ok_or_else(|| RebitError::internal(&"a ready account has no data"))?;
        let json = data_key
            .open(
                &seal_context(&session.session_id, &account.link_ref_number),
                sealed,
            )
            .map_err(|e| RebitError::from(StoreError::from(e)))?;
        let encrypted: Encrypted =
            serde_json::from_slice(&json).map_err(|e| RebitError::internal(&e))?;
        fi.push(FipFi {
            fip_id: state.fip_id.clone(),
            data: vec![EncryptedFi {
                link_ref_number: account.link_ref_number.clone(),
                masked_acc_number: account.masked_acc_number.clone(),
                encrypted_fi: encrypted.encrypted_fi,
            }],
            key_material: encrypted.key_material,
        });
    }
    let fetched: Vec<String> = chosen.iter().map(|a| a.link_ref_number.clone()).collect();
    tracing::info!(session.id = %session.session_id, accounts = fetched.len(), "fi data fetched");
    Ok(Served {
        fi,
        session_id: session.session_id,
        fetched,
    })
}
