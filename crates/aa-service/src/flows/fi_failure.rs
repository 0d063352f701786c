//! What the FIU hears about its FI session, and an FIP failure recorded: the session `FAILED`
//! with its reason, the accounts still waiting for data (`PENDING`, `READY`) `TIMEOUT` (Sahamati:
//! "something went wrong ... resend your request"), and the FIU's `POST /FI/Notification`
//! saying `FAILED` queued in the same transaction (issue 13: a failure is notified, never a
//! synchronous 503). The reason names the rule or the FIP's refusal, never an answer's content.

use aa_runtime::clock::millis;

use crate::domain::fi_messages::{self, AccountStatus};
use crate::persistence::records::{Failing, FiAccountRecord, FiSessionRecord, NewOutboxMessage};
use crate::persistence::StoreError;
use crate::state::AppState;

/// The FIU's `POST /FI/Notification` about `session` (the AA's session id, the FIU's txnid) with
/// its accounts as they now stand, from the AA `aa_id`.
pub fn fiu_notification(
    aa_id: &str,
    session: &FiSessionRecord,
    accounts: &[FiAccountRecord],
) -> Result<Vec<NewOutboxMessage>, String> {
    let notification = fi_messages::fi_notification(
        aa_id,
        &session.fiu_txnid,
        &session.id,
        session.status.to_rebit(),
        &session.fip_id,
        accounts
            .iter()
            .map(|a| AccountStatus {
                link_ref_number: a.link_ref_number.clone(),
                fi_status: a.fi_status,
                description: a.description.clone().unwrap_or_default(),
            })
            .collect(),
    );
    let body = serde_json::to_vec(&notification).map_err(|e| e.to_string())?;
    Ok(vec![NewOutboxMessage {
        callee: session.fiu_id.clone(),
        path: "/FI/Notification".to_owned(),
        body,
    }])
}

/// Records `reason` as the failure of session `session_id` and tells its FIU (see the module
/// documentation). A session already `FAILED` or `EXPIRED` is left alone (nothing more to
/// tell). Returns whether the session changed.
pub async fn fail_session(
    state: &AppState,
    session_id: &str,
    reason: &str,
) -> Result<bool, StoreError> {
    fail(state, session_id, Failing::Open, reason).await
}

/// [`fail_session`] for a forward to the FIP that failed or died: only while the session is
/// still `REQUESTED` in the attempt opened at `opened_at`.
pub async fn fail_forward(
    state: &AppState,
    session_id: &str,
    opened_at: i64,
    reason: &str,
) -> Result<bool, StoreError> {
    fail(state, session_id, Failing::Forward { opened_at }, reason).await
}

async fn fail(
    state: &AppState,
    session_id: &str,
    failing: Failing,
    reason: &str,
) -> Result<bool, StoreError> {
    let aa_id = state.aa_id().to_owned();
    let failed = state
        .store
        .fail_fi_session_notified(
            session_id,
            failing,
            reason,
            |session, accounts| fiu_notification(&aa_id, session, accounts),
            millis(state.now()),
        )
        .await?;
    if failed {
        tracing::warn!(session.id = %session_id, reason, "FI session FAILED; the FIU is notified");
        state.waker.wake();
    }
    Ok(failed)
}
