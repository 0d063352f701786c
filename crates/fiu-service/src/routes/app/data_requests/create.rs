//! `POST /app/consents/{handle}/data-requests` with an optional body `{"from", "to"}`
//! (RFC 3339; default: each consent's whole `FIDataRange`): one session per `ACTIVE`, verified
//! artefact of the handle, each carried out by an `fi_request` job (its `sessionId` appears
//! once the AA answered). 201 with the request; 404 unknown handle; 409 `consent_not_active`
//! when no artefact is `ACTIVE` and verified; 400 `invalid_request` / `invalid_range`.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use crate::clients::aa::MAX_ID_LEN;
use crate::domain::data_request::{plan_session, PlanError, Range};
use crate::domain::status::{ConsentState, FetchState};
use crate::persistence::fi_requests::{NewSession, Trigger};
use crate::routes::app::auth::AppCaller;
use crate::routes::app::error::AppError;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    from: String,
    to: String,
}

/// The range of the body, if there is one.
fn range(body: &[u8]) -> Result<Option<Range>, AppError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let body: Body = serde_json::from_slice(body).map_err(|_| {
        AppError::bad_request(
            "invalid_request",
            "the body is optional; when present it is {\"from\": RFC 3339, \"to\": RFC 3339}",
        )
    })?;
    Range::parse(&body.from, &body.to)
        .map(Some)
        .map_err(|e| AppError::bad_request("invalid_range", e.to_string()))
}

#[tracing::instrument(name = "create_data_request", skip_all, fields(consent.handle = %handle))]
pub async fn create(
    _: AppCaller,
    state: web::Data<AppState>,
    handle: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let handle = handle.into_inner();
    let not_found = || AppError::not_found(format!("no consent request with handle {handle:?}"));
    if handle.len() > MAX_ID_LEN {
        return Err(not_found());
    }
    let asked = range(&body)?;
    let internal = |e: crate::persistence::StoreError| AppError::internal(&e);
    let store = &state.store;
    let request = store
        .consent_request(&handle)
        .await
        .map_err(internal)?
        .ok_or_else(not_found)?;
    let artefacts = store.artefacts(&handle).await.map_err(internal)?;
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
            actix_web::http::StatusCode::CONFLICT,
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
    let (id, _) = store
        .create_data_request(
            &handle,
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
    let sessions: Vec<_> = sessions
        .iter()
        .map(|s| {
            json!({
                "fipId": s.plan.fip_id,
                "consentId": s.consent_id,
                "sessionId": null,
                "status": "PENDING",
            })
        })
        .collect();
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/app/data-requests/{id}")))
        .json(json!({
            "requestId": id,
            "consentHandle": handle,
            "status": "PENDING",
            "sessions": sessions,
        })))
}
