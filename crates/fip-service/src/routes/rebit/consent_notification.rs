//! `POST /Consent/Notification`: the AA tells this FIP a consent's status changed (`ACTIVE`,
//! `PAUSED`, `REVOKED`, `EXPIRED`). The notifier must be the calling AA (else 400
//! `InvalidNotifier`); the consent must be one that AA sent here (else 400 `InvalidConsentId`);
//! the change must be allowed (else 400 `InvalidConsentStatus`). A repeated notification
//! changes nothing and is answered OK. When a consent becomes `REVOKED` or `EXPIRED`, its
//! sessions expire and their prepared data is purged. A txnid, once used, binds its consent: another
//! `consentId` under it is 409 `IdempotencyError`; another status of the same consent is the
//! next notification (the AA reuses its consent flow's txnid for all of them).

use aa_core::rebit::{
    ConsentStatus, ConsentStatusNotification, ErrorCode, NotificationResponse, NotifierType,
};
use aa_core::validate;
use aa_core::validate::ApiVersion;
use aa_runtime::http::{FromAa, RebitError, Verified};
use aa_runtime::idempotency::{Endpoint, Incoming, NextAction};
use actix_web::{web, HttpResponse};

use crate::domain::consent;
use crate::persistence::Tx;
use crate::routes::rebit;
use crate::state::AppState;

#[tracing::instrument(
    name = "consent.notification",
    skip_all,
    fields(
        txn.id = %request.body.txnid,
        peer.id = %request.caller.entity_id,
        consent.id = tracing::field::Empty,
    )
)]
pub async fn notification(
    request: Verified<ConsentStatusNotification, FromAa>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, RebitError> {
    answer(&request, &state).await
}

fn unknown_consent() -> RebitError {
    RebitError::new(
        ErrorCode::InvalidConsentId,
        "no consent with this id was sent here by this AA",
    )
}

async fn answer(
    request: &Verified<ConsentStatusNotification, FromAa>,
    state: &AppState,
) -> Result<HttpResponse, RebitError> {
    let body = &request.body;
    let version = rebit::envelope(state, &body.ver, &body.timestamp, &body.txnid)?;
    // The AA reuses its consent flow's txnid for every notification of the consent: a txnid
    // binds the consent, and each notification is applied afresh (a repeat changes nothing).
    let consent_id = body
        .consent_status_notification
        .consent_id
        .as_deref()
        .unwrap_or_default()
        .trim();
    let incoming = Incoming::new(
        &request.caller,
        Endpoint::ConsentNotification,
        &body.txnid,
        &request.raw,
    )
    .about(consent_id);
    match state.idempotency().try_processing(&incoming).await? {
        NextAction::ReturnSavedResponse(answer) => Ok(answer),
        // The first notification under the txnid: its writes and its kept key commit together
        // (refused: neither).
        NextAction::StartProcessing(mut claim) => {
            let result = async {
                let txn = claim.transaction().await?;
                change(request, state, version, txn).await
            }
            .await;
            claim.finish(result).await
        }
        // The next notification of the consent under the flow's txnid (or a re-send): applied
        // in a transaction of its own, where a re-send changes nothing.
        NextAction::Recompute => {
            let txn = state.store.begin().await?;
            let answer = change(request, state, version, &txn).await?;
            txn.commit().await.map_err(|e| RebitError::internal(&e))?;
            Ok(HttpResponse::Ok().json(answer))
        }
    }
}

async fn change(
    request: &Verified<ConsentStatusNotification, FromAa>,
    state: &AppState,
    version: ApiVersion,
    txn: &Tx,
) -> Result<serde_json::Value, RebitError> {
    let body = &request.body;
    let aa_id = &request.caller.entity_id;
    if body.notifier.kind.known() != Some(&NotifierType::Aa) || body.notifier.id != *aa_id {
        return Err(RebitError::new(
            ErrorCode::InvalidNotifier,
            "Notifier must be the calling AA",
        ));
    }
    let update = &body.consent_status_notification;
    let consent_id = validate::required(
        "ConsentStatusNotification.consentId",
        update.consent_id.as_deref(),
    )?;
    tracing::Span::current().record("consent.id", consent_id);
    // A concurrent notification may move the status between reading and writing; a few
    // rounds settle it.
    for _ in 0..3 {
        let stored = state
            .store
            .consent_in(txn, consent_id)
            .await?
            .filter(|c| c.aa_id == *aa_id)
            .ok_or_else(unknown_consent)?;
        match consent::transition(stored.status, update.consent_status)? {
            None => {
                tracing::info!(consent.id = %consent_id, status = %stored.status, "consent status unchanged");
                // A repeat finishes a purge an earlier attempt may have left undone.
                purge_if_final(state, txn, consent_id, stored.status).await?;
                return ok(state, version, &body.txnid);
            }
            Some(next) => {
                if state
                    .store
                    .set_consent_status_in(txn, consent_id, stored.status, next)
                    .await?
                {
                    tracing::info!(consent.id = %consent_id, from = %stored.status, to = %next, "consent status changed");
                    purge_if_final(state, txn, consent_id, next).await?;
                    return ok(state, version, &body.txnid);
                }
            }
        }
    }
    Err(RebitError::internal(
        &"consent status kept changing under a notification",
    ))
}

/// A REVOKED or EXPIRED consent's data will never be served: its sessions expire and their
/// prepared data is purged (sealed blobs removed, the consent's data key deleted).
async fn purge_if_final(
    state: &AppState,
    txn: &Tx,
    consent_id: &str,
    status: ConsentStatus,
) -> Result<(), RebitError> {
    if matches!(status, ConsentStatus::Revoked | ConsentStatus::Expired) {
        for session_id in state
            .store
            .expire_consent_sessions_in(txn, consent_id)
            .await?
        {
            tracing::info!(session.id = %session_id, consent.id = %consent_id, "fi session ended with its consent; its data purged");
        }
    }
    Ok(())
}

fn ok(state: &AppState, version: ApiVersion, txnid: &str) -> Result<serde_json::Value, RebitError> {
    rebit::answer(
        version,
        &NotificationResponse {
            ver: version.as_str().to_owned(),
            timestamp: state.timestamp(),
            txnid: txnid.to_owned(),
            response: "OK".to_owned(),
        },
    )
}
