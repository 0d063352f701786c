//! `POST /FI/Notification` (ReBIT FIU API): an AA tells the FIU where an FI session stands,
//! per FIP and account.
//!
//! Checks, in order, each with the spec's answer: API key, signature and binding (the
//! `Verified` extractor); the caller is an AA (401 `Unauthorized`); the envelope (404
//! `NoSuchVersion`, 400 `InvalidRequest`); the required strings present (400
//! `InvalidRequest`; an empty string is missing); the `Notifier` is the calling AA (400
//! `InvalidNotifier`); the session is one this FIU opened with the calling AA (400
//! `InvalidSessionId`); every FIP and account it names is the session's (400 `InvalidRequest`)
//! and a session the FIU has ended is not changed (400 `InvalidSessionStatus`; both in
//! [`crate::domain::answers`]); the `txnid` has not been used by this AA for another session's
//! notifications (409 `IdempotencyError`; see `aa_runtime::idempotency`). An AA may notify before the FIU has stored the `sessionId` it
//! answered with (the worker commits it just after the answer): while an FI request to that
//! AA is in flight, an unknown session is looked up again for up to two seconds.
//!
//! The accounts' statuses are applied in the transaction of the idempotency claim
//! ([`notifier::apply_once`]) which, once every account of the session is ready or denied,
//! moves the session to `READY` and queues its fetch; the fetch runs after the answer, in the
//! worker. A `COMPLETED` session with an empty `FIStatusResponse` (as 1.1.x-style AAs send it)
//! counts as every account ready. The same notification again changes nothing.

use aa_core::rebit::{ErrorCode, FiStatus, FiStatusNotification, SessionStatus};
use aa_core::validate::{self, Invalid};
use aa_runtime::http::{FromAa, RebitError, Verified};
use aa_runtime::idempotency::{Endpoint, Incoming};
use actix_web::{web, HttpResponse};
use tracing::field::Empty;

use crate::clients::aa::MAX_ID_LEN;
use crate::domain::answers;
use crate::persistence::fi_requests::{moves, SessionRecord};
use crate::persistence::updates::Notified;
use crate::persistence::StoreError;
use crate::routes::rebit::notifier;
use crate::state::AppState;

#[tracing::instrument(
    name = "fi_notification",
    skip_all,
    fields(txn.id = Empty, peer.id = Empty, fi.session = Empty, fi.session_status = Empty)
)]
pub async fn notify(
    request: Verified<FiStatusNotification, FromAa>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, RebitError> {
    let Verified {
        caller, body, raw, ..
    } = request;
    let version = notifier::envelope(&state, &caller, &body.ver, &body.timestamp, &body.txnid)?;
    let update = &body.fi_status_notification;
    required_fields(&body)?;
    notifier::is_calling_aa(&body.notifier, &caller.entity_id)?;
    let session_id = update.session_id.trim();
    let span = tracing::Span::current();
    span.record("fi.session", session_id);
    span.record("fi.session_status", update.session_status.as_str());
    let unknown = || RebitError::new(ErrorCode::InvalidSessionId, "unknown sessionId");
    if session_id.is_empty() || session_id.len() > MAX_ID_LEN {
        return Err(unknown());
    }
    let session = find_session(&state, &caller.entity_id, session_id)
        .await?
        .ok_or_else(unknown)?;
    let subject = session.id.clone();
    let incoming =
        Incoming::new(&caller, Endpoint::FiNotification, &body.txnid, &raw).about(&subject);
    let known = state
        .store
        .accounts_of(&session.id)
        .await
        .map_err(|e| RebitError::internal(&e))?;
    let links: Vec<&str> = known.iter().map(|a| a.link_ref_number.as_str()).collect();
    let named = update.fi_status_response.iter().flat_map(|fip| {
        fip.accounts
            .iter()
            .map(|a| (fip.fip_id.as_str(), a.link_ref_number.as_str()))
    });
    answers::session_accounts(&session.fip_id, &links, named)?;
    let accounts: Vec<(String, FiStatus)> = if update.fi_status_response.is_empty()
        && update.session_status == SessionStatus::Completed
    {
        // A 1.1.x-style AA may say only that the session is COMPLETED, with no statuses per
        // account: that is "ready" for every account the session asked for.
        known
            .iter()
            .map(|a| (a.link_ref_number.clone(), FiStatus::Ready))
            .collect()
    } else {
        update
            .fi_status_response
            .iter()
            .flat_map(|fip| fip.accounts.iter())
            .map(|a| (a.link_ref_number.clone(), a.fi_status))
            .collect()
    };
    // `DELIVERED` after the fetch only confirms what the FIU did; any other move counts.
    let changes = accounts.iter().any(|(link, incoming)| {
        *incoming != FiStatus::Delivered
            && known
                .iter()
                .any(|a| &a.link_ref_number == link && moves(&a.fi_status, *incoming))
    });
    answers::session_status(session.status, update.session_status, changes)?;
    let over = matches!(
        update.session_status,
        SessionStatus::Failed | SessionStatus::Expired
    );
    let notified = Notified::Fi {
        session: Box::new(session),
        accounts,
        over,
    };
    notifier::apply_once(&state, &incoming, version, notified).await
}

/// The required strings of the body are present (an empty string is missing): the
/// `Notifier`'s, `sessionId`, and each `fipID` and `linkRefNumber`. (`description`, required
/// but free text, may be empty.)
fn required_fields(body: &FiStatusNotification) -> Result<(), Invalid> {
    notifier::present(&body.notifier)?;
    let update = &body.fi_status_notification;
    validate::required("sessionId", Some(&update.session_id))?;
    for fip in &update.fi_status_response {
        validate::required("FIStatusResponse.fipID", Some(&fip.fip_id))?;
        for account in &fip.accounts {
            validate::required(
                "FIStatusResponse.Accounts.linkRefNumber",
                Some(&account.link_ref_number),
            )?;
        }
    }
    Ok(())
}

/// The session `session_id` of `aa_id`. An unknown one while an FI request to that AA is in
/// flight may be that request's own session, whose answer is not recorded yet: 503, try again
/// (the AA retries its notification); the handler does not wait for it.
async fn find_session(
    state: &AppState,
    aa_id: &str,
    session_id: &str,
) -> Result<Option<SessionRecord>, RebitError> {
    let internal = |e: StoreError| RebitError::internal(&e);
    if let Some(session) = state
        .store
        .session_by_aa_id(aa_id, session_id)
        .await
        .map_err(internal)?
    {
        return Ok(Some(session));
    }
    if state
        .store
        .fi_request_in_flight(aa_id)
        .await
        .map_err(internal)?
    {
        return Err(RebitError::new(
            ErrorCode::ServiceUnavailable,
            "the FI request of this session is still being answered; try again later",
        ));
    }
    Ok(None)
}
