//! What both ReBIT notification endpoints share: the envelope, read at the clock's time; the
//! checks of the `Notifier` (present, syntax: an empty `type` or `id` is missing, 400
//! `InvalidRequest`; then the calling AA itself, business: 400 `InvalidNotifier`); and applying
//! the notification once ([`apply_once`]).

use aa_core::rebit::{ErrorCode, NotificationResponse, Notifier, NotifierType};
use aa_core::timefmt;
use aa_core::validate::{self, Invalid};
use aa_runtime::http::{Caller, RebitError};
use aa_runtime::idempotency::{Incoming, NextAction};
use actix_web::HttpResponse;

use crate::persistence::updates::Notified;
use crate::persistence::StoreError;
use crate::state::AppState;

/// Records the caller and txnid on the handler's span and checks the envelope at the clock's
/// time; returns the version to answer in.
pub fn envelope(
    state: &AppState,
    caller: &Caller,
    ver: &str,
    timestamp: &str,
    txnid: &str,
) -> Result<String, Invalid> {
    let span = tracing::Span::current();
    span.record("txn.id", txnid);
    span.record("peer.id", caller.entity_id.as_str());
    let version = validate::envelope(Some(ver), Some(timestamp), Some(txnid), state.clock.now())?;
    Ok(version.as_str().to_owned())
}

/// `Notifier.type` and `Notifier.id` are present.
pub fn present(notifier: &Notifier) -> Result<(), Invalid> {
    validate::required("Notifier.type", Some(notifier.kind.as_str()))?;
    validate::required("Notifier.id", Some(&notifier.id))?;
    Ok(())
}

/// The notifier is `{type: AA, id: <the caller>}`.
pub fn is_calling_aa(notifier: &Notifier, caller: &str) -> Result<(), RebitError> {
    if notifier.kind.known() == Some(&NotifierType::Aa) && notifier.id == caller {
        Ok(())
    } else {
        Err(RebitError::new(
            ErrorCode::InvalidNotifier,
            "Notifier must be the AA sending the notification",
        ))
    }
}

/// Applies a checked notification once per (AA, endpoint, txnid) (`aa_runtime::idempotency`)
/// and answers `OK`. The first time, its writes run in the claim's transaction, so the effect
/// and the kept answer commit together (or, refused, neither). A repeat under the txnid about
/// the same subject is a re-send or the flow's next notification (`Recompute`): it is applied
/// in a transaction of its own, where a re-send changes nothing (the store recognises it). The
/// worker is woken once a queued job is committed.
pub async fn apply_once(
    state: &AppState,
    incoming: &Incoming<'_>,
    version: String,
    notified: Notified,
) -> Result<HttpResponse, RebitError> {
    let mut claim = match state.idempotency().try_processing(incoming).await? {
        NextAction::ReturnSavedResponse(answer) => return Ok(answer),
        NextAction::StartProcessing(claim) => Some(claim),
        NextAction::Recompute => None,
    };
    let now = state.clock.now();
    let transaction = match claim.as_mut() {
        Some(claim) => Some(claim.transaction().await?),
        None => None,
    };
    let applied = state
        .store
        .apply_notification(transaction, &notified, now)
        .await
        .map_err(|e: StoreError| RebitError::internal(&e));
    let answer = NotificationResponse {
        ver: version,
        timestamp: timefmt::format_millis(now),
        txnid: incoming.txnid.to_owned(),
        response: "OK".to_owned(),
    };
    let (changed, fetch_queued) = match &applied {
        Ok(applied) => (applied.changed, applied.fetch_queued),
        Err(_) => (false, false),
    };
    let response = match claim {
        Some(claim) => claim.finish(applied.map(|_| answer)).await?,
        None => {
            applied?;
            HttpResponse::Ok().json(answer)
        }
    };
    if fetch_queued {
        state.waker.wake();
    }
    tracing::info!(changed, fetch_queued, "notification applied");
    Ok(response)
}
