//! `POST /FI/request`: an AA asks for the data a consent covers. Checks, in order, each with the
//! spec's answer: the consent is one this AA sent here (else 400 `InvalidConsentId`); the
//! stored artefact still verifies with the AA's registered key (else 400
//! `SignatureDoesNotMatch`) and `Consent.digitalSignature` is its signature segment (else 400
//! `SignatureDoesNotMatch`); the consent is `ACTIVE` and unexpired (else 403 `ConsentPaused`,
//! `ConsentRevoked`, `ConsentExpired`); it has started (else 400 `InvalidConsentStatus`);
//! `FIDataRange` lies inside the consent's (else 400 `InvalidDateRange`); the `KeyMaterial` is
//! readable, on X25519 or Curve25519, and unexpired (else 400 `InvalidKey`); the consent's
//! `DataFilter` applies (else 400 `InvalidConsentDetail`); at least one of its accounts is
//! still linked through this AA (else 400 `InvalidConsentDetail`; delinked ones are `DENIED` in
//! the data); its usage limit is not reached (`ONETIME`: one request, `PERIODIC`: `Frequency`,
//! `FAILED` sessions not counted; else 400 `InvalidConsentUse`); no other session of the
//! consent is still being prepared (else 403
//! `DataFetchRequestInProgress`). Then a session is stored and answered at once; the data is
//! prepared in the background ([`crate::jobs::fi_prepare`]) and the AA notified when it is ready.

use aa_core::consent_use::use_limit;
use aa_core::rebit::{ErrorCode, FiRequest, FiResponse, SignedConsentDetail};
use aa_core::validate;
use aa_runtime::http::{FromAa, RebitError, Verified};
use aa_runtime::idempotency::{Endpoint, Incoming};
use actix_web::{web, HttpResponse};

use crate::fi::{encrypt, request as rules};
use crate::persistence::fi_sessions::{NewFiSession, Opened};
use crate::routes::rebit;
use crate::state::{AppState, Claimed};
use aa_runtime::clock::millis;

#[tracing::instrument(
    name = "fi.request",
    skip_all,
    fields(
        txn.id = %request.body.txnid,
        consent.id = %request.body.consent.id,
        peer.id = %request.caller.entity_id,
        session.id = tracing::field::Empty,
    )
)]
pub async fn request(
    request: Verified<FiRequest, FromAa>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, RebitError> {
    answer(&request, &state).await
}

async fn answer(
    request: &Verified<FiRequest, FromAa>,
    state: &AppState,
) -> Result<HttpResponse, RebitError> {
    let body = &request.body;
    let aa_id = &request.caller.entity_id;
    let version = rebit::envelope(state, &body.ver, &body.timestamp, &body.txnid)?;
    let incoming = Incoming::new(
        &request.caller,
        Endpoint::FiRequest,
        &body.txnid,
        &request.raw,
    );
    let mut claim = match state.claim(&incoming).await? {
        Claimed::Fresh(claim) => claim,
        Claimed::Answered(answer) => return Ok(answer),
    };
    let result = async {
        let consent_id = validate::required("Consent.id", Some(&body.consent.id))?;
        let consent = state
            .store
            .consent_record(consent_id)
            .await?
            .filter(|c| c.aa_id == *aa_id)
            .ok_or_else(|| {
                RebitError::new(
                    ErrorCode::InvalidConsentId,
                    "no consent with this id was sent here by this AA",
                )
            })?;
        let aa_core::signed_consent::SignedConsent {
            detail, signature, ..
        } = aa_core::signed_consent::verify(
            &consent.signed_consent,
            aa_id,
            &state.registry.current(),
        )?;
        if signature != consent.signature
            || body.consent.digital_signature.trim() != consent.signature
        {
            return Err(RebitError::new(
                ErrorCode::SignatureDoesNotMatch,
                "Consent.digitalSignature is not the signature of the consent artefact",
            ));
        }
        let now = state.store.clock().now();
        rules::check_status(consent.status, consent.expiry, now)?;
        rules::check_started(consent.start, now)?;
        let (from, to) = rules::check_range(&body.fi_data_range, &detail.fi_data_range)?;
        encrypt::recipient(&body.key_material, now)
            .map_err(|e| RebitError::new(ErrorCode::InvalidKey, format!("KeyMaterial: {e}")))?;
        check_detail(&detail, from, to)?;
        // What the request asks is checked first; then what the consent's history allows.
        check_links(state, &detail, aa_id).await?;
        let limit = use_limit(&detail, now);
        if limit.max != u32::MAX {
            let since = limit.since.map_or(0, aa_runtime::clock::millis);
            let used = state
                .store
                .consent_uses_since(&consent.consent_id, since)
                .await?;
            if used >= u64::from(limit.max) {
                return Err(limit.exceeded().into());
            }
        }

        let session_id = uuid::Uuid::new_v4().to_string();
        let key_material =
            serde_json::to_string(&body.key_material).map_err(|e| RebitError::internal(&e))?;
        // The first write: the reads above went through the shared connection before the
        // claim's transaction began. The session, its preparation job and the answer commit
        // together.
        let opened = state
            .store
            .open_fi_session_in(
                claim.transaction().await?,
                NewFiSession {
                    session_id: session_id.clone(),
                    consent_id: consent.consent_id.clone(),
                    aa_id: aa_id.clone(),
                    txnid: body.txnid.clone(),
                    range_from: body.fi_data_range.from.clone(),
                    range_to: body.fi_data_range.to.clone(),
                    from_ms: millis(from),
                    to_ms: millis(to),
                    key_material,
                },
                // Expired sessions are no longer open, swept yet or not.
                millis(now).saturating_sub(
                    i64::try_from(state.fi.session_lifetime.whole_milliseconds())
                        .unwrap_or(i64::MAX),
                ),
            )
            .await?;
        if opened == Opened::InProgress {
            return Err(RebitError::new(
                ErrorCode::DataFetchRequestInProgress,
                "a session of this consent is still being prepared or waits to be fetched",
            ));
        }
        tracing::Span::current().record("session.id", session_id.as_str());
        tracing::info!(session.id = %session_id, "fi session created; preparing");
        rebit::answer(
            version,
            &FiResponse {
                ver: version.as_str().to_owned(),
                timestamp: state.timestamp(),
                txnid: body.txnid.clone(),
                consent_id: consent.consent_id,
                session_id,
            },
        )
    }
    .await;
    let answer = claim.finish(result).await?;
    // The job is committed: the worker may take it.
    state.waker.wake();
    Ok(answer)
}

/// At least one account of the consent must still be linked, through this AA, to its customer:
/// delinked accounts are left out of the data (`DENIED`), and a consent with none left is
/// refused with 400 `InvalidConsentDetail`, as `POST /Consent` refuses unlinked accounts.
async fn check_links(
    state: &AppState,
    detail: &SignedConsentDetail,
    aa_id: &str,
) -> Result<(), RebitError> {
    let refs: Vec<String> = detail
        .accounts
        .iter()
        .map(|a| a.link_ref_number.clone())
        .collect();
    let links = state.store.links_by_ref(&refs).await?;
    let live = links
        .iter()
        .any(|l| l.linked && l.aa_id == aa_id && l.customer_address == detail.customer.id);
    if !live {
        return Err(RebitError::new(
            ErrorCode::InvalidConsentDetail,
            "no account of the consent is linked any more",
        ));
    }
    Ok(())
}

/// The consent's `DataFilter` must be usable before a session is promised.
fn check_detail(
    detail: &SignedConsentDetail,
    from: time::OffsetDateTime,
    to: time::OffsetDateTime,
) -> Result<(), RebitError> {
    rules::wanted(detail, from, to)?;
    Ok(())
}
