//! `POST /FI/request` (FIU): a request for the data of one consent artefact. Checked against the
//! artefact (issued to this FIU, ACTIVE and in force, `digitalSignature` its signature segment,
//! range inside the consent's, KeyMaterial readable and unexpired; a PAUSED, REVOKED or EXPIRED
//! consent is 403 `ConsentPaused` / `ConsentRevoked` / `ConsentExpired`, one not started yet 400
//! `InvalidConsentStatus`), no other session of the consent in progress (403
//! `DataFetchRequestInProgress`, `domain::fi_session::in_progress`) and its usage limit not
//! reached (400 `InvalidConsentUse`, `aa_core::consent_use`), and some account of it
//! still linked (accounts the customer delinked start `DENIED`; none left: 400
//! `InvalidConsentDetail`), recorded as a `REQUESTED`
//! session, forwarded to the artefact's FIP signed by the AA with the FIU's KeyMaterial and
//! `digitalSignature` untouched, then `ACTIVE` with the FIP's session id, or `FAILED` if the
//! FIP refused or could not be reached (the same `txnid` again tries again, same session). If the artefact itself is still in the outbox on its
//! way to the FIP, the request waits for it a few seconds, then answers 503. A repeat of the same `txnid` (checked like the first)
//! for the same consent and range answers the same session; otherwise 409 `IdempotencyError`.

use std::time::Duration;

use aa_core::consent_use::use_limit;
use aa_core::rebit::{ConsentStatus, ErrorCode, FiRequest, FiResponse};
use aa_core::timefmt;
use aa_runtime::http::{FromFiu, RebitError, Verified};
use actix_web::{web, HttpResponse};
use time::OffsetDateTime;

use super::{envelope, fip_error, internal, required, uuid_field};
use crate::domain::fi_messages;
use crate::domain::fi_request::{
    check_key, check_range, check_signature, session_accounts, signed_terms, usable,
};
use crate::domain::fi_session::{SessionState, FORWARD_WINDOW_MILLIS};
use crate::persistence::records::{FiAccountRecord, FiAdmission, FiOpening, FiSessionRecord};
use crate::state::AppState;
use aa_runtime::clock::millis;

/// How long an FI request waits for its artefact to reach the FIP.
const ARTEFACT_WAIT: Duration = Duration::from_secs(5);

/// The FIU hears of an ACTIVE consent while the artefact may still be on its way to the FIP
/// (both leave through the outbox). Waits briefly for it; still on its way: 503, try again.
async fn wait_for_artefact_at_fip(
    state: &AppState,
    fip_id: &str,
    consent_id: &str,
) -> Result<(), RebitError> {
    let deadline = tokio::time::Instant::now() + ARTEFACT_WAIT;
    while state
        .store
        .artefact_on_its_way(fip_id, consent_id)
        .await
        .map_err(internal)?
    {
        if tokio::time::Instant::now() >= deadline {
            return Err(RebitError::new(
                ErrorCode::ServiceUnavailable,
                "the consent has not reached the FIP yet; try again later",
            ));
        }
        state.waker.wake();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

fn answer(ver: &str, txnid: &str, consent_id: &str, session_id: &str) -> HttpResponse {
    HttpResponse::Ok().json(FiResponse {
        ver: ver.to_owned(),
        timestamp: timefmt::now_millis(),
        txnid: txnid.to_owned(),
        consent_id: consent_id.to_owned(),
        session_id: session_id.to_owned(),
    })
}

#[tracing::instrument(name = "POST /FI/request", skip_all, fields(txn.id = %request.body.txnid, peer.id = %request.caller.entity_id, consent.id = %request.body.consent.id, session.id))]
pub async fn create(
    state: web::Data<AppState>,
    request: Verified<FiRequest, FromFiu>,
) -> Result<HttpResponse, RebitError> {
    let body = request.body;
    let version = envelope(&body.ver, &body.timestamp, &body.txnid)?;
    let consent_id = uuid_field("Consent.id", &body.consent.id)?;
    required("Consent.digitalSignature", &body.consent.digital_signature)?;
    let fiu = request.caller.entity_id;
    let artefact = state
        .store
        .artefact(consent_id)
        .await
        .map_err(internal)?
        .filter(|a| a.fiu_id == fiu)
        .ok_or_else(|| {
            RebitError::new(
                ErrorCode::InvalidConsentId,
                "no consent with this id was issued to this FIU",
            )
        })?;

    let now = OffsetDateTime::now_utc();
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

    let existing = state
        .store
        .fi_session_by_txnid(&fiu, &body.txnid)
        .await
        .map_err(internal)?;
    let retry = match existing {
        None => None,
        Some(existing)
            if existing.consent_id != artefact.consent_id
                || existing.data_from != body.fi_data_range.from
                || existing.data_to != body.fi_data_range.to =>
        {
            return Err(RebitError::new(
                ErrorCode::IdempotencyError,
                "txnid was used for another FI request",
            ));
        }
        Some(existing)
            if existing.status == SessionState::Requested
                && existing.created_at >= millis(now) - FORWARD_WINDOW_MILLIS =>
        {
            return Err(RebitError::new(
                ErrorCode::IdempotencyError,
                "an FI request with this txnid is in progress",
            ));
        }
        // A failed or interrupted attempt is tried again under the same session id.
        Some(existing)
            if matches!(
                existing.status,
                SessionState::Failed | SessionState::Requested
            ) =>
        {
            Some(existing.id)
        }
        Some(existing) => {
            tracing::Span::current().record("session.id", existing.id.as_str());
            return Ok(answer(
                version.as_str(),
                &body.txnid,
                &existing.consent_id,
                &existing.id,
            ));
        }
    };

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

    wait_for_artefact_at_fip(&state, &artefact.fip_id, &artefact.consent_id).await?;

    let session = FiSessionRecord {
        id: retry
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        consent_id: artefact.consent_id.clone(),
        fiu_id: fiu.clone(),
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
    let opening = state
        .store
        .open_fi_session(
            &session,
            &accounts,
            FiAdmission {
                reopen: retry.is_some(),
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
        FiOpening::Busy => {
            return Err(RebitError::new(
                ErrorCode::IdempotencyError,
                "an FI request with this txnid is in progress",
            ))
        }
    }
    tracing::Span::current().record("session.id", session.id.as_str());

    let forwarded = fi_messages::forwarded_request(&body);
    let fip = &artefact.fip_id;
    let outcome = state
        .identity
        .client
        .post::<_, FiResponse>(fip, "/FI/request", &forwarded)
        .await
        .map_err(|e| fip_error::from_outbound(fip, &e))
        .and_then(|answer| {
            if answer.consent_id != artefact.consent_id || answer.session_id.trim().is_empty() {
                tracing::warn!(peer.id = %fip, "FIP answered FI/request for another consent or without a session");
                Err(RebitError::new(
                    ErrorCode::ServiceUnavailable,
                    "the FIP's answer does not fit the request",
                ))
            } else {
                Ok(answer.session_id)
            }
        });
    let done = millis(OffsetDateTime::now_utc());
    match outcome {
        Ok(fip_session_id) => {
            state
                .store
                .activate_fi_session(
                    &session.id,
                    fip_session_id.trim(),
                    &artefact.consent_id,
                    &timefmt::format_millis(now),
                    done,
                )
                .await
                .map_err(internal)?;
            tracing::info!("FI session opened at the FIP");
            Ok(answer(
                version.as_str(),
                &body.txnid,
                &artefact.consent_id,
                &session.id,
            ))
        }
        Err(refusal) => {
            state
                .store
                .fail_fi_session(&session.id, &refusal.to_string(), done)
                .await
                .map_err(internal)?;
            tracing::info!(error.code = %refusal.code, "FI request failed at the FIP");
            Err(refusal)
        }
    }
}
