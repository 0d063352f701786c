//! The FI request use case (`POST /FI/request` from an FIU), for one consent artefact.
//!
//! Checked against the artefact (issued to this FIU, ACTIVE and in force, `digitalSignature`
//! its signature segment, range inside the consent's, KeyMaterial readable and unexpired; a
//! PAUSED, REVOKED or EXPIRED consent, or one not started yet, is 400 `InvalidConsentStatus`:
//! the AA's 2.0.0 `/FI/request` lists no 403), and some account of it still linked (accounts
//! the customer delinked start `DENIED`; none left: 400 `InvalidConsentDetail`).
//!
//! Then served once per (FIU, txnid) by `aa_runtime::idempotency` (`Endpoint::FiRequest`): the
//! same txnid and body again gets the stored answer (the same session), another body 409
//! `IdempotencyError`, one still in flight 503. The session is opened `REQUESTED` unless another
//! of the consent is in progress (403 `DataFetchRequestInProgress`) or its usage limit is
//! reached (400 `InvalidConsentUse`). Accepted, it is answered at once with the AA's session id,
//! and the forward to the FIP is queued with the answer (`flows::fi_forward`, the spec's
//! asynchronous model): the FIP's acceptance makes the session `ACTIVE`; its refusal, a bad
//! answer or a timeout make it `FAILED`, which the FIU hears in `FI/Notification`. Nothing
//! waits inside the request. A FAILED session's txnid, once its kept answer is forgotten,
//! reopens the same session.

use aa_core::consent_use::use_limit;
use aa_core::rebit::{ConsentStatus, ErrorCode, FiRequest, FiResponse, SignedConsentDetail};
use aa_runtime::clock::millis;
use aa_runtime::http::{Caller, RebitError};
use aa_runtime::idempotency::{Claim, Endpoint};
use actix_web::HttpResponse;
use time::OffsetDateTime;

use super::fi_forward::Forward;
use crate::domain::fi_request::{
    check_key, check_range, check_signature, session_accounts, signed_terms, usable, SessionAccount,
};
use crate::domain::fi_session::{SessionState, FORWARD_WINDOW_MILLIS};
use crate::persistence::records::{
    ArtefactRecord, FiAccountRecord, FiAdmission, FiOpening, FiSessionRecord,
};
use crate::persistence::StoreError;
use crate::state::{AppState, Claimed};

/// What the FIU asked, as received.
pub struct Ask<'a> {
    pub caller: &'a Caller,
    pub ver: &'a str,
    pub body: &'a FiRequest,
    /// The exact bytes received (the idempotency key's digest).
    pub raw: &'a [u8],
}

fn internal(e: StoreError) -> RebitError {
    RebitError::internal(&e)
}

/// A request that passed every check, ready to be opened.
struct Checked {
    artefact: ArtefactRecord,
    terms: SignedConsentDetail,
    accounts: Vec<SessionAccount>,
}

/// Serves the FIU's request (see the module documentation).
pub async fn request(state: &AppState, ask: Ask<'_>) -> Result<HttpResponse, RebitError> {
    let now = state.now();
    let checked = check(state, &ask, now).await?;
    let mut claim = match state
        .claim(ask.caller, Endpoint::FiRequest, &ask.body.txnid, ask.raw)
        .await?
    {
        Claimed::Fresh(claim) => claim,
        Claimed::Answered(answer) => return Ok(answer),
    };
    let result = open_and_queue(state, &mut claim, &ask, checked, now).await;
    let answer = claim.finish(result).await?;
    // Only now is the forward committed for the queue's worker to see.
    state.waker.wake();
    Ok(answer)
}

async fn check(
    state: &AppState,
    ask: &Ask<'_>,
    now: OffsetDateTime,
) -> Result<Checked, RebitError> {
    let body = ask.body;
    let artefact = state
        .store
        .artefact(body.consent.id.trim())
        .await
        .map_err(internal)?
        .filter(|a| a.fiu_id == ask.caller.entity_id)
        .ok_or_else(|| {
            RebitError::new(
                ErrorCode::InvalidConsentId,
                "no consent with this id was issued to this FIU",
            )
        })?;
    let terms = signed_terms(
        &artefact.signed_consent,
        &state.identity.signer.verifying_key(),
    )
    .map_err(|e| RebitError::internal(&e))?;
    check_signature(&artefact.signed_consent, &body.consent.digital_signature)?;
    let status = artefact
        .status
        .parse::<ConsentStatus>()
        .map_err(|e| RebitError::internal(&e))?;
    usable(status, &terms, now)
        .map_err(|why| RebitError::new(why.request_code(), why.describe()))?;
    check_range(&body.fi_data_range, &terms.fi_data_range)?;
    check_key(&body.key_material, now)?;
    let links: Vec<String> = terms
        .accounts
        .iter()
        .map(|a| a.link_ref_number.clone())
        .collect();
    let delinked = state
        .store
        .delinked_links(&artefact.customer_handle, &artefact.fip_id, &links)
        .await
        .map_err(internal)?;
    let accounts = session_accounts(&terms, &delinked).ok_or_else(|| {
        RebitError::new(
            ErrorCode::InvalidConsentDetail,
            "every account of this consent has been delinked",
        )
    })?;
    Ok(Checked {
        artefact,
        terms,
        accounts,
    })
}

/// The session a failed or interrupted attempt under this txnid left, to reopen under the same
/// id (sessions keep their FIU's txnid for good). One for another consent or range is the
/// txnid of another request, whose idempotency key has been forgotten: 409.
async fn earlier_attempt(
    state: &AppState,
    ask: &Ask<'_>,
    consent_id: &str,
) -> Result<Option<FiSessionRecord>, RebitError> {
    let body = ask.body;
    let earlier = state
        .store
        .fi_session_by_txnid(&ask.caller.entity_id, &body.txnid)
        .await
        .map_err(internal)?;
    match earlier {
        Some(s)
            if s.consent_id != consent_id
                || s.data_from != body.fi_data_range.from
                || s.data_to != body.fi_data_range.to =>
        {
            Err(RebitError::new(
                ErrorCode::IdempotencyError,
                "txnid was used for another FI request",
            ))
        }
        other => Ok(other),
    }
}

fn busy() -> RebitError {
    RebitError::new(
        ErrorCode::ServiceUnavailable,
        "an FI request with this txnid is still being processed; send it again",
    )
}

async fn open_and_queue(
    state: &AppState,
    claim: &mut Claim<'_>,
    ask: &Ask<'_>,
    checked: Checked,
    now: OffsetDateTime,
) -> Result<FiResponse, RebitError> {
    let Checked {
        artefact,
        terms,
        accounts,
    } = checked;
    let body = ask.body;
    let earlier = earlier_attempt(state, ask, &artefact.consent_id).await?;
    let reopen = match earlier {
        None => None,
        Some(s) if matches!(s.status, SessionState::Failed | SessionState::Requested) => Some(s.id),
        // Answered before, the key since forgotten: the same session.
        Some(s) => return Ok(answer(state, ask, &s.consent_id, &s.id)),
    };
    let session = FiSessionRecord {
        id: reopen
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        consent_id: artefact.consent_id.clone(),
        fiu_id: ask.caller.entity_id.clone(),
        fip_id: artefact.fip_id.clone(),
        fiu_txnid: body.txnid.clone(),
        fip_session_id: None,
        status: SessionState::Requested,
        data_from: body.fi_data_range.from.clone(),
        data_to: body.fi_data_range.to.clone(),
        created_at: millis(now),
        updated_at: millis(now),
    };
    let accounts: Vec<FiAccountRecord> = accounts
        .into_iter()
        .map(|a| FiAccountRecord {
            link_ref_number: a.link_ref_number,
            masked_acc_number: a.masked_acc_number,
            fi_status: a.fi_status,
            description: a.description,
        })
        .collect();
    let limit = use_limit(&terms, now);
    // Committed before the FIP is asked: the FIP may notify before it answers, and the
    // notification handler must see a forward in flight.
    let opening = state
        .store
        .open_fi_session(
            &session,
            &accounts,
            FiAdmission {
                reopen: reopen.is_some(),
                stale_before: millis(now) - FORWARD_WINDOW_MILLIS,
                expired_before: state.fi_session_expired_before(now),
                max_uses: limit.max,
                uses_since: limit.since.map(millis),
            },
        )
        .await
        .map_err(internal)?;
    match opening {
        FiOpening::Opened => {}
        FiOpening::InProgress => {
            return Err(RebitError::new(
                ErrorCode::DataFetchRequestInProgress,
                "another data request for this consent is in progress",
            ))
        }
        FiOpening::UsedUp => return Err(limit.exceeded().into()),
        FiOpening::Busy => return Err(busy()),
    }
    tracing::Span::current().record("session.id", session.id.as_str());
    let forward = Forward {
        session_id: session.id.clone(),
        opened_at: session.created_at,
        request: body.clone(),
    };
    let job = forward.job().map_err(|e| RebitError::internal(&e))?;
    state
        .store
        .queue_job(claim.transaction().await?, job)
        .await
        .map_err(internal)?;
    tracing::info!("FI session opened; the request is queued for the FIP");
    Ok(answer(state, ask, &artefact.consent_id, &session.id))
}

fn answer(state: &AppState, ask: &Ask<'_>, consent_id: &str, session_id: &str) -> FiResponse {
    FiResponse {
        ver: ask.ver.to_owned(),
        timestamp: state.timestamp(),
        txnid: ask.body.txnid.clone(),
        consent_id: consent_id.to_owned(),
        session_id: session_id.to_owned(),
    }
}
