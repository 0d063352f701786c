//! An FI data request from the app: one session per `ACTIVE`, verified artefact of the handle
//! (over the asked range, or each consent's whole `FIDataRange`), stored with its `fi_request`
//! jobs; the worker carries them out after the answer.

use actix_web::http::StatusCode;

use crate::domain::data_request::{plan_session, PlanError, Range};
use crate::domain::status::{ConsentState, FetchState};
use crate::persistence::fi_requests::{NewSession, Trigger};
use crate::routes::app::error::AppError;
use crate::state::AppState;

/// A queued data request: its id and its sessions.
pub struct Queued {
    pub id: String,
    pub sessions: Vec<NewSession>,
}

/// Queues a data request for `handle` over `asked`; 404 unknown handle, 409
/// `consent_not_active` when no artefact is `ACTIVE` and verified, 400 `invalid_range`.
#[tracing::instrument(name = "create_data_request", skip_all, fields(consent.handle = %handle))]
pub async fn create(
    state: &AppState,
    handle: &str,
    asked: Option<Range>,
) -> Result<Queued, AppError> {
    let internal = |e: crate::persistence::StoreError| AppError::internal(&e);
    let request = super::known_consent(state, handle).await?;
    let artefacts = state.store.artefacts(handle).await.map_err(internal)?;
    let mut sessions = Vec::new();
    for artefact in artefacts
        .iter()
        .filter(|a| a.status == ConsentState::Active && a.fetch == FetchState::Verified)
    {
        let Some(detail) = &artefact.detail else {
            continue;
        };
        let plan = plan_session(detail, asked).map_err(|e| match e {
            PlanError::Detail(_) => AppError::internal(&e),
            other => AppError::bad_request("invalid_range", other.to_string()),
        })?;
        sessions.push(NewSession {
            consent_id: artefact.consent_id.clone(),
            plan,
        });
    }
    if sessions.is_empty() {
        return Err(AppError::new(
            StatusCode::CONFLICT,
            "consent_not_active",
            "the consent has no ACTIVE, verified artefact yet",
        ));
    }
    let range_text = asked.map(|r| {
        (
            aa_core::timefmt::format_millis(r.from),
            aa_core::timefmt::format_millis(r.to),
        )
    });
    let (id, _) = state
        .store
        .create_data_request(
            handle,
            &request.aa_id,
            Trigger::App,
            range_text.as_ref().map(|(f, t)| (f.as_str(), t.as_str())),
            &sessions,
            state.clock.now(),
        )
        .await
        .map_err(internal)?;
    state.waker.wake();
    tracing::info!(request.id = %id, sessions = sessions.len(), "FI data request queued");
    Ok(Queued { id, sessions })
}
