//! The poll fallback: a request the FIU has not heard about (still `PENDING`, or `ACTIVE`
//! without a known artefact) is refreshed with the AA's `POST /Consent/handle`, at most once per
//! `consent_poll.min_interval_seconds`, in case a notification was lost. An approved handle
//! (`READY`/`APPROVED` with a consent id) is treated like an `ACTIVE` notification: the artefact
//! is recorded and its fetch queued. A failed poll (the AA unreachable, refusing, or answering
//! with a signature that does not verify: that answer is discarded) changes nothing but is
//! logged and recorded as the request's `pollError`.

use time::OffsetDateTime;

use crate::domain::status::ConsentState;
use crate::domain::update::StatusUpdate;
use crate::persistence::consents::{ArtefactRecord, ConsentRequestRecord};
use crate::persistence::StoreError;
use crate::routes::app::error::AppError;
use crate::state::AppState;

/// The request of `handle` and its artefacts, refreshed from the AA first when [`due`]; 404
/// for an unknown handle.
pub async fn current(
    state: &AppState,
    handle: &str,
) -> Result<(ConsentRequestRecord, Vec<ArtefactRecord>), AppError> {
    let internal = |e: StoreError| AppError::internal(&e);
    let mut request = super::known_consent(state, handle).await?;
    let mut artefacts = state.store.artefacts(handle).await.map_err(internal)?;
    let now = state.clock.now();
    if due(state, &request, &artefacts, now) {
        run(state, &request, now).await;
        request = super::known_consent(state, handle).await?;
        artefacts = state.store.artefacts(handle).await.map_err(internal)?;
    }
    Ok((request, artefacts))
}

/// Asks the AA for `handle`'s status now, whatever the poll settings, when the FIU has not yet
/// heard the outcome (the customer was just sent back from the AA's consent manager).
pub async fn refresh_now(state: &AppState, handle: &str) -> Result<(), AppError> {
    let request = super::known_consent(state, handle).await?;
    let artefacts = state
        .store
        .artefacts(handle)
        .await
        .map_err(|e| AppError::internal(&e))?;
    let unheard = request.status == ConsentState::Pending
        || (request.status == ConsentState::Active && artefacts.is_empty());
    if unheard {
        run(state, &request, state.clock.now()).await;
    }
    Ok(())
}

/// Whether `request` should be refreshed now.
fn due(
    state: &AppState,
    request: &ConsentRequestRecord,
    artefacts: &[ArtefactRecord],
    now: OffsetDateTime,
) -> bool {
    let unheard = request.status == ConsentState::Pending
        || (request.status == ConsentState::Active && artefacts.is_empty());
    let interval =
        time::Duration::seconds(i64::try_from(state.poll.min_interval_seconds).unwrap_or(i64::MAX));
    state.poll.enabled && unheard && now - request.checked_at >= interval
}

/// Asks the AA and applies what it says.
async fn run(state: &AppState, request: &ConsentRequestRecord, now: OffsetDateTime) {
    if let Err(error) = state.store.mark_checked(&request.handle, now).await {
        tracing::error!(%error, "cannot record the status poll");
        return;
    }
    let answer = match state
        .aa
        .consent_status(&request.aa_id, &request.handle)
        .await
    {
        Ok(answer) => answer,
        Err(error) => {
            tracing::warn!(peer.id = %request.aa_id, %error, "consent status poll failed");
            if let Err(error) = state
                .store
                .poll_failed(&request.handle, &error.to_string())
                .await
            {
                tracing::error!(%error, "cannot record the failed status poll");
            }
            return;
        }
    };
    let status = ConsentState::from(answer.status);
    let update = StatusUpdate {
        consent_id: answer.id.filter(|_| status == ConsentState::Active),
        status,
    };
    match state
        .store
        .apply_polled_status(&request.handle, &update, now)
        .await
    {
        Ok(plan) => {
            if plan.fetches() {
                state.waker.wake();
            }
            if !plan.is_empty() {
                tracing::info!(
                    consent.status = status.as_str(),
                    "consent status polled from the AA"
                );
            }
        }
        Err(error) => tracing::error!(%error, "cannot apply the polled consent status"),
    }
}
