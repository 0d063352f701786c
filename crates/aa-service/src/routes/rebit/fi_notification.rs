//! `POST /FI/Notification` (FIP): the status of an FIP session and its accounts. The notifier
//! must be the calling FIP and the session one the AA opened at it; the new statuses and the
//! FIU's `POST /FI/Notification` (about the AA's session id) are written together. A repeat
//! changes nothing and sends nothing, and is answered OK like the first; the same txnid with
//! another body is 409 `IdempotencyError` (`aa_runtime::idempotency`). A session past its lifetime is
//! stored `EXPIRED` first, so the FIU hears `EXPIRED`.
//!
//! An FIP may notify before the AA has stored the FIP's session id (its answer to
//! `POST /FI/request` is still on the way): while a request to that FIP is being forwarded, an
//! unknown session is answered 503 so that the FIP's outbox tries again.

use aa_core::rebit::{ErrorCode, FiStatusNotification, NotifierType, Open};
use aa_runtime::http::{FromFip, RebitError, Verified};
use aa_runtime::idempotency::Endpoint;
use actix_web::{web, HttpResponse};

use super::{acknowledged, envelope, internal, required};
use crate::domain::fi_session::{SessionState, FORWARD_WINDOW_MILLIS};
use crate::flows::fiu_notification;
use crate::persistence::records::{FiNotificationOutcome, FiStatusReport};
use crate::state::{AppState, Claimed};
use aa_runtime::clock::millis;

#[tracing::instrument(name = "POST /FI/Notification", skip_all, fields(txn.id = %request.body.txnid, peer.id = %request.caller.entity_id, session.id))]
pub async fn receive(
    state: web::Data<AppState>,
    request: Verified<FiStatusNotification, FromFip>,
) -> Result<HttpResponse, RebitError> {
    let body = request.body;
    let version = envelope(&state, &body.ver, &body.timestamp, &body.txnid)?;
    let fip = request.caller.entity_id.clone();
    required("Notifier.id", &body.notifier.id)?;
    required(
        "FIStatusNotification.sessionId",
        &body.fi_status_notification.session_id,
    )?;
    let notifier_is_fip = matches!(body.notifier.kind, Open::Known(NotifierType::Fip));
    if body.notifier.id != fip || !notifier_is_fip {
        return Err(RebitError::new(
            ErrorCode::InvalidNotifier,
            "Notifier must be the calling FIP",
        ));
    }
    let mut claim = match state
        .claim(
            &request.caller,
            Endpoint::FiNotification,
            &body.txnid,
            &request.raw,
        )
        .await?
    {
        Claimed::Fresh(claim) => claim,
        Claimed::Answered(answer) => return Ok(answer),
    };
    // The session's new state, the FIU's notification and the kept answer commit together.
    let mut changed = false;
    let result = async {
        let bad = |m: String| RebitError::new(ErrorCode::InvalidFIStatusNotification, m);
        let update = &body.fi_status_notification;
        let mut reports = Vec::new();
        for entry in &update.fi_status_response {
            if entry.fip_id != fip {
                return Err(bad("FIStatusResponse names another FIP".into()));
            }
            reports.extend(entry.accounts.iter().map(|a| FiStatusReport {
                link_ref_number: a.link_ref_number.trim().to_owned(),
                fi_status: a.fi_status,
                description: a.description.clone(),
            }));
        }
        let now = state.now();
        let Some(session) = state
            .store
            .fi_session_by_fip(&fip, update.session_id.trim())
            .await
            .map_err(internal)?
        else {
            let in_flight = state
                .store
                .fi_forward_in_flight(&fip, millis(now) - FORWARD_WINDOW_MILLIS)
                .await
                .map_err(internal)?;
            if in_flight {
                return Err(RebitError::new(
                    ErrorCode::ServiceUnavailable,
                    "session not known yet; try again",
                ));
            }
            return Err(bad("unknown sessionId".into()));
        };
        tracing::Span::current().record("session.id", session.id.as_str());
        // A session past its lifetime is EXPIRED before anything is applied: a late READY does not
        // revive it, and the FIU hears EXPIRED.
        if session
            .status
            .at(session.created_at, state.fi_session_expired_before(now))
            != session.status
        {
            state
                .store
                .expire_fi_session_in(claim.transaction().await?, &session.id, millis(now))
                .await
                .map_err(internal)?;
        }
        let aa_id = state.aa_id().to_owned();
        let outcome = state
            .store
            .apply_fi_notification(
                claim.transaction().await?,
                &session.id,
                SessionState::from_rebit(update.session_status),
                &reports,
                |session, accounts| fiu_notification(&aa_id, session, accounts),
                millis(now),
            )
            .await
            .map_err(internal)?;
        match outcome {
            FiNotificationOutcome::Applied { changed: applied } => {
                changed = applied;
                tracing::info!(status = %update.session_status, changed, "FI status notified");
            }
            FiNotificationOutcome::UnknownAccount(link) => {
                return Err(bad(format!(
                    "linkRefNumber {link:?} is not in this session"
                )));
            }
            FiNotificationOutcome::UnknownSession => return Err(bad("unknown sessionId".into())),
        }
        Ok(acknowledged(&state, version.as_str(), &body.txnid))
    }
    .await;
    let answer = claim.finish(result).await?;
    if changed {
        // Only now is the FIU's notification committed for the outbox to see.
        state.waker.wake();
    }
    Ok(answer)
}
