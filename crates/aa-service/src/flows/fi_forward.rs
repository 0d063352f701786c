//! The FIU's FI request on its way to the FIP, after the AA accepted it (the spec's asynchronous
//! model, issue 13): `POST /FI/request` answers the AA's session id at once and queues a
//! [`Forward`] in the same transaction; the queue's worker runs [`forward`]. The FIP's answer,
//! checked by `clients::fip_answer`, makes the session `ACTIVE` with the FIP's session id; a
//! refusal, an answer that does not fit, or an FIP that cannot be reached or times out makes it
//! `FAILED` and tells the FIU with `FI/Notification` (`fi_failure`). While the consent artefact
//! is still in the outbox on its way to the FIP, the forward waits (the job is retried) for at
//! most `FORWARD_WINDOW_MILLIS` after the request, then the session fails.
//!
//! A forward that cannot finish does not leave its session `REQUESTED` in silence: on its last
//! attempt (`queue.max_attempts`) the job [`give_up`]s, and a forward whose job died anyway
//! (dead-lettered, discarded by an operator, lost) is failed by the expiry sweep once
//! `FORWARD_ABANDONED_MILLIS` have passed (`jobs::expiry`). Either way the session is `FAILED`
//! and the FIU told `FAILED` by `FI/Notification`, as for an FIP's refusal.

use aa_core::rebit::FiRequest;
use aa_core::timefmt;
use aa_runtime::queue::{JobError, NewJob};
use serde::{Deserialize, Serialize};

use super::fi_failure::fail_forward;
use super::fip_refusal;
use crate::domain::fi_session::{SessionState, FORWARD_WINDOW_MILLIS};
use crate::persistence::StoreError;
use crate::state::AppState;

/// The queue kind of FI forwards.
pub const KIND: &str = "fi_forward";

/// One FI request to forward: the AA session, the attempt (the session's `created_at`, so that
/// a stale job of an earlier attempt does nothing), and the FIU's request as received (its
/// KeyMaterial is the FIU's public key and nonce, nothing secret).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Forward {
    pub session_id: String,
    pub opened_at: i64,
    pub request: FiRequest,
}

impl Forward {
    /// The queue job carrying this forward (no ordering key: forwards run side by side).
    pub fn job(&self) -> Result<NewJob, serde_json::Error> {
        Ok(NewJob {
            kind: KIND.to_owned(),
            key: None,
            payload: serde_json::to_string(self)?,
        })
    }

    pub fn from_payload(payload: &str) -> Result<Self, JobError> {
        serde_json::from_str(payload)
            .map_err(|e| JobError::Final(format!("fi_forward payload: {e}")))
    }
}

/// The reason a forward that gave up or died is recorded with (what the FIU is told).
pub const NOT_FORWARDED: &str = "the FI request could not be forwarded to the FIP";

fn retry(e: StoreError) -> JobError {
    JobError::Retry(e.to_string())
}

/// Forwards `job`'s request to the session's FIP (see the module documentation). Done when the
/// session is `ACTIVE` or `FAILED`, or no longer this attempt's; retried while the store fails
/// or the artefact is still on its way.
pub async fn forward(state: &AppState, job: &Forward) -> Result<(), JobError> {
    let session = state
        .store
        .fi_session(&job.session_id)
        .await
        .map_err(retry)?;
    let Some(session) =
        session.filter(|s| s.status == SessionState::Requested && s.created_at == job.opened_at)
    else {
        tracing::info!(session.id = %job.session_id, "FI forward: the session has moved on");
        return Ok(());
    };
    let fip = &session.fip_id;
    let on_its_way = state
        .store
        .artefact_on_its_way(fip, &session.consent_id)
        .await
        .map_err(retry)?;
    if on_its_way {
        if state.now_millis() - session.created_at <= FORWARD_WINDOW_MILLIS {
            return Err(JobError::Retry(
                "the consent artefact is still on its way to the FIP".into(),
            ));
        }
        let reason = "the consent artefact did not reach the FIP in time";
        fail_forward(state, &session.id, job.opened_at, reason)
            .await
            .map_err(retry)?;
        return Ok(());
    }
    match state.fip().request_fi(fip, &job.request).await {
        Ok(fip_session_id) => {
            let now = state.now();
            let activated = state
                .store
                .activate_fi_session(
                    &session.id,
                    job.opened_at,
                    &fip_session_id,
                    &timefmt::format_millis(now),
                    aa_runtime::clock::millis(now),
                )
                .await
                .map_err(retry)?;
            if activated {
                tracing::info!(session.id = %session.id, "FI session opened at the FIP");
            }
            Ok(())
        }
        Err(error) => {
            let reason = fip_refusal::reason(fip, &error);
            fail_forward(state, &session.id, job.opened_at, &reason)
                .await
                .map_err(retry)?;
            Ok(())
        }
    }
}

/// The forward's last attempt failed with `error` (a retryable one: the store, the artefact
/// still on its way): the session, if still `REQUESTED` in this attempt, is `FAILED` and the
/// FIU told. The error is logged, not told (it may name our own internals).
pub async fn give_up(state: &AppState, job: &Forward, error: &JobError) -> Result<(), JobError> {
    tracing::error!(session.id = %job.session_id, %error, "FI forward gave up after its last attempt");
    fail_forward(state, &job.session_id, job.opened_at, NOT_FORWARDED)
        .await
        .map_err(retry)?;
    Ok(())
}
