//! `POST /Consent/Notification` from an FIP or FIU about a consent it is party to. Accepted and
//! acknowledged; consent lifecycle changes on a party's word (pause, revoke) come with the
//! lifecycle work, so for now the notification is checked and logged. Served once per (caller,
//! txnid) by `aa_runtime::idempotency` (`Endpoint::ConsentNotification`), claimed before the
//! work and answered in the claim's transaction: a repeat gets the stored answer, the same txnid
//! with another body is 409 `IdempotencyError`, one still in flight 503, and a refusal frees the
//! txnid.

use aa_core::rebit::{ConsentStatusNotification, ErrorCode, NotifierType, Open};
use aa_core::registry::Role;
use aa_runtime::http::{FromFiuOrFip, RebitError, Verified};
use aa_runtime::idempotency::Endpoint;
use actix_web::{web, HttpResponse};

use super::{acknowledged, envelope, internal, required};
use crate::state::{AppState, Claimed};

#[tracing::instrument(name = "POST /Consent/Notification", skip_all, fields(txn.id = %request.body.txnid, peer.id = %request.caller.entity_id))]
pub async fn receive(
    state: web::Data<AppState>,
    request: Verified<ConsentStatusNotification, FromFiuOrFip>,
) -> Result<HttpResponse, RebitError> {
    let body = request.body;
    let caller = request.caller;
    let version = envelope(&state, &body.ver, &body.timestamp, &body.txnid)?;
    required("Notifier.id", &body.notifier.id)?;
    let consent_id = required(
        "consentId",
        body.consent_status_notification
            .consent_id
            .as_deref()
            .unwrap_or_default(),
    )?;
    let kind = match caller.role {
        Role::Fip => NotifierType::Fip,
        Role::Fiu => NotifierType::Fiu,
        Role::Aa => NotifierType::Aa,
    };
    if body.notifier.id != caller.entity_id || body.notifier.kind != Open::Known(kind) {
        return Err(RebitError::new(
            ErrorCode::InvalidNotifier,
            "Notifier must be the caller, of its role",
        ));
    }
    let claim = match state
        .claim(
            &caller,
            Endpoint::ConsentNotification,
            &body.txnid,
            &request.raw,
        )
        .await?
    {
        Claimed::Fresh(claim) => claim,
        Claimed::Answered(answer) => return Ok(answer),
    };
    let result = async {
        let update = &body.consent_status_notification;
        let party = state
            .store
            .artefact(consent_id)
            .await
            .map_err(internal)?
            .is_some_and(|a| a.fip_id == caller.entity_id || a.fiu_id == caller.entity_id);
        if !party {
            return Err(RebitError::new(
                ErrorCode::InvalidRequest,
                "unknown consentId",
            ));
        }
        tracing::info!(consent.id = %consent_id, status = %update.consent_status, "consent status notified");
        Ok(acknowledged(&state, version.as_str(), &body.txnid))
    }
    .await;
    // Nothing is written besides the answer, which `finish` commits in the claim's transaction.
    claim.finish(result).await
}
