//! `POST /Consent/Notification` (ReBIT FIU API): an AA tells the FIU a consent's status changed.
//!
//! Checks, in order, each with the spec's answer: API key, signature and binding (the
//! `Verified` extractor: 401 `Unauthorized`, 400 `SignatureDoesNotMatch`, 400 `InvalidRequest`);
//! the caller is an AA (`FromAa`: 401 `Unauthorized`); the envelope (404 `NoSuchVersion`, 400
//! `InvalidRequest`); `Notifier.type` and `Notifier.id` present (400 `InvalidRequest`; an
//! empty string is missing); the `Notifier` is the calling AA (400 `InvalidNotifier`); the consent is
//! known (400 `InvalidConsentId`, the FIU spec's code for an unknown consent, handle or id) and
//! was requested through the calling AA (400 `InvalidNotifier`); a consent in a final state is
//! not moved to another (400 `InvalidConsentStatus`, [`crate::domain::answers::consent_status`];
//! the same status again is a re-send); the `txnid` has not been used
//! by this AA for another consent's notifications (409 `IdempotencyError`; see
//! `aa_runtime::idempotency`).
//!
//! The notification is then applied in the transaction of its idempotency claim, which also
//! queues the artefact fetch an `ACTIVE` calls for and keeps the answer
//! ([`notifier::apply_once`]); the fetch runs after the answer, in the worker. The same
//! notification delivered again is answered `OK` and changes nothing.

use aa_core::rebit::{ConsentStatusNotification, ErrorCode};
use aa_runtime::http::{FromAa, RebitError, Verified};
use aa_runtime::idempotency::{Endpoint, Incoming};
use actix_web::{web, HttpResponse};
use tracing::field::Empty;

use crate::clients::aa::MAX_ID_LEN;
use crate::domain::answers;
use crate::domain::status::ConsentState;
use crate::domain::update::{KnownArtefact, StatusUpdate};
use crate::persistence::consents::ConsentRequestRecord;
use crate::persistence::updates::Notified;
use crate::routes::rebit::notifier;
use crate::state::AppState;

/// A present, non-blank identifier.
fn present(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

#[tracing::instrument(
    name = "consent_notification",
    skip_all,
    fields(txn.id = Empty, peer.id = Empty, consent.handle = Empty, consent.id = Empty, consent.status = Empty)
)]
pub async fn notify(
    request: Verified<ConsentStatusNotification, FromAa>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, RebitError> {
    let Verified {
        caller, body, raw, ..
    } = request;
    let version = notifier::envelope(&state, &caller, &body.ver, &body.timestamp, &body.txnid)?;
    notifier::present(&body.notifier)?;
    notifier::is_calling_aa(&body.notifier, &caller.entity_id)?;
    let update = &body.consent_status_notification;
    let handle = present(update.consent_handle.as_deref());
    let consent_id = present(update.consent_id.as_deref());
    let status = ConsentState::from(update.consent_status);
    let span = tracing::Span::current();
    span.record("consent.status", status.as_str());
    if let Some(consent_id) = consent_id {
        span.record("consent.id", consent_id);
    }
    let request = resolve(&state, &caller.entity_id, handle, consent_id, &body.txnid).await?;
    span.record("consent.handle", request.handle.as_str());
    if request.aa_id != caller.entity_id {
        return Err(RebitError::new(
            ErrorCode::InvalidNotifier,
            "the consent was not requested through the notifying AA",
        ));
    }
    let artefacts: Vec<KnownArtefact> = state
        .store
        .artefacts(&request.handle)
        .await
        .map_err(|e| RebitError::internal(&e))?
        .into_iter()
        .map(|a| KnownArtefact {
            consent_id: a.consent_id,
            status: a.status,
            fetch: a.fetch,
        })
        .collect();
    answers::consent_status(request.status, &artefacts, consent_id, status)?;
    let incoming = Incoming::new(&caller, Endpoint::ConsentNotification, &body.txnid, &raw)
        .about(&request.handle);
    let notified = Notified::Consent {
        aa_id: caller.entity_id.clone(),
        txnid: body.txnid.clone(),
        handle: request.handle.clone(),
        update: StatusUpdate {
            consent_id: consent_id.map(str::to_owned),
            status,
        },
    };
    notifier::apply_once(&state, &incoming, version, notified).await
}

/// The consent request a notification is about: by `consentHandle`; else by `consentId` (an
/// artefact already known); else by `txnid`, which the AA spec asks AAs to carry over from the
/// FIU's `POST /Consent` "for FIU to correlate". A `consentId` that belongs to another handle
/// than the one named is refused.
async fn resolve(
    state: &AppState,
    aa_id: &str,
    handle: Option<&str>,
    consent_id: Option<&str>,
    txnid: &str,
) -> Result<ConsentRequestRecord, RebitError> {
    let invalid = |m: &str| RebitError::new(ErrorCode::InvalidConsentId, m);
    let store = &state.store;
    if handle.is_some_and(|h| h.len() > MAX_ID_LEN)
        || consent_id.is_some_and(|c| c.len() > MAX_ID_LEN)
    {
        return Err(invalid("consentHandle or consentId is too long"));
    }
    let internal = |e: crate::persistence::StoreError| RebitError::internal(&e);
    let owner = match consent_id {
        Some(id) => store
            .consent_request_of_artefact(id)
            .await
            .map_err(internal)?,
        None => None,
    };
    match (handle, owner) {
        (Some(handle), Some(owner)) if owner.handle != handle => {
            Err(invalid("consentId belongs to another consent handle"))
        }
        (Some(_), Some(owner)) => Ok(owner),
        (Some(handle), None) => store
            .consent_request(handle)
            .await
            .map_err(internal)?
            .ok_or_else(|| invalid("unknown consentHandle")),
        (None, Some(owner)) => Ok(owner),
        (None, None) => {
            let by_txnid = store
                .consent_request_by_txnid(aa_id, txnid)
                .await
                .map_err(internal)?;
            match (by_txnid, consent_id) {
                (Some(request), _) => Ok(request),
                (None, Some(_)) => Err(invalid("unknown consentId")),
                (None, None) => Err(RebitError::new(
                    ErrorCode::InvalidRequest,
                    "ConsentStatusNotification needs a consentHandle or a consentId",
                )),
            }
        }
    }
}
